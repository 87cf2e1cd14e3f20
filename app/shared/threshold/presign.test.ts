import { describe, expect, it } from 'vitest';
import { mulBase, secp256k1Group } from './groups.ts';
import {
  auditPresignDealing,
  PresignAbortError,
  presignRound1Deal,
  presignRound1DealSteps,
  presignRound1Finish,
  presignRound1FinishSteps,
  presignRound2Finish,
  presignRound2Value,
  presignConsistencyChallenges,
  presignShareDigest,
  type PresignBatchParams,
  type PresignDealing,
  type PresignDealingBroadcast,
  type PresignPrivateShares,
} from './presign.ts';
import { evaluatePolynomial, randomPolynomial } from './polynomial.ts';
import type { Share } from './scalar.ts';
import { reconstructSecret } from './shamir.ts';
import { simulatePresign } from './simulation.ts';

const F = secp256k1Group.Fn;
const G = secp256k1Group.Point;
const t = 2;
const participants = [1, 2, 3, 4, 5, 6, 7];

function params(count: number, batchId = 'batch-1'): PresignBatchParams {
  return { batchId, participants, t, count };
}

/** What node j receives in round 1, letting a test rewrite one dealer's message to it. */
function inbox(
  dealings: readonly PresignDealing[],
  j: number,
  tamper?: (
    dealer: number,
    m: { broadcast: PresignDealingBroadcast; shares: PresignPrivateShares },
  ) => {
    broadcast: PresignDealingBroadcast;
    shares: PresignPrivateShares;
  },
) {
  return dealings.map((d) => {
    const m = { broadcast: d.broadcast, shares: d.privateShares[participants.indexOf(j)] as PresignPrivateShares };
    return tamper ? tamper(d.broadcast.dealer, m) : m;
  });
}

function abortOf(f: () => unknown): PresignAbortError {
  try {
    f();
  } catch (e) {
    if (e instanceof PresignAbortError) return e;
    throw e;
  }
  throw new Error('expected the batch to be refused');
}

describe('presignatures (N=7, t=2, batched)', () => {
  const count = 6;
  const made = simulatePresign(params(count));

  it('give every participant the same R and ids, one presignature per batch item', () => {
    const reference = made.get(1) ?? [];
    expect(reference).toHaveLength(count);
    for (const j of participants) {
      const mine = made.get(j) ?? [];
      expect(mine.map((p) => p.id)).toEqual(reference.map((p) => p.id));
      mine.forEach((p, b) => expect(p.R).toEqual(reference[b]?.R));
    }
    expect(new Set(reference.map((p) => p.id)).size).toBe(count);
  });

  it('hold degree-t shares of k⁻¹ for R = k·G, and degree-2t shares of zero', () => {
    for (let b = 0; b < count; b++) {
      const w: Share[] = participants.map((j) => ({ index: j, value: (made.get(j) ?? [])[b]?.w as bigint }));
      const z2: Share[] = participants.map((j) => ({ index: j, value: (made.get(j) ?? [])[b]?.z2 as bigint }));
      const kInverse = reconstructSecret(F, w, t); // also checks all 7 lie on one degree-t polynomial
      const R = G.fromBytes((made.get(1) ?? [])[b]?.R as Uint8Array);
      expect(R.multiply(kInverse).equals(G.BASE)).toBe(true);
      expect(reconstructSecret(F, z2, 2 * t)).toBe(0n);
      // t shares of w say nothing: as a degree-(t-1) curve they miss k⁻¹.
      expect(() => reconstructSecret(F, w.slice(0, t), t)).toThrow();
    }
  });

  it('pass the public audit that binds each nonce commitment K to the dealt k', () => {
    const dealing = presignRound1Deal(params(4), 3);
    expect(auditPresignDealing(dealing.broadcast)).toBe(true);
    const forged = [...dealing.broadcast.nonceCommitments];
    forged[1] = mulBase(secp256k1Group, 12345n).toBytes(false);
    expect(auditPresignDealing({ ...dealing.broadcast, nonceCommitments: forged })).toBe(false);
  });
});

describe('presign round 1 refuses a bad dealing before any value is published', () => {
  const p = params(3);
  const dealings = participants.map((i) => presignRound1Deal(p, i));

  it('a k share off the dealt polynomial (the attack that would leak a_j)', () => {
    const err = abortOf(() =>
      presignRound1Finish(
        p,
        4,
        inbox(dealings, 4, (dealer, m) =>
          dealer === 6
            ? { ...m, shares: { ...m.shares, k: m.shares.k.map((v, b) => (b === 1 ? F.add(v, 1n) : v)) } }
            : m,
        ),
      ),
    );
    expect(err.suspects).toEqual([6]);
    expect(err.message).toMatch(/dealer 6: shares do not match the published digest/);
  });

  it('a dealer that digests inconsistent a shares and proves with its real polynomials', () => {
    // Dealer 5 plays the attack from presign.ts: node 2 gets a(2) + e, everything else is
    // honest, the digest covers the bad values, and the proof is built from the true polynomials.
    const dealer = 5;
    const victim = 2;
    const poly = () => randomPolynomial(F, t);
    const polys = { k: [poly(), poly(), poly()], a: [poly(), poly(), poly()], kMask: poly(), aMask: poly() };
    const shares: PresignPrivateShares[] = participants.map((j) => ({
      batchId: p.batchId,
      dealer,
      recipient: j,
      k: polys.k.map((q) => evaluatePolynomial(F, q, j)),
      a: polys.a.map((q, b) => F.add(evaluatePolynomial(F, q, j), j === victim && b === 0 ? 1n : 0n)),
      z1: [0n, 0n, 0n],
      z2: [0n, 0n, 0n],
      kMask: evaluatePolynomial(F, polys.kMask, j),
      aMask: evaluatePolynomial(F, polys.aMask, j),
    }));
    const header = {
      batchId: p.batchId,
      dealer,
      participants,
      t,
      count: 3,
      nonceCommitments: polys.k.map((q) => mulBase(secp256k1Group, q[0] as bigint).toBytes(false)),
      maskCommitment: mulBase(secp256k1Group, polys.kMask[0] as bigint).toBytes(false),
      shareDigests: shares.map(presignShareDigest),
    };
    const { rho, sigma } = presignConsistencyChallenges(header);
    const combine = (mask: readonly bigint[], qs: readonly (readonly bigint[])[], c: bigint) =>
      mask.map((m, i) => qs.reduce((acc, q, b) => F.add(acc, F.mul(F.pow(c, BigInt(b + 1)), q[i] as bigint)), m));
    const broadcast: PresignDealingBroadcast = {
      ...header,
      kProof: combine(polys.kMask, polys.k, rho),
      aProof: combine(polys.aMask, polys.a, sigma),
    };
    const cheat =
      (j: number) => (d: number, m: { broadcast: PresignDealingBroadcast; shares: PresignPrivateShares }) =>
        d === dealer ? { broadcast, shares: shares[participants.indexOf(j)] as PresignPrivateShares } : m;

    const err = abortOf(() => presignRound1Finish(p, victim, inbox(dealings, victim, cheat(victim))));
    expect(err.suspects).toEqual([dealer]);
    expect(err.message).toMatch(/dealer 5: a shares are not on the degree-t polynomials/);
    // Everyone else's values are fine, and the dealing passes the public audit: only the
    // victim can see the problem, which is why each node checks before publishing v.
    expect(() => presignRound1Finish(p, 3, inbox(dealings, 3, cheat(3)))).not.toThrow();
    expect(auditPresignDealing(broadcast)).toBe(true);
  });

  it('a proof coefficient altered in transit', () => {
    const proofTampered = abortOf(() =>
      presignRound1Finish(
        p,
        2,
        inbox(dealings, 2, (dealer, m) =>
          dealer === 5
            ? {
                ...m,
                broadcast: { ...m.broadcast, aProof: m.broadcast.aProof.map((c, i) => (i === 0 ? F.add(c, 1n) : c)) },
              }
            : m,
        ),
      ),
    );
    expect(proofTampered.suspects).toEqual([5]);
    expect(proofTampered.message).toMatch(/dealer 5: a shares are not on the degree-t polynomials/);
  });

  it('a nonce commitment changed after the proof was made', () => {
    const err = abortOf(() =>
      presignRound1Finish(
        p,
        1,
        inbox(dealings, 1, (dealer, m) =>
          dealer === 7
            ? {
                ...m,
                broadcast: {
                  ...m.broadcast,
                  nonceCommitments: [G.BASE.toBytes(false), ...m.broadcast.nonceCommitments.slice(1)],
                },
              }
            : m,
        ),
      ),
    );
    expect(err.suspects).toEqual([7]);
  });

  it('a missing dealer, a wrong batch, or a share out of range', () => {
    expect(abortOf(() => presignRound1Finish(p, 1, inbox(dealings, 1).slice(1))).suspects).toEqual([1]);
    const wrongBatch = presignRound1Deal(params(3, 'other-batch'), 3);
    expect(
      abortOf(() =>
        presignRound1Finish(
          p,
          1,
          inbox(dealings, 1, (d, m) =>
            d === 3
              ? { broadcast: wrongBatch.broadcast, shares: wrongBatch.privateShares[0] as PresignPrivateShares }
              : m,
          ),
        ),
      ).suspects,
    ).toEqual([3]);
    expect(
      abortOf(() =>
        presignRound1Finish(
          p,
          1,
          inbox(dealings, 1, (d, m) =>
            d === 2 ? { ...m, shares: { ...m.shares, z1: [F.ORDER, ...m.shares.z1.slice(1)] } } : m,
          ),
        ),
      ).message,
    ).toMatch(/out of range/);
  });
});

describe('presign round 2', () => {
  const p = params(4);
  const dealings = participants.map((i) => presignRound1Deal(p, i));
  const states = participants.map((j) => presignRound1Finish(p, j, inbox(dealings, j)));
  const round2 = states.map(presignRound2Value);

  it('refuses the batch when any participant is silent', () => {
    const err = abortOf(() => presignRound2Finish(states[0] as (typeof states)[number], round2.slice(0, 6)));
    expect(err.suspects).toEqual([7]);
  });

  it('names the node whose v value is off the degree-2t polynomial', () => {
    const bad = round2.map((m) => (m.from === 3 ? { ...m, v: m.v.map((v, b) => (b === 2 ? F.add(v, 9n) : v)) } : m));
    const err = abortOf(() => presignRound2Finish(states[0] as (typeof states)[number], bad));
    expect(err.suspects).toEqual([3]);
    expect(err.message).toMatch(/node\(s\) 3/);
  });

  it('catches a dealer that showed one node a different broadcast (equivocation)', () => {
    // Dealer 4 sends node 6 a different, self-consistent dealing than everyone else.
    const twin = presignRound1Deal(p, 4);
    const node6 = presignRound1Finish(
      p,
      6,
      inbox(dealings, 6, (dealer, m) =>
        dealer === 4 ? { broadcast: twin.broadcast, shares: twin.privateShares[5] as PresignPrivateShares } : m,
      ),
    );
    const messages = round2.map((m) => (m.from === 6 ? presignRound2Value(node6) : m));
    const err = abortOf(() => presignRound2Finish(states[0] as (typeof states)[number], messages));
    expect(err.suspects).toEqual([6]);
    expect(err.message).toMatch(/different round-1 transcript/);
    expect(abortOf(() => presignRound2Finish(node6, messages)).suspects).toEqual([1, 2, 3, 4, 5, 7]);
  });

  it('needs at least 2t+1 participants and sensible parameters', () => {
    expect(() => presignRound1Deal({ batchId: 'x', participants: [1, 2, 3, 4], t: 2, count: 1 }, 1)).toThrow(
      /at least 2t\+1 = 5/,
    );
    expect(() => presignRound1Deal({ batchId: 'x', participants: [2, 1, 3, 4, 5], t: 2, count: 1 }, 1)).toThrow(
      /ascending/,
    );
    expect(() => presignRound1Deal(p, 8)).toThrow(/not a participant/);
    expect(() => presignRound1Deal({ ...p, count: 0 }, 1)).toThrow(/count/);
  });

  it('works with the minimum 2t+1 participants (no extra v values to check)', () => {
    const small = simulatePresign({ batchId: 'small', participants: [2, 3, 5, 6, 7], t: 2, count: 2 });
    const w: Share[] = [2, 3, 5, 6, 7].map((j) => ({ index: j, value: (small.get(j) ?? [])[0]?.w as bigint }));
    const R = G.fromBytes((small.get(2) ?? [])[0]?.R as Uint8Array);
    expect(R.multiply(reconstructSecret(F, w, t)).equals(G.BASE)).toBe(true);
  });
});

describe('a round in steps, so that a node signs between them', () => {
  /** Runs the steps, counting the breaks a node would take between them. */
  function stepped<T>(steps: Generator<void, T, void>): { value: T; breaks: number } {
    let breaks = 0;
    for (;;) {
      const next = steps.next();
      if (next.done) return { value: next.value, breaks };
      breaks++;
    }
  }

  it('breaks a dealing of 100 every 16 base multiplications and after each recipient, and a finish after each dealer', () => {
    const p = params(100, 'batch-steps');
    const dealings = participants.map((i) => stepped(presignRound1DealSteps(p, i)));
    // ceil(100 / 16) = 6 among the multiplications, one after them, one per recipient (7).
    expect(dealings.map((d) => d.breaks)).toEqual(participants.map(() => 6 + 1 + 7));
    const finish = stepped(
      presignRound1FinishSteps(
        p,
        4,
        dealings.map((d) => ({
          broadcast: d.value.broadcast,
          shares: d.value.privateShares[3] as PresignPrivateShares,
        })),
      ),
    );
    expect(finish.breaks).toBe(participants.length);
  });

  it('gives a batch that signs like one made without breaks', () => {
    const p = params(3, 'batch-stepped');
    const dealings = participants.map((i) => stepped(presignRound1DealSteps(p, i)).value);
    const states = participants.map((j) => stepped(presignRound1FinishSteps(p, j, inbox(dealings, j))).value);
    const round2 = states.map(presignRound2Value);
    const made = new Map(participants.map((j, pos) => [j, presignRound2Finish(states[pos]!, round2)]));
    for (let b = 0; b < 3; b++) {
      const w: Share[] = participants.map((j) => ({ index: j, value: made.get(j)![b]!.w }));
      const R = G.fromBytes(made.get(1)![b]!.R);
      expect(R.multiply(reconstructSecret(F, w, t)).equals(G.BASE)).toBe(true);
    }
    for (const dealing of dealings) expect(auditPresignDealing(dealing.broadcast)).toBe(true);
  });
});
