// Threshold ECDSA signing from a presignature (DESIGN.md section 4): one share per node, one
// combine step at the client. With k the presignature's nonce, R = k·G and w a degree-t share
// of k⁻¹, node j returns s_j = m·w'_j + r·(w'_j·x_j + z2_j), a point of a degree-2t
// polynomial whose value at 0 is s = k'⁻¹·(m + r·x). 2t+1 shares recover s.
//
// Re-randomisation: the presignature was made before the message was known, so at signing
// time it is bound to (R, public key, m) by δ = H(R, public key, m), R' = δ·R, w' = w/δ:
// the signature then uses the nonce k' = δ·k, which depends on the message and the key.
// δ = RFC 9380 hash_to_field (expand_message_xmd, SHA-256, k = 128) over the length-prefixed
// parts [R as 33-byte compressed SEC1, the public key as 65-byte uncompressed SEC1, the 32-byte
// digest m], with the domain string RERANDOMISE_DOMAIN. Every node computes R' itself (one
// variable-base multiplication, ~1 ms here): a node must never take r from someone else,
// since shares of one presignature computed with different r values reveal the key.
import { bytesToHex } from '@noble/hashes/utils.js';
import * as ecc from 'tiny-secp256k1';
import { decodePoint, mulPublic, secp256k1Group, type GroupPoint } from './groups.ts';
import { interpolateWithPlan, makeInterpolationPlan } from './lagrange.ts';
import { bytesToBigInt, hashToScalar, type Share } from './scalar.ts';
import { inconsistentSharesError, NotEnoughSharesError } from './shamir.ts';

const group = secp256k1Group;
const F = group.Fn;

/** Domain-separation tag for δ = H(R, public key, m). Changing it changes every signature. */
export const RERANDOMISE_DOMAIN = 'LITBOX-V1-ECDSA-PRESIGNATURE-RERANDOMISE';

/** The Lit SDK's signature shape: hex without 0x except `signature` (r || s || v, 65 bytes). */
export interface EcdsaSignature {
  readonly r: string;
  readonly s: string;
  readonly recid: 0 | 1;
  readonly signature: string;
  /** 65-byte uncompressed public key, hex, no 0x ("04..."). */
  readonly publicKey: string;
  /** The 32-byte digest that was signed, hex, no 0x. */
  readonly dataSigned: string;
}

export interface Rerandomised {
  readonly delta: bigint;
  /** R' = δ·R, the nonce point of the final signature. */
  readonly bigR: GroupPoint;
  /** r = x(R') mod n. */
  readonly r: bigint;
}

/** The shares combined into a signature that does not verify against the public key. */
export class SignatureVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureVerificationError';
  }
}

/** δ, R' = δ·R and r for one presignature and one (public key, digest). */
export function rerandomise(R: Uint8Array, publicKey: Uint8Array, digest: Uint8Array): Rerandomised {
  assertDigest(digest);
  const nonce = decodePoint(group, R);
  const key = decodePoint(group, publicKey);
  const delta = hashToScalar(F, RERANDOMISE_DOMAIN, [nonce.toBytes(true), key.toBytes(false), digest]);
  if (F.is0(delta)) throw new RangeError('δ is zero; use another presignature');
  // One inversion to affine now; x(R'), its encoding and its parity then all reuse it.
  const bigR = mulPublic(nonce, delta);
  const r = F.create(bigR.x);
  if (F.is0(r)) throw new RangeError("x(R') is zero mod n; use another presignature");
  return { delta, bigR, r };
}

/**
 * Node j's signature share for `digest` under the key whose share is `keyShare` (x_j), using
 * the presignature (R, w, z2). Returns s_j and R' (65-byte uncompressed) so the client need
 * not recompute R'. Call only after the presignature is durably bound to this digest.
 */
export function signShare(input: {
  readonly digest: Uint8Array;
  readonly R: Uint8Array;
  readonly w: bigint;
  readonly z2: bigint;
  readonly keyShare: bigint;
  readonly publicKey: Uint8Array;
}): { readonly s: bigint; readonly bigR: Uint8Array } {
  const { delta, bigR, r } = rerandomise(input.R, input.publicKey, input.digest);
  const m = digestToScalar(input.digest);
  const w = F.div(input.w, delta);
  const s = F.add(F.mul(m, w), F.mul(r, F.add(F.mul(w, input.keyShare), input.z2)));
  return { s, bigR: bigR.toBytes(false) };
}

/**
 * The client's combine: s = Σ λ_j·s_j over the first degree+1 shares (degree = 2t), every
 * further share must lie on the same polynomial (else {@link InconsistentSharesError} naming
 * the bad nodes when it can), then low-s, recovery id, and verification against `publicKey`.
 * Returns only a signature that verifies; throws {@link SignatureVerificationError} otherwise.
 */
export function combineSignature(input: {
  readonly shares: readonly Share[];
  /**
   * R' as the nodes returned it with their shares, or computed with {@link rerandomise} (~1 ms).
   * If nodes disagree, use the value most of them sent: a wrong R' only makes verification fail.
   */
  readonly bigR: Uint8Array | GroupPoint;
  readonly publicKey: Uint8Array;
  readonly digest: Uint8Array;
  /** 2t: the shares lie on a polynomial of this degree; degree+1 shares are needed. */
  readonly degree: number;
}): EcdsaSignature {
  const { shares, degree, digest } = input;
  assertDigest(digest);
  if (shares.length < degree + 1) throw new NotEnoughSharesError(degree + 1, shares.length);
  if (!shares.every((sh) => sh.value >= 0n && sh.value < F.ORDER))
    throw new RangeError('a signature share is out of range');
  const plan = makeInterpolationPlan(
    F,
    shares.map((sh) => sh.index),
    degree,
  );
  const { value, disagreeing } = interpolateWithPlan(
    F,
    plan,
    shares.map((sh) => sh.value),
  );
  if (disagreeing.length > 0) throw inconsistentSharesError(F, shares, degree, 'signature shares');

  const bigR = input.bigR instanceof Uint8Array ? decodePoint(group, input.bigR) : input.bigR;
  const { x, y } = bigR.toAffine();
  const r = F.create(x);
  let s = value;
  if (F.is0(r) || F.is0(s)) throw new SignatureVerificationError('combined signature has r or s equal to zero');
  if (x >= F.ORDER) {
    // Probability about 2^-128; Ethereum's v cannot express it, so this presignature is unusable.
    throw new SignatureVerificationError(
      "x(R') >= n: this presignature cannot give an Ethereum signature; use another",
    );
  }
  let recid: 0 | 1 = (y & 1n) === 1n ? 1 : 0;
  // Low-s (EIP-2): s and n − s both verify; the other one belongs to −R', so flip the parity.
  if (s > F.ORDER >> 1n) {
    s = F.neg(s);
    recid = recid === 1 ? 0 : 1;
  }
  const rBytes = bytesToHex(scalarBytes(r));
  const sBytes = bytesToHex(scalarBytes(s));
  const compact = new Uint8Array([...scalarBytes(r), ...scalarBytes(s)]);
  const publicKey = decodePoint(group, input.publicKey).toBytes(false);
  // libsecp256k1's verify (strict: low-s only), ~0.2 ms against ~1.3 ms for noble here.
  if (!ecc.verify(digest, publicKey, compact, true)) {
    throw new SignatureVerificationError(
      'combined signature does not verify against the public key: a node sent a bad share or nonce; ' +
        'retry with another presignature (auditPresignDealing finds a dealer that lied about R)',
    );
  }
  return {
    r: rBytes,
    s: sBytes,
    recid,
    signature: `0x${rBytes}${sBytes}${(27 + recid).toString(16)}`,
    publicKey: bytesToHex(publicKey),
    dataSigned: bytesToHex(digest),
  };
}

/** The message digest as a scalar: its 256 bits as an integer mod n (ECDSA bits2int). */
export function digestToScalar(digest: Uint8Array): bigint {
  assertDigest(digest);
  return F.create(bytesToBigInt(digest));
}

function assertDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new RangeError('the message to sign must be a 32-byte digest');
  }
}

function scalarBytes(v: bigint): Uint8Array {
  return F.toBytes(v);
}
