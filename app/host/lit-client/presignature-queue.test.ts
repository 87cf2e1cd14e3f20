import { describe, expect, it } from 'vitest';
import { pickPresignature, type PresignatureChoice } from './presignature-queue.ts';

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
});
