// Distributed key generation without a dealer (Pedersen's joint Feldman VSS), as pure steps.
// Every node deals a random polynomial; node j's key share is the sum of the values it
// received, the group key is the sum of the dealers' constant-term commitments, and nobody
// ever holds the whole key. Used for PKP keys (secp256k1, degree t) and for the network key
// (BLS12-381 G1, degree T-1).
//
// What the node layer must add around these steps (they need messages, so they live there):
//  - consistent broadcast of each dealer's commitments: nodes compare `transcriptHash`
//    before using a key (a dealer that shows different commitments to different nodes is
//    caught there, and PubkeyRouter votes would not agree anyway);
//  - optionally a commit-then-reveal round for the commitments: without it a dealer that
//    speaks last can bias (not learn) the group key, the known limit of Pedersen's DKG.
import { addCommitments, commitToPolynomial, evaluateCommitments, verifyShare, type Commitments } from './feldman.ts';
import { pointBytesForHash, type Group, type GroupPoint } from './groups.ts';
import { evaluatePolynomial, randomPolynomial } from './polynomial.ts';
import { assertDistinctIndices, assertNodeIndex, taggedDigest, u32Bytes, type Share } from './scalar.ts';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export interface DkgParams {
  readonly group: Group;
  /** This node's index, 1..n. */
  readonly dealer: number;
  readonly n: number;
  /** Polynomial degree: t for secp256k1 PKP keys, T-1 for the BLS network key. */
  readonly degree: number;
  /** Normally omitted (random). Given only for tests or to re-share an existing secret. */
  readonly secret?: bigint;
}

/** One dealer's contribution: `commitments` are broadcast; `shares[j-1]` goes only to node j. */
export interface DkgDealing {
  readonly dealer: number;
  readonly commitments: GroupPoint[];
  readonly shares: Share[];
}

/** What node `me` received from one dealer: its private share plus the public commitments. */
export interface ReceivedDkgDealing {
  readonly dealer: number;
  readonly share: bigint;
  readonly commitments: Commitments;
}

export interface DkgResult {
  /** x_j: this node's share of the key. Secret; never leaves the node. */
  readonly secretShare: bigint;
  /** Σ_i C_i0: the group public key. */
  readonly publicKey: GroupPoint;
  /** X_i = x_i·G for every node i = 1..n (entry i-1), from the summed commitments. */
  readonly verificationShares: GroupPoint[];
  /** Summed commitments: the public description of the shared key polynomial. */
  readonly commitments: GroupPoint[];
  /** Dealers whose contributions were summed, ascending. */
  readonly dealers: number[];
  /** Hash of every dealer's commitments; nodes compare it to rule out equivocation. */
  readonly transcriptHash: Uint8Array;
}

/** Raised by {@link finishDkg} when some dealings fail verification: the dealers to complain about. */
export class DkgComplaintError extends Error {
  readonly dealers: readonly number[];
  constructor(dealers: readonly number[]) {
    super(`DKG shares from dealer(s) ${dealers.join(', ')} do not match their commitments`);
    this.name = 'DkgComplaintError';
    this.dealers = dealers;
  }
}

/** A fresh dealing: random polynomial, its commitments, and a share for every node 1..n. */
export function dealDkg(params: DkgParams): DkgDealing {
  const { group, dealer, n, degree } = params;
  assertNodeIndex(dealer, n);
  if (degree < 1 || n < degree + 1) throw new RangeError(`need 1 <= degree < n, got degree ${degree}, n ${n}`);
  const poly = randomPolynomial(group.Fn, degree, params.secret);
  const shares: Share[] = [];
  for (let j = 1; j <= n; j++) shares.push({ index: j, value: evaluatePolynomial(group.Fn, poly, j) });
  return { dealer, commitments: commitToPolynomial(group, poly), shares };
}

/** True when the share node `myIndex` received lies on the dealer's committed polynomial. */
export function verifyDealing(group: Group, share: bigint, commitments: Commitments, myIndex: number): boolean {
  return verifyShare(group, { index: myIndex, value: share }, commitments);
}

/**
 * Sums the dealings node `me` received into its key share. Checks the sum against the summed
 * commitments first (one base multiplication instead of one per dealer) and only on failure
 * checks dealers one by one to name them in a {@link DkgComplaintError}. Requires at least
 * `minDealers` dealers (default degree+1, so that with at most `degree` bad dealers one is
 * honest and the key is uniformly random and unknown to every coalition below the threshold).
 */
export function finishDkg(params: {
  readonly group: Group;
  readonly n: number;
  readonly degree: number;
  readonly me: number;
  readonly dealings: readonly ReceivedDkgDealing[];
  readonly minDealers?: number;
}): DkgResult {
  const { group, n, degree, me } = params;
  const F = group.Fn;
  assertNodeIndex(me, n);
  const dealings = [...params.dealings].sort((a, b) => a.dealer - b.dealer);
  assertDistinctIndices(
    dealings.map((d) => d.dealer),
    n,
  );
  const minDealers = params.minDealers ?? degree + 1;
  if (dealings.length < minDealers) {
    throw new RangeError(`DKG needs dealings from at least ${minDealers} nodes, got ${dealings.length}`);
  }
  const wrongShape = dealings.filter((d) => d.commitments.length !== degree + 1).map((d) => d.dealer);
  if (wrongShape.length > 0) throw new DkgComplaintError(wrongShape);

  const commitments = addCommitments(
    group,
    dealings.map((d) => d.commitments),
  );
  const secretShare = dealings.reduce((acc, d) => F.add(acc, F.create(d.share)), F.ZERO);
  if (!verifyShare(group, { index: me, value: secretShare }, commitments)) {
    const bad = dealings.filter((d) => !verifyDealing(group, d.share, d.commitments, me)).map((d) => d.dealer);
    // The sum failed, so at least one dealer is bad; an empty list would mean a bug here.
    throw new DkgComplaintError(bad.length > 0 ? bad : dealings.map((d) => d.dealer));
  }
  const publicKey = commitments[0] as GroupPoint;
  if (publicKey.is0()) throw new RangeError('DKG produced the identity as the group key; run it again');

  const verificationShares: GroupPoint[] = [];
  for (let i = 1; i <= n; i++) verificationShares.push(evaluateCommitments(group, commitments, i));
  return {
    secretShare,
    publicKey,
    verificationShares,
    commitments,
    dealers: dealings.map((d) => d.dealer),
    transcriptHash: dkgTranscriptHash(group, degree, dealings),
  };
}

/** Hash over (group, degree, each dealer's index and compressed commitments, by dealer). */
export function dkgTranscriptHash(
  group: Group,
  degree: number,
  dealings: readonly { readonly dealer: number; readonly commitments: Commitments }[],
): Uint8Array {
  const parts: Uint8Array[] = [utf8ToBytes(group.name), u32Bytes(degree)];
  for (const d of [...dealings].sort((a, b) => a.dealer - b.dealer)) {
    parts.push(u32Bytes(d.dealer));
    for (const c of d.commitments) parts.push(pointBytesForHash(c));
  }
  return taggedDigest('LITBOX-V1-DKG-TRANSCRIPT', parts);
}
