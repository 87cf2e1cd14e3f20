// The two prime-order groups we commit into: secp256k1 (PKP keys, ECDSA) and BLS12-381 G1
// (the network key). Both are noble Weierstrass point classes over bigint coordinates, so
// Feldman commitments and the DKG are written once against this small interface.
import type { WeierstrassPoint, WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import * as ecc from 'tiny-secp256k1';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { ScalarField } from './scalar.ts';

export type GroupPoint = WeierstrassPoint<bigint>;

export interface Group {
  readonly name: 'secp256k1' | 'bls12-381-g1';
  readonly Point: WeierstrassPointCons<bigint>;
  /** The scalar field (group order). */
  readonly Fn: ScalarField;
}

export const secp256k1Group: Group = { name: 'secp256k1', Point: secp256k1.Point, Fn: secp256k1.Point.Fn };
export const bls12381G1Group: Group = { name: 'bls12-381-g1', Point: bls12_381.G1.Point, Fn: bls12_381.G1.Point.Fn };

/**
 * s·G for a secret s. Uses the generator's precomputed table (the fast path: ~0.3 ms on
 * secp256k1 here, against ~1 ms for an arbitrary point) and noble's constant-time ladder.
 * Zero maps to the identity instead of throwing, as a share can in principle be zero.
 */
export function mulBase(group: Group, scalar: bigint): GroupPoint {
  if (group.Fn.is0(scalar)) return group.Point.ZERO;
  if (group === secp256k1Group) return fromLibsecp256k1(ecc.pointFromScalar(scalarBytes32(group, scalar), false));
  return group.Point.BASE.multiply(scalar);
}

/**
 * s·P for public P. On secp256k1 this goes to libsecp256k1 (tiny-secp256k1, WebAssembly):
 * ~0.17 ms against ~0.9 ms for noble here, and it is the hottest operation of signing
 * (every node computes R' = δ·R for every signature).
 */
export function mulPublic(point: GroupPoint, scalar: bigint): GroupPoint {
  if (point instanceof secp256k1Group.Point && !point.is0() && !secp256k1Group.Fn.is0(secp256k1Group.Fn.create(scalar)))
    return fromLibsecp256k1(ecc.pointMultiply(point.toBytes(false), scalarBytes32(secp256k1Group, scalar), false));
  return point.multiplyUnsafe(scalar);
}

function scalarBytes32(group: Group, scalar: bigint): Uint8Array {
  return group.Fn.toBytes(group.Fn.create(scalar));
}

function fromLibsecp256k1(bytes: Uint8Array | null): GroupPoint {
  return bytes ? secp256k1Group.Point.fromBytes(bytes) : secp256k1Group.Point.ZERO;
}

/**
 * A compressed secp256k1 point decompressed by libsecp256k1 (~0.1 ms; noble's square root in
 * bigints ~0.5 ms, paid by every node on every signature share). Bytes it refuses go to noble
 * unchanged, so that invalid input gets noble's own error.
 */
function uncompressedIfCheaper(group: Group, bytes: Uint8Array): Uint8Array {
  if (group !== secp256k1Group || bytes.length !== 33) return bytes;
  try {
    return ecc.pointCompress(bytes, false);
  } catch {
    return bytes;
  }
}

/** Parses a point and refuses anything off the curve, outside the subgroup, or the identity. */
export function decodePoint(group: Group, bytes: Uint8Array): GroupPoint {
  const p = group.Point.fromBytes(uncompressedIfCheaper(group, bytes)); // noble's fromBytes runs assertValidity itself
  if (p.is0()) throw new RangeError(`${group.name}: the identity is not a valid point here`);
  return p;
}

/**
 * The 65-byte uncompressed SEC1 form (0x04 || x || y) of a secp256k1 point: what Lit's
 * PKPNFT stores as the pubkey and hashes into the tokenId, and what ethers' computeAddress takes.
 */
export function secp256k1UncompressedBytes(point: GroupPoint): Uint8Array {
  return point.toBytes(false);
}

/**
 * Canonical bytes of a point for hashing into transcripts: SEC1/zcash compressed, and a
 * single 0x00 byte for the identity (which noble refuses to encode).
 */
export function pointBytesForHash(point: GroupPoint): Uint8Array {
  return point.is0() ? new Uint8Array([0]) : point.toBytes(true);
}

/** 48-byte compressed G1 (zcash encoding): the form of Lit's BLS network public key. */
export function bls12381G1CompressedBytes(point: GroupPoint): Uint8Array {
  return point.toBytes(true);
}
