// Scalar-field helpers shared by every threshold module. All arithmetic is done with noble's
// field objects (`IField<bigint>`), so the same code serves secp256k1 (order n) and the
// BLS12-381 scalar field (order r).
import type { IField } from '@noble/curves/abstract/modular.js';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** A prime field of scalars, e.g. `secp256k1.Point.Fn` or `bls12_381.G1.Point.Fn`. */
export type ScalarField = IField<bigint>;

/** One point of a sharing: the value of a polynomial at node index `index` (1..N). */
export interface Share {
  readonly index: number;
  readonly value: bigint;
}

/**
 * A uniformly random non-zero scalar. We draw 16 bytes more than the field needs and reduce,
 * so the bias is below 2^-128 (the same reduction FIPS 186-5 A.2.1 uses for key generation).
 */
export function randomScalar(F: ScalarField): bigint {
  const wide = bytesToBigInt(randomBytes(F.BYTES + 16));
  return (wide % (F.ORDER - 1n)) + 1n;
}

/** Many random non-zero scalars, drawing from the RNG in large chunks (it caps one call at 64 KiB). */
export function randomScalars(F: ScalarField, count: number): bigint[] {
  const width = F.BYTES + 16;
  const perChunk = Math.floor(65536 / width);
  const out: bigint[] = [];
  while (out.length < count) {
    const take = Math.min(perChunk, count - out.length);
    const bytes = randomBytes(width * take);
    for (let i = 0; i < take; i++) {
      out.push((bytesToBigInt(bytes.subarray(i * width, (i + 1) * width)) % (F.ORDER - 1n)) + 1n);
    }
  }
  return out;
}

/** Node indices are small positive integers; index 0 would be the secret itself. */
export function assertNodeIndex(index: number, n?: number): void {
  if (!Number.isSafeInteger(index) || index < 1 || (n !== undefined && index > n)) {
    throw new RangeError(`node index must be an integer in 1..${n ?? 'N'}, got ${String(index)}`);
  }
}

/** Throws unless `indices` are valid node indices with no repeats (a repeat breaks Lagrange). */
export function assertDistinctIndices(indices: readonly number[], n?: number): void {
  const seen = new Set<number>();
  for (const i of indices) {
    assertNodeIndex(i, n);
    if (seen.has(i)) throw new RangeError(`node index ${i} appears twice`);
    seen.add(i);
  }
}

/**
 * Inverts every element with one field inversion (Montgomery's trick), which matters because
 * an inversion costs about as much as 80 multiplications here. Zero has no inverse: throws.
 */
export function invertAll(F: ScalarField, values: readonly bigint[]): bigint[] {
  for (const v of values) if (F.is0(v)) throw new RangeError('cannot invert zero');
  return F.invertBatch(values.slice());
}

/**
 * Hashes labelled data to a scalar: RFC 9380 hash_to_field with expand_message_xmd(SHA-256),
 * k = 128, so the result is uniform in [0, order). Each part is length-prefixed (4 bytes,
 * big-endian) before concatenation so that different splits of the same bytes never collide.
 * `domain` is the RFC 9380 DST: it must name the protocol and purpose, e.g.
 * "LITBOX-V1-ECDSA-RERANDOMISE".
 */
export function hashToScalar(F: ScalarField, domain: string, parts: readonly Uint8Array[]): bigint {
  const [[scalar]] = hash_to_field(lengthPrefixed(parts), 1, {
    DST: domain,
    p: F.ORDER,
    m: 1,
    k: 128,
    expand: 'xmd',
    hash: sha256,
  }) as [[bigint]];
  return scalar;
}

/** Many scalars from one hash input (used for the batch-consistency challenge). */
export function hashToScalars(F: ScalarField, domain: string, parts: readonly Uint8Array[], count: number): bigint[] {
  return hash_to_field(lengthPrefixed(parts), count, {
    DST: domain,
    p: F.ORDER,
    m: 1,
    k: 128,
    expand: 'xmd',
    hash: sha256,
  }).map((e) => e[0] as bigint);
}

/** SHA-256 over length-prefixed parts, with a domain string first. */
export function taggedDigest(domain: string, parts: readonly Uint8Array[]): Uint8Array {
  return sha256(lengthPrefixed([utf8ToBytes(domain), ...parts]));
}

function lengthPrefixed(parts: readonly Uint8Array[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, p.length);
    chunks.push(len, p);
  }
  return concatBytes(...chunks);
}

/** A scalar as fixed-width big-endian bytes (32 for both curves we use). */
export function scalarToBytes(F: ScalarField, value: bigint): Uint8Array {
  if (value < 0n || value >= F.ORDER) throw new RangeError('scalar out of range');
  // Through hex: several times faster than shifting a bigint byte by byte.
  return hexToBytes(value.toString(16).padStart(F.BYTES * 2, '0'));
}

/** Parses fixed-width big-endian bytes; refuses values >= the field order (no silent reduction). */
export function scalarFromBytes(F: ScalarField, bytes: Uint8Array): bigint {
  if (bytes.length !== F.BYTES) throw new RangeError(`scalar must be ${F.BYTES} bytes, got ${bytes.length}`);
  const v = bytesToBigInt(bytes);
  if (v >= F.ORDER) throw new RangeError('scalar is not below the field order');
  return v;
}

/** 64 lowercase hex characters, no 0x: the form shares travel in between processes. */
export function scalarToHex(F: ScalarField, value: bigint): string {
  return bytesToHex(scalarToBytes(F, value));
}

/** Accepts an optional 0x prefix; otherwise as strict as {@link scalarFromBytes}. */
export function scalarFromHex(F: ScalarField, hex: string): bigint {
  const clean = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (clean.length !== F.BYTES * 2) throw new RangeError(`scalar hex must be ${F.BYTES * 2} characters`);
  return scalarFromBytes(F, hexToBytes(clean));
}

/** A 4-byte big-endian unsigned integer, for fixed-width fields in hashed transcripts. */
export function u32Bytes(v: number): Uint8Array {
  if (!Number.isSafeInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`not a u32: ${v}`);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
}

/** Big-endian bytes to a non-negative integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + bytesToHex(bytes));
}
