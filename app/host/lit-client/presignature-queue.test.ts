import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { fragileFirst, pickPresignature, PresignatureQueue, type PresignatureChoice } from './presignature-queue.ts';

// N = 7, T = 5; nodes 2 and 7 down, as in the short chaos run that found the fault.
const up = new Set([1, 3, 4, 5, 6]);
const liveHolders = (c: PresignatureChoice) => c.holders.filter((h) => up.has(h)).length;
const usable = (c: PresignatureChoice) => liveHolders(c) >= 5;
const made = (id: string, holders: number[]): PresignatureChoice => ({ id, holders });

describe('picking a presignature', () => {
  it('never hands out one too few live nodes hold, however many come first', () => {
    // 200 made while node 1 was down, then a few all seven hold.
    const queue = [
      ...Array.from({ length: 200 }, (_, i) => made(`without-1:${i}`, [2, 3, 4, 5, 6, 7])),
      made('all:0', [1, 2, 3, 4, 5, 6, 7]),
      made('all:1', [1, 2, 3, 4, 5, 6, 7]),
    ];
    const { choice, rest } = pickPresignature(queue, usable, liveHolders);
    expect(choice?.id).toBe('all:0');
    // The unusable ones it passed over are dropped; what it did not look at stays.
    expect(rest.map((c) => c.id)).toEqual(['all:1']);
  });

  it('finds none when none is usable, and leaves nothing it refused', () => {
    const queue = Array.from({ length: 70 }, (_, i) => made(`without-1:${i}`, [2, 3, 4, 5, 6, 7]));
    expect(pickPresignature(queue, usable, liveHolders)).toEqual({ choice: undefined, rest: [] });
  });

  it('takes the best by score among the usable ones, keeping the order of the rest', () => {
    const queue = [
      made('five', [1, 3, 4, 5, 6]),
      made('refused', [2, 3, 4, 5, 7]),
      made('five-and-7', [1, 3, 4, 5, 6, 7]),
      made('later', [1, 3, 4, 5, 6]),
    ];
    const { choice, rest } = pickPresignature(queue, usable, (c) => c.holders.length);
    expect(choice?.id).toBe('five-and-7');
    expect(rest.map((c) => c.id)).toEqual(['five', 'later']);
  });

  it('without a score, takes the first usable one', () => {
    const queue = [made('refused', [2, 7]), made('a', [1, 3, 4, 5, 6]), made('b', [1, 3, 4, 5, 6])];
    const { choice, rest } = pickPresignature(queue, usable);
    expect(choice?.id).toBe('a');
    expect(rest.map((c) => c.id)).toEqual(['b']);
  });

  it('compares at most 64 usable ones', () => {
    const queue = [
      ...Array.from({ length: 64 }, (_, i) => made(`five:${i}`, [1, 3, 4, 5, 6])),
      made('best-but-65th', [1, 2, 3, 4, 5, 6, 7]),
    ];
    const { choice, rest } = pickPresignature(queue, usable, (c) => c.holders.length);
    expect(choice?.id).toBe('five:0');
    expect(rest).toHaveLength(64);
  });

  describe('fragile first', () => {
    const everyNode = [1, 2, 3, 4, 5, 6, 7];
    const liveAmong = (upNow: ReadonlySet<number>) => (c: PresignatureChoice) =>
      c.holders.filter((h) => upNow.has(h)).length;
    /** Takes `count` presignatures as the pick would with `upNow` live; how many it got. */
    const serve = (queue: PresignatureChoice[], upNow: ReadonlySet<number>, count: number) => {
      const live = liveAmong(upNow);
      let served = 0;
      for (let i = 0; i < count; i++) {
        const { choice, rest } = pickPresignature(queue, (c) => live(c) >= 5, fragileFirst(live, 5));
        queue.splice(0, queue.length, ...rest);
        if (choice) served++;
      }
      return served;
    };

    it('spends those made while nodes were down first, keeping those every node holds for the next outage', () => {
      // 10 that every node holds, then 10 made while nodes 2 and 7 were down; all seven are up now.
      const queue = () => [
        ...Array.from({ length: 10 }, (_, i) => made(`all:${i}`, everyNode)),
        ...Array.from({ length: 10 }, (_, i) => made(`without-2-7:${i}`, [1, 3, 4, 5, 6])),
      ];
      const allUp = new Set(everyNode);
      const oneAndThreeDown = new Set([2, 4, 5, 6, 7]);

      const fragileFirstQueue = queue();
      expect(serve(fragileFirstQueue, allUp, 10)).toBe(10);
      // Then nodes 1 and 3 go down: every presignature left is still usable.
      expect(serve(fragileFirstQueue, oneAndThreeDown, 10)).toBe(10);

      // Best-held first (the old pick) spends the ten every node holds while all are up; after
      // the same change, none of what is left is usable.
      const bestHeldQueue = queue();
      const bestHeld = (upNow: ReadonlySet<number>) => {
        const live = liveAmong(upNow);
        return pickPresignature(bestHeldQueue, (c) => live(c) >= 5, live);
      };
      for (let i = 0; i < 10; i++) bestHeldQueue.splice(0, bestHeldQueue.length, ...bestHeld(allUp).rest);
      expect(bestHeld(oneAndThreeDown).choice).toBeUndefined();
    });

    it('with a spare wanted, takes one with a live holder beyond T while there is one', () => {
      const allUp = new Set(everyNode);
      const live = liveAmong(allUp);
      const queue = [made('five', [1, 3, 4, 5, 6]), made('six', [1, 2, 3, 4, 5, 6]), made('seven', everyNode)];
      const usableNow = (c: PresignatureChoice) => live(c) >= 5;
      expect(pickPresignature(queue, usableNow, fragileFirst(live, 5, 1)).choice?.id).toBe('six');
      expect(pickPresignature(queue, usableNow, fragileFirst(live, 5)).choice?.id).toBe('five');
      // No spare anywhere: the fewest holders still go first.
      const tight = [made('seven-of-which-5-up', everyNode), made('five', [1, 3, 4, 5, 6])];
      const fiveUp = liveAmong(new Set([1, 3, 4, 5, 6]));
      expect(pickPresignature(tight, (c) => fiveUp(c) >= 5, fragileFirst(fiveUp, 5, 1)).choice?.id).toBe('five');
    });
  });
});

describe('waiting for a usable presignature', () => {
  /** Three nodes that each list the same presignatures, as a node's /presign/available does. */
  async function nodesListing(ids: string[]) {
    const server = http.createServer((req, res) => {
      const node = Number(/^\/n(\d+)\//.exec(req.url ?? '')?.[1]);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ node, ids }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const nodes = [1, 2, 3].map((index) => ({ index, url: `http://127.0.0.1:${port}/n${index}` }));
    return { nodes, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('looks again at once when a node came back, not at its next turn', async () => {
    const { nodes, close } = await nodesListing(['ps-1', 'ps-2']);
    const queue = new PresignatureQueue(() => nodes, 2);
    let holderBack = false;
    const looks = vi.fn((_: PresignatureChoice) => holderBack);
    // The 250 ms between looks is faked and never passes by itself here; the clock (Date) is
    // real, so the refresh asked for below is not held back as too soon after the first.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const taking = queue.take(60_000, looks);
      while (looks.mock.calls.length === 0) await sleep(5);
      await sleep(300);
      expect(await Promise.race([taking, 'still waiting'])).toBe('still waiting');
      queue.refresh(); // a failed try's refresh does not wake it
      await sleep(300);
      expect(await Promise.race([taking, 'still waiting'])).toBe('still waiting');
      holderBack = true;
      queue.nodeBack();
      // Before the wake-up existed this waited for the faked 250 ms, that is for ever.
      const taken = await Promise.race([taking, sleep(5_000).then(() => 'never woke')]);
      expect(typeof taken === 'string' ? taken : taken?.id).toBe('ps-1');
    } finally {
      vi.useRealTimers();
      await close();
    }
  });

  it('after nodes said a presignature it offered was spent, takes wait for a new view instead of picking from the old one', async () => {
    const ids = Array.from({ length: 40 }, (_, k) => `ps-old-${k}`);
    const { nodes, close } = await nodesListing(ids);
    try {
      const queue = new PresignatureQueue(() => nodes, 2);
      expect((await queue.take())?.id).toBe('ps-old-0');
      // Another client bound every one of them at the nodes, which made one more batch.
      ids.splice(0, ids.length, 'ps-new');
      queue.refresh(true); // a run found ps-old-0 … spent
      expect((await queue.take())?.id).toBe('ps-new');
    } finally {
      await close();
    }
  });
});
