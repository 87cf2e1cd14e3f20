import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import {
  presignRound2Finish,
  presignRound2Value,
  type PresignBatchParams,
  type PresignDealing,
} from '../../shared/threshold/presign.ts';
import type { Share } from '../../shared/threshold/scalar.ts';
import { reconstructSecret } from '../../shared/threshold/shamir.ts';
import { BACKGROUND_NICENESS, PresignWorker } from './presign-worker.ts';

const F = secp256k1Group.Fn;
const G = secp256k1Group.Point;
const t = 2;
const participants = [1, 2, 3, 4, 5];
const params = (batchId: string, count = 40): PresignBatchParams => ({ batchId, participants, t, count });
const inbox = (dealings: readonly PresignDealing[], j: number) =>
  dealings.map((d) => ({ broadcast: d.broadcast, shares: d.privateShares[participants.indexOf(j)]! }));

/** This process's threads and their niceness (Linux). */
function threadNiceness(): number[] {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, nice field 19.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe("a batch's round 1 on the node's background thread", () => {
  const background = new PresignWorker(BACKGROUND_NICENESS);
  afterAll(() => background.close());

  it('deals and finishes a batch whose presignatures sign', async () => {
    const p = params('bg-1');
    const dealings = await Promise.all(participants.map((i) => background.deal(p, i)));
    const states = await Promise.all(participants.map((j) => background.finish(p, j, inbox(dealings, j))));
    const round2 = states.map(presignRound2Value);
    const made = states.map((state) => presignRound2Finish(state, round2));
    for (let b = 0; b < p.count; b += 13) {
      const w: Share[] = participants.map((j, pos) => ({ index: j, value: made[pos]![b]!.w }));
      // w = a/μ = 1/k: R·w is the generator.
      expect(
        G.fromBytes(made[0]![b]!.R)
          .multiply(reconstructSecret(F, w, t))
          .equals(G.BASE),
      ).toBe(true);
    }
  });

  it.runIf(process.platform === 'linux')("runs below the node's priority, the node's own thread not", async () => {
    await background.deal(params('bg-nice'), 1);
    const niceness = threadNiceness();
    expect(niceness).toContain(BACKGROUND_NICENESS);
    expect(niceness[0]).toBe(0); // the first task is the process's main thread
  });

  it('refuses a bad round 1 with the reason, and goes on working', async () => {
    const p = params('bg-bad', 3);
    const dealings = await Promise.all(participants.map((i) => background.deal(p, i)));
    await expect(background.finish(p, 1, inbox(dealings, 1).slice(1))).rejects.toThrow(/missing 1/);
    await expect(background.finish(p, 1, inbox(dealings, 1))).resolves.toMatchObject({ me: 1 });
  });

  it('fails the jobs of a thread that ends, and starts a new one for the next', async () => {
    const p = params('bg-ended', 200);
    const job = background.deal(p, 1);
    await background.close();
    await expect(job).rejects.toThrow(/presignature thread exited/);
    await expect(background.deal(params('bg-after', 2), 1)).resolves.toMatchObject({
      broadcast: { batchId: 'bg-after' },
    });
  });
});
