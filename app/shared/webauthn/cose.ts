/**
 * A passkey's public key as COSE_Key (RFC 9052 section 7, WebAuthn "credentialPublicKey"), and
 * its on-chain form. Lit stores the COSE bytes exactly as the authenticator produced them (the
 * credentialPublicKey inside the registration's attestation object) in the auth method's
 * userPubkey, hex-encoded for the contract call; Litbox does the same, so "to chain" and "from
 * chain" are a validated identity on bytes. The decoded form is for checks and display.
 */
import { decodeCbor, encodeCbor, type CborMap } from './cbor.ts';
import { COSE_ALG, SUPPORTED_COSE_ALGORITHMS, type CoseAlgorithm } from './constants.ts';
import { bytesFrom, toHex } from './encoding.ts';
import { PasskeyError } from './errors.ts';

/** COSE key labels (RFC 9052/9053). */
const LABEL = { kty: 1, alg: 3, crv: -1, x: -2, y: -3, n: -1, e: -2 } as const;
/** COSE key types. */
export const COSE_KTY = { OKP: 1, EC2: 2, RSA: 3 } as const;
/** COSE elliptic curves. */
export const COSE_CRV = { P256: 1, Ed25519: 6 } as const;

export type CosePublicKey =
  | { kty: typeof COSE_KTY.EC2; alg: typeof COSE_ALG.ES256; crv: typeof COSE_CRV.P256; x: Uint8Array; y: Uint8Array }
  | { kty: typeof COSE_KTY.OKP; alg: typeof COSE_ALG.EdDSA; crv: typeof COSE_CRV.Ed25519; x: Uint8Array }
  | { kty: typeof COSE_KTY.RSA; alg: typeof COSE_ALG.RS256; n: Uint8Array; e: Uint8Array };

/** The largest COSE key accepted (an 8192-bit RSA key is ~1.04 KB). */
export const MAX_COSE_KEY_BYTES = 2048;

const ALG_NAMES: Record<CoseAlgorithm, string> = { [-7]: 'ES256', [-8]: 'EdDSA', [-257]: 'RS256' };

/** "ES256", "EdDSA", "RS256", or "COSE alg <n>" for anything else. */
export function coseAlgorithmName(alg: number): string {
  return ALG_NAMES[alg as CoseAlgorithm] ?? `COSE alg ${alg}`;
}

function refuse(reason: string): never {
  throw new PasskeyError('unsupported_key', `the passkey public key is not usable: ${reason}`);
}

function bytesLabel(map: CborMap, label: number, name: string, min: number, max = min): Uint8Array {
  const v = map.get(label);
  if (!(v instanceof Uint8Array)) refuse(`${name} is missing or not a byte string`);
  if (v.length < min || v.length > max)
    refuse(`${name} is ${v.length} bytes, expected ${min === max ? min : `${min} to ${max}`}`);
  return v;
}

/**
 * Decodes and checks a COSE public key of a supported algorithm (ES256 on P-256, EdDSA on
 * Ed25519, RS256 with a 2048- to 8192-bit modulus). Throws PasskeyError('unsupported_key').
 */
export function decodeCosePublicKey(cose: Uint8Array | string): CosePublicKey {
  let bytes: Uint8Array;
  try {
    bytes = bytesFrom(cose);
  } catch {
    refuse('it is not bytes or hex');
  }
  if (bytes.length === 0) refuse('it is empty (no userPubkey stored for this auth method?)');
  if (bytes.length > MAX_COSE_KEY_BYTES) refuse(`it is ${bytes.length} bytes, more than ${MAX_COSE_KEY_BYTES}`);
  let map: unknown;
  try {
    map = decodeCbor(bytes);
  } catch (error) {
    refuse(`it is not a CBOR COSE_Key (${(error as Error).message})`);
  }
  if (!(map instanceof Map)) refuse('it is not a CBOR map');
  const kty = map.get(LABEL.kty);
  const alg = map.get(LABEL.alg);
  if (typeof alg !== 'number') refuse('it has no algorithm (COSE label 3)');
  if (!SUPPORTED_COSE_ALGORITHMS.includes(alg as CoseAlgorithm))
    refuse(`${coseAlgorithmName(alg)} is not supported (use ES256, EdDSA or RS256)`);
  switch (alg) {
    case COSE_ALG.ES256: {
      if (kty !== COSE_KTY.EC2) refuse('an ES256 key must have key type EC2');
      if (map.get(LABEL.crv) !== COSE_CRV.P256) refuse('an ES256 key must be on P-256');
      return {
        kty: COSE_KTY.EC2,
        alg: COSE_ALG.ES256,
        crv: COSE_CRV.P256,
        x: bytesLabel(map, LABEL.x, 'x', 32),
        y: bytesLabel(map, LABEL.y, 'y', 32),
      };
    }
    case COSE_ALG.EdDSA: {
      if (kty !== COSE_KTY.OKP) refuse('an EdDSA key must have key type OKP');
      if (map.get(LABEL.crv) !== COSE_CRV.Ed25519) refuse('an EdDSA key must be on Ed25519');
      return { kty: COSE_KTY.OKP, alg: COSE_ALG.EdDSA, crv: COSE_CRV.Ed25519, x: bytesLabel(map, LABEL.x, 'x', 32) };
    }
    default: {
      if (kty !== COSE_KTY.RSA) refuse('an RS256 key must have key type RSA');
      const n = bytesLabel(map, LABEL.n, 'the RSA modulus n', 256, 1024);
      if (n[0] === 0) refuse('the RSA modulus has a leading zero byte');
      return { kty: COSE_KTY.RSA, alg: COSE_ALG.RS256, n, e: bytesLabel(map, LABEL.e, 'the RSA exponent e', 1, 8) };
    }
  }
}

/** Encodes a key as canonical COSE_Key bytes (CTAP2 canonical CBOR, the form authenticators emit). */
export function encodeCosePublicKey(key: CosePublicKey): Uint8Array {
  const map: CborMap = new Map();
  map.set(LABEL.kty, key.kty);
  map.set(LABEL.alg, key.alg);
  if (key.kty === COSE_KTY.RSA) {
    map.set(LABEL.n, key.n);
    map.set(LABEL.e, key.e);
  } else {
    map.set(LABEL.crv, key.crv);
    map.set(LABEL.x, key.x);
    if (key.kty === COSE_KTY.EC2) map.set(LABEL.y, key.y);
  }
  return encodeCbor(map);
}

/**
 * The registration's COSE public key → the auth method's userPubkey for PKPPermissions /
 * PKPHelper (0x hex of the same bytes, as Lit's SDK sends it). Throws if the key is unusable,
 * so nothing unusable ever reaches the chain (a WebAuthn userPubkey cannot be replaced).
 */
export function cosePublicKeyToUserPubkey(cose: Uint8Array): string {
  decodeCosePublicKey(cose);
  return toHex(cose);
}

/** The userPubkey read from chain (0x hex or bytes) → the COSE key bytes to verify with. */
export function userPubkeyToCosePublicKey(userPubkey: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = bytesFrom(userPubkey);
  } catch {
    refuse('the stored userPubkey is not hex bytes');
  }
  decodeCosePublicKey(bytes);
  return Uint8Array.from(bytes);
}
