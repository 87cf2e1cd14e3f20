// Honest-majority ECDSA presignatures (GJKR'96-style, DESIGN.md section 4), as pure steps
// over BATCHES: one round trip makes `count` presignatures. Notation: participants P (node
// indices, all deal and all receive), degree t, T = 2t+1, G the secp256k1 generator.
//
//   round 1, dealer i, for each presignature b: random k_ib, a_ib (degree t) and z1_ib, z2_ib
//     (degree 2t, zero constant term); publish K_ib = k_ib(0)·G; send node j its values at j.
//   round 1 finish, node j: k_jb = Σ_i k_ib(j), likewise a, z1, z2; R_b = Σ_i K_ib.
//   round 2, node j: publish v_jb = k_jb·a_jb + z1_jb (a degree-2t share of μ_b = k_b·a_b).
//   round 2 finish: μ_b from 2t+1 of the v values, every further v must agree; w_jb = a_jb/μ_b
//     is a degree-t share of k_b⁻¹. Keep (R_b, w_jb, z2_jb).
//
// Is full Feldman verification of the k shares needed? Not Feldman as such, but a check that
// every dealt k AND a sharing is consistent (lies on one degree-t polynomial) is needed, and
// must pass before a node publishes v. Why: if dealer i gives honest node j the value
// k_ij + e, then v_j is off by e·a_j; the other values fix the true v_j, so the dealer learns
// a_j, then a (t+1 shares), then k = μ/a, and the key from the first signature. Checking the
// extra v values does not stop this: with N = 3t+1 a dealer who speaks last can fit its own t
// values to whatever the honest ones say. Full Feldman on k and a would cost 2(t+1) base
// multiplications per dealer and presignature (about 0.3 ms each here) plus a multi-scalar
// check per recipient (about 0.25 ms per point): ~10 ms per presignature for N = 7, which
// the 100 signatures/s target cannot afford.
//
// What we do instead costs field operations only: each dealer publishes a SHA-256 digest of
// each recipient's values (binding them), derives challenges ρ, σ from its own broadcast
// (Fiat-Shamir), and publishes Yk = mask_k + Σ_b ρ^(b+1)·k_b and Ya = mask_a + Σ_b σ^(b+1)·a_b
// (degree t; the random masks hide the k_b and a_b). Node j checks its digest and that
// Yk(j), Ya(j) equal the same combination of its own values. If the honest recipients' values
// were not on degree-t polynomials, this would hold only for a ρ that is a root of a fixed
// non-zero polynomial of degree <= count: probability count/n ≈ 2^-249 per attempt. Each node
// checks only its own values, locally, before round 2, exactly like a Feldman check.
//
// The only elliptic-curve work is K_ib, needed for R (one base multiplication per dealer and
// presignature). Nothing here proves K_ib = k_ib(0)·G: a dealer who lies about K_ib makes
// R ≠ k·G, so the combined signature fails the client's verification. That is a denial of
// service, and no key bits leak: the shares still only reveal s = k⁻¹(m + r·x). (A requester
// colluding with that dealer could rescale such an s into a valid signature on the unrelated
// digest m·x(kG)/r, which nobody can find a preimage for.) To find that dealer afterwards, run
// auditPresignDealing on the broadcasts: it checks Yk(0)·G = M + Σ_b ρ^(b+1)·K_b, which binds
// every K_b to the committed k_b (M = mask_k(0)·G is in the broadcast for this purpose).
//
// Rules the node layer must keep (they involve messages, so they live there):
//  - everyone in P must deal and everyone must send a round-2 message; presignRound2Finish
//    refuses the batch otherwise. With the transcript hash inside every round-2 message, this
//    is what catches a dealer that showed different broadcasts to different nodes.
//  - a node that gets an error from presignRound1Finish must NOT send round 2 for that batch.
//  - a presignature is used for one message only (see DESIGN.md "Presignature binding").
import { normalizeZ, pippenger } from '@noble/curves/abstract/curve.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { decodePoint, mulBase, secp256k1Group, type GroupPoint } from './groups.ts';
import { interpolateWithPlan, makeInterpolationPlan } from './lagrange.ts';
import { evaluatePolynomial, type Polynomial } from './polynomial.ts';
import {
  assertDistinctIndices,
  hashToScalars,
  invertAll,
  randomScalars,
  scalarToBytes,
  taggedDigest,
  u32Bytes,
  type Share,
} from './scalar.ts';
import { findBadShares } from './shamir.ts';

const group = secp256k1Group;
const F = group.Fn;

export interface PresignBatchParams {
  /** Unique per batch (chosen by whoever proposes it); presignature ids derive from it. */
  readonly batchId: string;
  /** Node indices taking part, ascending, at least 2t+1 (2t+2 or more lets v values be checked). */
  readonly participants: readonly number[];
  /** Polynomial degree t; signing then needs T = 2t+1 shares. */
  readonly t: number;
  /** Presignatures in this batch. */
  readonly count: number;
}

/** Round 1, public part of dealer `dealer`'s message: the same bytes go to every participant. */
export interface PresignDealingBroadcast {
  readonly batchId: string;
  readonly dealer: number;
  readonly participants: readonly number[];
  readonly t: number;
  readonly count: number;
  /** K_b = k_b(0)·G for each presignature b, 65-byte uncompressed (fast to decode). */
  readonly nonceCommitments: readonly Uint8Array[];
  /** M = mask_k(0)·G, 65 bytes; used only by auditPresignDealing. */
  readonly maskCommitment: Uint8Array;
  /** SHA-256 binding each participant's private values, in `participants` order. */
  readonly shareDigests: readonly Uint8Array[];
  /** Coefficients of Yk and Ya (t+1 each): the consistency proof described above. */
  readonly kProof: readonly bigint[];
  readonly aProof: readonly bigint[];
}

/** Round 1, private part: what dealer `dealer` sends to `recipient` only. */
export interface PresignPrivateShares {
  readonly batchId: string;
  readonly dealer: number;
  readonly recipient: number;
  /** One value per presignature: k_b(recipient), a_b(recipient), z1_b(recipient), z2_b(recipient). */
  readonly k: readonly bigint[];
  readonly a: readonly bigint[];
  readonly z1: readonly bigint[];
  readonly z2: readonly bigint[];
  readonly kMask: bigint;
  readonly aMask: bigint;
}

export interface PresignDealing {
  readonly broadcast: PresignDealingBroadcast;
  /** One entry per participant (including the dealer itself), in `participants` order. */
  readonly privateShares: readonly PresignPrivateShares[];
}

/** A node's secret state between the rounds. Keep it in memory; it never leaves the node. */
export interface PresignRound1State {
  readonly params: PresignBatchParams;
  readonly me: number;
  readonly transcriptHash: Uint8Array;
  readonly k: readonly bigint[];
  readonly a: readonly bigint[];
  readonly z1: readonly bigint[];
  readonly z2: readonly bigint[];
  /**
   * R_b = Σ_i K_ib, encoded (uncompressed): the state is plain data, so that round 1 can run on
   * a worker thread and hand it over (app/nodes/protocols/presign-worker.ts).
   */
  readonly R: readonly Uint8Array[];
}

/** Round 2: node `from` publishes this to every participant. */
export interface PresignRound2Message {
  readonly batchId: string;
  readonly from: number;
  readonly transcriptHash: Uint8Array;
  /** v_b = k_b·a_b + z1_b for each presignature b. */
  readonly v: readonly bigint[];
}

/** One finished presignature as node `me` stores it. */
export interface Presignature {
  /** `${batchId}:${position}`: the same at every participant. */
  readonly id: string;
  readonly batchId: string;
  readonly position: number;
  readonly participants: readonly number[];
  readonly t: number;
  /** R = k·G, 65-byte uncompressed. Public. */
  readonly R: Uint8Array;
  /** w = a/μ: this node's degree-t share of k⁻¹. Secret. */
  readonly w: bigint;
  /** This node's share of the degree-2t zero sharing that masks the signature shares. Secret. */
  readonly z2: bigint;
}

/** Something in a batch was wrong; the batch must be dropped. `suspects` are node indices. */
export class PresignAbortError extends Error {
  readonly suspects: readonly number[];
  constructor(message: string, suspects: readonly number[]) {
    super(message);
    this.name = 'PresignAbortError';
    this.suspects = suspects;
  }
}

/**
 * A round's work in steps: the generator yields between pieces of a few milliseconds each, so
 * that a node can answer its signing requests between them (see presign-protocol.ts); a batch
 * of 100 was one block of 25–40 ms of CPU per round, several times that on a busy machine, and
 * every node's binds and releases waited behind it. The plain functions run the steps through.
 */
export type PresignSteps<T> = Generator<void, T, void>;

/** Runs a round's steps to the end, without a break. */
export function runPresignSteps<T>(steps: PresignSteps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Base multiplications between breaks in a dealing (about 0.1–0.25 ms each). */
const MULTIPLICATIONS_PER_STEP = 16;

/** Round 1 for node `me`: deal `count` presignatures' worth of polynomials. */
export function presignRound1Deal(params: PresignBatchParams, me: number): PresignDealing {
  return runPresignSteps(presignRound1DealSteps(params, me));
}

/** presignRound1Deal in steps. */
export function* presignRound1DealSteps(params: PresignBatchParams, me: number): PresignSteps<PresignDealing> {
  assertParams(params);
  const { batchId, participants, t, count } = params;
  if (!participants.includes(me)) throw new RangeError(`node ${me} is not a participant of batch ${batchId}`);

  // Draw every coefficient at once: per presignature, k and a have t+1, z1 and z2 have 2t.
  const perItem = 2 * (t + 1) + 2 * (2 * t);
  const random = randomScalars(F, count * perItem + 2 * (t + 1));
  let cursor = 0;
  const take = (len: number): bigint[] => random.slice(cursor, (cursor += len));
  const kPolys: Polynomial[] = [];
  const aPolys: Polynomial[] = [];
  const z1Polys: Polynomial[] = [];
  const z2Polys: Polynomial[] = [];
  for (let b = 0; b < count; b++) {
    kPolys.push(take(t + 1));
    aPolys.push(take(t + 1));
    z1Polys.push([F.ZERO, ...take(2 * t)]);
    z2Polys.push([F.ZERO, ...take(2 * t)]);
  }
  const kMaskPoly = take(t + 1);
  const aMaskPoly = take(t + 1);

  // The only elliptic-curve work: one base multiplication per presignature (+1 per batch),
  // then one shared inversion to bring them all to affine for encoding.
  const projective: GroupPoint[] = [];
  for (let b = 0; b < count; b++) {
    projective.push(mulBase(group, (kPolys[b] as Polynomial)[0] as bigint));
    if ((b + 1) % MULTIPLICATIONS_PER_STEP === 0) yield;
  }
  projective.push(mulBase(group, kMaskPoly[0] as bigint));
  const K = normalizeZ(group.Point, projective);
  const nonceCommitments = K.slice(0, count).map((p) => p.toBytes(false));
  const maskCommitment = (K[count] as GroupPoint).toBytes(false);

  yield;
  const privateShares: PresignPrivateShares[] = [];
  for (const j of participants) {
    privateShares.push({
      batchId,
      dealer: me,
      recipient: j,
      k: kPolys.map((p) => evaluatePolynomial(F, p, j)),
      a: aPolys.map((p) => evaluatePolynomial(F, p, j)),
      z1: z1Polys.map((p) => evaluatePolynomial(F, p, j)),
      z2: z2Polys.map((p) => evaluatePolynomial(F, p, j)),
      kMask: evaluatePolynomial(F, kMaskPoly, j),
      aMask: evaluatePolynomial(F, aMaskPoly, j),
    });
    yield;
  }
  const shareDigests = privateShares.map(presignShareDigest);

  const header = {
    batchId,
    dealer: me,
    participants: participants.slice(),
    t,
    count,
    nonceCommitments,
    maskCommitment,
    shareDigests,
  };
  const { rho, sigma } = presignConsistencyChallenges(header);
  const broadcast: PresignDealingBroadcast = {
    ...header,
    kProof: combinePolynomials(kMaskPoly, kPolys, rho),
    aProof: combinePolynomials(aMaskPoly, aPolys, sigma),
  };
  return { broadcast, privateShares };
}

/**
 * Round 1 finish for node `me`: check and sum what every participant dealt to it. Throws
 * {@link PresignAbortError} naming the dealers whose messages are malformed or fail the
 * consistency check; then the node must not send round 2 for this batch.
 */
export function presignRound1Finish(
  params: PresignBatchParams,
  me: number,
  received: readonly { readonly broadcast: PresignDealingBroadcast; readonly shares: PresignPrivateShares }[],
): PresignRound1State {
  return runPresignSteps(presignRound1FinishSteps(params, me, received));
}

/** presignRound1Finish in steps, one per dealer. */
export function* presignRound1FinishSteps(
  params: PresignBatchParams,
  me: number,
  received: readonly { readonly broadcast: PresignDealingBroadcast; readonly shares: PresignPrivateShares }[],
): PresignSteps<PresignRound1State> {
  assertParams(params);
  const { batchId, participants, count } = params;
  const myPosition = participants.indexOf(me);
  if (myPosition < 0) throw new RangeError(`node ${me} is not a participant of batch ${batchId}`);
  const byDealer = new Map(received.map((r) => [r.broadcast.dealer, r]));
  const missing = participants.filter((i) => !byDealer.has(i));
  if (missing.length > 0 || received.length !== participants.length) {
    throw new PresignAbortError(
      `batch ${batchId}: round 1 needs exactly one dealing from each participant; missing ${missing.join(', ') || 'none'}`,
      missing,
    );
  }

  const k = new Array<bigint>(count).fill(F.ZERO);
  const a = new Array<bigint>(count).fill(F.ZERO);
  const z1 = new Array<bigint>(count).fill(F.ZERO);
  const z2 = new Array<bigint>(count).fill(F.ZERO);
  const R = new Array<GroupPoint>(count).fill(group.Point.ZERO);
  const suspects: number[] = [];
  const reasons: string[] = [];
  for (const dealer of participants) {
    const { broadcast, shares } = byDealer.get(dealer) as (typeof received)[number];
    const problem = checkDealing(params, me, myPosition, broadcast, shares);
    if (problem !== undefined) {
      suspects.push(dealer);
      reasons.push(`dealer ${dealer}: ${problem}`);
      continue;
    }
    let K: GroupPoint[];
    try {
      K = broadcast.nonceCommitments.map((bytes) => decodePoint(group, bytes));
    } catch (e) {
      suspects.push(dealer);
      reasons.push(`dealer ${dealer}: bad nonce commitment (${(e as Error).message})`);
      continue;
    }
    for (let b = 0; b < count; b++) {
      k[b] = F.add(k[b] as bigint, shares.k[b] as bigint);
      a[b] = F.add(a[b] as bigint, shares.a[b] as bigint);
      z1[b] = F.add(z1[b] as bigint, shares.z1[b] as bigint);
      z2[b] = F.add(z2[b] as bigint, shares.z2[b] as bigint);
      R[b] = (R[b] as GroupPoint).add(K[b] as GroupPoint);
    }
    yield;
  }
  if (suspects.length > 0) throw new PresignAbortError(`batch ${batchId} refused: ${reasons.join('; ')}`, suspects);
  if (R.some((p) => p.is0())) throw new PresignAbortError(`batch ${batchId}: a nonce R is the identity`, participants);

  const transcriptHash = taggedDigest(
    'LITBOX-V1-PRESIGN-TRANSCRIPT',
    participants.flatMap((i) => broadcastParts((byDealer.get(i) as (typeof received)[number]).broadcast)),
  );
  return { params, me, transcriptHash, k, a, z1, z2, R: normalizeZ(group.Point, R).map((p) => p.toBytes(false)) };
}

/** Round 2 for node `state.me`: the values it publishes (safe only after round 1 finished without error). */
export function presignRound2Value(state: PresignRound1State): PresignRound2Message {
  const v = state.k.map((kb, b) => F.add(F.mul(kb, state.a[b] as bigint), state.z1[b] as bigint));
  return { batchId: state.params.batchId, from: state.me, transcriptHash: state.transcriptHash, v };
}

/**
 * Round 2 finish: needs the round-2 message of every participant (its own included), all
 * with this node's transcript hash. Interpolates μ_b from the first 2t+1 (by index), checks
 * the others agree, and returns the batch's presignatures. One inversion for the whole batch.
 */
export function presignRound2Finish(
  state: PresignRound1State,
  messages: readonly PresignRound2Message[],
): Presignature[] {
  const { batchId, participants, t, count } = state.params;
  const byNode = new Map(messages.map((m) => [m.from, m]));
  const missing = participants.filter((i) => !byNode.has(i));
  if (missing.length > 0 || messages.length !== participants.length) {
    throw new PresignAbortError(
      `batch ${batchId}: round 2 needs one message from every participant; missing ${missing.join(', ') || 'none'}`,
      missing,
    );
  }
  const malformed = participants.filter((i) => {
    const m = byNode.get(i) as PresignRound2Message;
    return m.batchId !== batchId || m.v.length !== count || !m.v.every(isCanonical);
  });
  if (malformed.length > 0)
    throw new PresignAbortError(`batch ${batchId}: malformed round-2 message from ${malformed.join(', ')}`, malformed);
  const otherView = participants.filter(
    (i) => !bytesEqual((byNode.get(i) as PresignRound2Message).transcriptHash, state.transcriptHash),
  );
  if (otherView.length > 0) {
    throw new PresignAbortError(
      `batch ${batchId}: node(s) ${otherView.join(', ')} saw a different round-1 transcript (a dealer equivocated, or messages were mixed up)`,
      otherView,
    );
  }

  const plan = makeInterpolationPlan(F, participants, 2 * t);
  const mu: bigint[] = [];
  for (let b = 0; b < count; b++) {
    const values = participants.map((i) => (byNode.get(i) as PresignRound2Message).v[b] as bigint);
    const { value, disagreeing } = interpolateWithPlan(F, plan, values);
    if (disagreeing.length > 0) {
      const shares: Share[] = participants.map((index, p) => ({ index, value: values[p] as bigint }));
      const bad = findBadShares(F, shares, 2 * t);
      throw new PresignAbortError(
        `batch ${batchId}: round-2 values do not lie on one degree-${2 * t} polynomial` +
          (bad ? `; bad value(s) from node(s) ${bad.join(', ')}` : ''),
        bad ?? disagreeing,
      );
    }
    if (F.is0(value)) throw new PresignAbortError(`batch ${batchId}: μ is zero for presignature ${b}`, []);
    mu.push(value);
  }
  const muInverse = invertAll(F, mu);
  return state.R.map((R, b) => ({
    id: `${batchId}:${b}`,
    batchId,
    position: b,
    participants: participants.slice(),
    t,
    R,
    w: F.mul(state.a[b] as bigint, muInverse[b] as bigint),
    z2: state.z2[b] as bigint,
  }));
}

/**
 * Checks that a dealer's nonce commitments K_b are the constant terms of the k polynomials it
 * proved consistent: Yk(0)·G == M + Σ_b ρ^(b+1)·K_b. Public data only, so anyone can run it.
 * Costs a multi-scalar multiplication over count+1 points (~0.25 ms per point here), so run
 * it when a signature from this batch fails to verify, to find the dealer to blame; false
 * means this dealer lied about R.
 */
export function auditPresignDealing(broadcast: PresignDealingBroadcast): boolean {
  try {
    const { rho } = presignConsistencyChallenges(broadcast);
    const points = [...broadcast.nonceCommitments, broadcast.maskCommitment].map((b) => decodePoint(group, b));
    const scalars = [...powers(rho, broadcast.count), F.ONE];
    const claimed = pippenger(group.Point, points, scalars);
    const y0 = broadcast.kProof[0];
    return y0 !== undefined && isCanonical(y0) && mulBase(group, y0).equals(claimed);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------

function assertParams(p: PresignBatchParams): void {
  if (typeof p.batchId !== 'string' || p.batchId.length === 0)
    throw new RangeError('batchId must be a non-empty string');
  if (!Number.isSafeInteger(p.t) || p.t < 1) throw new RangeError(`t must be >= 1, got ${p.t}`);
  if (!Number.isSafeInteger(p.count) || p.count < 1) throw new RangeError(`count must be >= 1, got ${p.count}`);
  assertDistinctIndices(p.participants);
  if (p.participants.some((x, i) => i > 0 && x <= (p.participants[i - 1] as number))) {
    throw new RangeError('participants must be in ascending order');
  }
  if (p.participants.length < 2 * p.t + 1) {
    throw new RangeError(
      `a presignature needs at least 2t+1 = ${2 * p.t + 1} participants, got ${p.participants.length}`,
    );
  }
}

/** Why a dealer's round-1 message is unacceptable to node `me`, or undefined if it is fine. */
function checkDealing(
  params: PresignBatchParams,
  me: number,
  myPosition: number,
  broadcast: PresignDealingBroadcast,
  shares: PresignPrivateShares,
): string | undefined {
  const { batchId, participants, t, count } = params;
  if (broadcast.batchId !== batchId || shares.batchId !== batchId) return 'wrong batch id';
  if (shares.dealer !== broadcast.dealer || shares.recipient !== me) return 'shares addressed to someone else';
  if (broadcast.t !== t || broadcast.count !== count) return 'wrong t or count';
  if (
    broadcast.participants.length !== participants.length ||
    broadcast.participants.some((x, i) => x !== participants[i])
  ) {
    return 'different participant list';
  }
  if (broadcast.nonceCommitments.length !== count || broadcast.shareDigests.length !== participants.length)
    return 'wrong array lengths';
  if (broadcast.kProof.length !== t + 1 || broadcast.aProof.length !== t + 1) return 'wrong proof length';
  const lists = [shares.k, shares.a, shares.z1, shares.z2];
  if (lists.some((l) => l.length !== count)) return 'wrong number of shares';
  if (!lists.every((l) => l.every(isCanonical)) || !isCanonical(shares.kMask) || !isCanonical(shares.aMask))
    return 'share out of range';
  if (![...broadcast.kProof, ...broadcast.aProof].every(isCanonical)) return 'proof coefficient out of range';

  const digest = broadcast.shareDigests[myPosition];
  if (digest === undefined || !bytesEqual(digest, presignShareDigest(shares)))
    return 'shares do not match the published digest';
  const { rho, sigma } = presignConsistencyChallenges(broadcast);
  if (!F.eql(evaluatePolynomial(F, broadcast.kProof, me), combineValues(shares.kMask, shares.k, rho))) {
    return 'k shares are not on the degree-t polynomials the dealer committed to';
  }
  if (!F.eql(evaluatePolynomial(F, broadcast.aProof, me), combineValues(shares.aMask, shares.a, sigma))) {
    return 'a shares are not on the degree-t polynomials the dealer committed to';
  }
  return undefined;
}

/** A dealer's broadcast without its proofs: what the challenges are derived from. */
export type PresignBroadcastHeader = Omit<PresignDealingBroadcast, 'kProof' | 'aProof'>;

/**
 * ρ and σ for a dealer, from everything it broadcast before its proofs (Fiat-Shamir). Public;
 * exported for auditors and for tests that play a cheating dealer.
 */
export function presignConsistencyChallenges(h: PresignBroadcastHeader): { rho: bigint; sigma: bigint } {
  const [rho, sigma] = hashToScalars(F, 'LITBOX-V1-PRESIGN-CONSISTENCY', headerParts(h), 2) as [bigint, bigint];
  return { rho, sigma };
}

function headerParts(h: PresignBroadcastHeader): Uint8Array[] {
  return [
    utf8ToBytes(h.batchId),
    u32Bytes(h.dealer),
    u32Bytes(h.t),
    u32Bytes(h.count),
    ...h.participants.map(u32Bytes),
    ...h.nonceCommitments,
    h.maskCommitment,
    ...h.shareDigests,
  ];
}

function broadcastParts(b: PresignDealingBroadcast): Uint8Array[] {
  return [...headerParts(b), ...b.kProof.map((c) => scalarToBytes(F, c)), ...b.aProof.map((c) => scalarToBytes(F, c))];
}

/** Binds one recipient's k, a and mask values (the ones the consistency proof covers). */
export function presignShareDigest(s: PresignPrivateShares): Uint8Array {
  const values = [...s.k, ...s.a, s.kMask, s.aMask];
  const packed = new Uint8Array(values.length * F.BYTES);
  values.forEach((v, i) => packed.set(scalarToBytes(F, v), i * F.BYTES));
  return taggedDigest('LITBOX-V1-PRESIGN-SHARES', [
    utf8ToBytes(s.batchId),
    u32Bytes(s.dealer),
    u32Bytes(s.recipient),
    packed,
  ]);
}

/** mask + Σ_b c^(b+1)·polys[b], coefficient-wise. */
function combinePolynomials(mask: Polynomial, polys: readonly Polynomial[], c: bigint): bigint[] {
  const out = mask.slice();
  let weight = F.ONE;
  for (const p of polys) {
    weight = F.mul(weight, c);
    for (let k = 0; k < out.length; k++) out[k] = F.add(out[k] as bigint, F.mul(weight, p[k] as bigint));
  }
  return out;
}

/** The same combination applied to one node's values. */
function combineValues(mask: bigint, values: readonly bigint[], c: bigint): bigint {
  let acc = mask;
  let weight = F.ONE;
  for (const v of values) {
    weight = F.mul(weight, c);
    acc = F.add(acc, F.mul(weight, v));
  }
  return acc;
}

function powers(c: bigint, count: number): bigint[] {
  const out: bigint[] = [];
  let weight = F.ONE;
  for (let b = 0; b < count; b++) out.push((weight = F.mul(weight, c)));
  return out;
}

function isCanonical(v: bigint): boolean {
  return typeof v === 'bigint' && v >= 0n && v < F.ORDER;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
