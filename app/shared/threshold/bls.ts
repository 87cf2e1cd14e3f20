// Threshold BLS on BLS12-381 in Lit's layout: the network key lives in G1 (48 bytes
// compressed), signatures in G2 (96 bytes compressed), messages are hashed to G2 with the
// proof-of-possession ciphersuite's domain. Node j's share of the key is x_j (from a degree
// T-1 DKG), its signature share is x_j·H(m), and any T shares combine by Lagrange
// interpolation "in the exponent" to x·H(m), the ordinary BLS signature under the group key.
// The same shares are Lit's decryption shares when m is an encryption identity.
import type { Fp2 } from '@noble/curves/abstract/tower.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { bls12381G1Group, type GroupPoint } from './groups.ts';
import { assertDistinctIndices, assertNodeIndex, scalarFromHex, scalarToHex } from './scalar.ts';
import { NotEnoughSharesError } from './shamir.ts';

/** A point of G2 (signatures and signature shares). */
export type G2Point = WeierstrassPoint<Fp2>;

const Fr = bls12381G1Group.Fn;
const G2 = bls12_381.G2.Point;

/** Hash-to-G2 domain of the BLS "proof of possession" ciphersuite, the one Lit uses. */
export const BLS_SIGNATURE_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

/** One node's signature share. */
export interface BlsSignatureShare {
  readonly index: number;
  readonly signature: G2Point;
}

/** H(m): the message hashed to G2 (RFC 9380 hash_to_curve, SSWU, random oracle). */
export function hashToG2(message: Uint8Array): G2Point {
  return bls12_381.G2.hashToCurve(message, { DST: BLS_SIGNATURE_DST });
}

/** x_j·H(m). Pass `hashed` when signing several things for the same m (hashing costs ~8 ms). */
export function blsSignShare(message: Uint8Array, secretShare: bigint, hashed: G2Point = hashToG2(message)): G2Point {
  if (Fr.is0(secretShare) || secretShare >= Fr.ORDER || secretShare < 0n)
    throw new RangeError('BLS key share out of range');
  return hashed.multiply(secretShare);
}

/**
 * Checks one node's share against that node's public verification share X_j = x_j·G1 (from
 * the DKG): e(X_j, H(m)) = e(G1, σ_j). A bad share fails here, so the client can drop it.
 */
export function verifyBlsShare(
  message: Uint8Array,
  share: G2Point,
  verificationShare: GroupPoint,
  hashed: G2Point = hashToG2(message),
): boolean {
  return verifyPairing(share, hashed, verificationShare);
}

/** Checks a combined signature against the 48-byte network key (or its point). */
export function verifyBlsSignature(
  message: Uint8Array,
  signature: G2Point | Uint8Array,
  publicKey: GroupPoint | Uint8Array,
  hashed: G2Point = hashToG2(message),
): boolean {
  try {
    const sig = signature instanceof Uint8Array ? G2.fromBytes(signature) : signature;
    const key = publicKey instanceof Uint8Array ? bls12381G1Group.Point.fromBytes(publicKey) : publicKey;
    return verifyPairing(sig, hashed, key);
  } catch {
    return false;
  }
}

/**
 * σ = Σ λ_j·σ_j over exactly `threshold` shares (the first ones given). Extra shares are
 * ignored: checking them costs a pairing each, so verify shares with {@link verifyBlsShare}
 * first when a node might be faulty, and always verify the result.
 */
export function combineBlsShares(shares: readonly BlsSignatureShare[], threshold: number): G2Point {
  const { scaled, denominator } = combineBlsSharesScaled(shares, threshold);
  return denominator === 1n ? scaled : scaled.multiplyUnsafe(Fr.inv(Fr.create(denominator)));
}

/**
 * D·σ and D, for a small positive integer D: the Lagrange weights at 0 of small node indices
 * are fractions with small numerators and denominators, so with a common denominator D every
 * weight D·λ_j is a small integer and the combination costs a few short (variable-time: all
 * inputs are public) multiplications instead of full-size ones. A caller that pairs σ with
 * a G1 point P can use e(D⁻¹·P, D·σ) and never multiply in G2 by a full-size scalar.
 */
export function combineBlsSharesScaled(
  shares: readonly BlsSignatureShare[],
  threshold: number,
): { scaled: G2Point; denominator: bigint } {
  if (shares.length < threshold) throw new NotEnoughSharesError(threshold, shares.length);
  const used = shares.slice(0, threshold);
  const { weights, denominator } = integerLagrangeWeights(used.map((s) => s.index));
  const scaled = used.reduce((sum, share, i) => {
    const w = weights[i]!;
    const term = share.signature.multiplyUnsafe(w < 0n ? -w : w);
    return w < 0n ? sum.subtract(term) : sum.add(term);
  }, G2.ZERO);
  return { scaled, denominator };
}

/** λ_j(0) = weights[j] / denominator, exactly, for distinct node indices (denominator > 0). */
export function integerLagrangeWeights(indices: readonly number[]): { weights: bigint[]; denominator: bigint } {
  assertDistinctIndices(indices);
  const xs = indices.map(BigInt);
  const fractions = xs.map((xj) => {
    let num = 1n;
    let den = 1n;
    for (const xm of xs)
      if (xm !== xj) {
        num *= xm;
        den *= xm - xj;
      }
    return { num, den };
  });
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  const denominator = fractions.reduce((d, f) => {
    const abs = f.den < 0n ? -f.den : f.den;
    return (d / gcd(d, abs)) * abs;
  }, 1n);
  return { weights: fractions.map((f) => (f.num * denominator) / f.den), denominator };
}

/**
 * A share in the JSON form Lit's client reads:
 * {"ProofOfPossession":{"identifier":"<32-byte scalar hex>","value":"<96-byte G2 hex>"}}.
 * The identifier is the share's x-coordinate, here the node index, as a LITTLE-endian
 * 32-byte scalar (blsful's serialisation: identifiers Lit's nodes send have a first hex byte
 * above the field order's top byte, which only little-endian allows). Checked once by hand:
 * a share set Lit publishes, combined at those identifiers, verifies under its network key.
 */
export function blsShareToLitJson(share: BlsSignatureShare): string {
  assertNodeIndex(share.index);
  return JSON.stringify({
    ProofOfPossession: {
      identifier: littleEndianHex(scalarToHex(Fr, BigInt(share.index))),
      value: bytesToHex(share.signature.toBytes(true)),
    },
  });
}

/** Parses {@link blsShareToLitJson}'s format; refuses malformed JSON, points, or identifiers. */
export function blsShareFromLitJson(json: string): BlsSignatureShare {
  const parsed: unknown = JSON.parse(json);
  const inner = (parsed as { ProofOfPossession?: { identifier?: unknown; value?: unknown } } | null)?.ProofOfPossession;
  if (typeof inner?.identifier !== 'string' || typeof inner.value !== 'string') {
    throw new TypeError('expected {"ProofOfPossession":{"identifier":"…","value":"…"}}');
  }
  const index = scalarFromHex(Fr, littleEndianHex(inner.identifier.replace(/^0x/i, '')));
  if (index < 1n || index > 0xffffffffn) throw new RangeError('share identifier is not a node index');
  const signature = G2.fromHex(inner.value);
  signature.assertValidity();
  assertDistinctIndices([Number(index)]);
  return { index: Number(index), signature };
}

/** Reverses the byte order of a hex string (big-endian ⇄ little-endian). */
function littleEndianHex(hex: string): string {
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) throw new RangeError('share identifier must be hex bytes');
  return (hex.match(/../g) ?? []).reverse().join('');
}

/** e(key, H(m)) == e(G1, σ), computed as one product e(−G1, σ)·e(key, H(m)) == 1. */
function verifyPairing(signature: G2Point, hashed: G2Point, key: GroupPoint): boolean {
  try {
    if (key.is0() || signature.is0()) return false;
    key.assertValidity();
    signature.assertValidity();
    const product = bls12_381.pairingBatch([
      { g1: bls12381G1Group.Point.BASE.negate(), g2: signature },
      { g1: key, g2: hashed },
    ]);
    return bls12_381.fields.Fp12.eql(product, bls12_381.fields.Fp12.ONE);
  } catch {
    return false;
  }
}
