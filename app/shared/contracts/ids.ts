/**
 * Ids and constants of the PKP contracts, computed exactly as the contracts compute them
 * (see contracts/src/PKPPermissions.sol and PubkeyRouter.sol). Pure functions, no I/O.
 */
import { cidToMultihashBytes, multihashBytesToCid } from '../cid/index.ts';
import { AbiCoder, computeAddress, getAddress, getBytes, hexlify, keccak256, type BytesLike } from 'ethers';

/** Auth method types as Lit defines them (PKPPermissions.AuthMethod.authMethodType). */
export const AUTH_METHOD_TYPE = {
  /** id = the 20 address bytes (a permitted address), or keccak256("<address>:lit") */
  EthWallet: 1,
  /** id = the Lit Action's CIDv0 multihash bytes */
  LitAction: 2,
  /** id = keccak256("<credential rawId>:lit"); userPubkey = the COSE public key */
  WebAuthn: 3,
  Discord: 4,
  Google: 5,
  /** id = keccak256("<sub>:<aud>") */
  GoogleJwt: 6,
} as const;
export type AuthMethodType = (typeof AUTH_METHOD_TYPE)[keyof typeof AUTH_METHOD_TYPE];

/** Scopes of a permitted auth method (bit i of the scope bitmap = scope i). */
export const AUTH_METHOD_SCOPE = {
  NoPermissions: 0,
  SignAnything: 1,
  PersonalSign: 2,
} as const;
export type AuthMethodScope = (typeof AUTH_METHOD_SCOPE)[keyof typeof AUTH_METHOD_SCOPE];

/** A scope's name as Lit writes it ("SignAnything"), or "scope N" for one we do not know. */
export function authMethodScopeName(scope: number): string {
  return Object.entries(AUTH_METHOD_SCOPE).find(([, value]) => value === scope)?.[0] ?? `scope ${scope}`;
}

/** PubkeyRouter key types; the network makes ECDSA (secp256k1) keys only. */
export const KEY_TYPE = { BLS: 1, ECDSA: 2 } as const;

/** authMethodId = uint256(keccak256(abi.encode(authMethodType, id))). */
export function authMethodId(authMethodType: number | bigint, id: BytesLike): bigint {
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(['uint256', 'bytes'], [authMethodType, id])));
}

/** Checks and returns the 65 bytes of an uncompressed secp256k1 key (0x04 ‖ x ‖ y). */
export function uncompressedPubkeyBytes(pubkey: BytesLike): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = getBytes(pubkey);
  } catch {
    throw new Error('a PKP public key must be hex bytes (0x04 followed by 64 bytes)');
  }
  if (bytes.length !== 65 || bytes[0] !== 0x04) {
    throw new Error(
      `a PKP public key must be 65 bytes starting with 0x04 (uncompressed); got ${bytes.length} bytes` +
        (bytes.length > 0 ? ` starting with 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}` : ''),
    );
  }
  return bytes;
}

/** tokenId = uint256(keccak256(65-byte uncompressed pubkey)). */
export function tokenIdFromPubkey(pubkey: BytesLike): bigint {
  return BigInt(keccak256(uncompressedPubkeyBytes(pubkey)));
}

/** The PKP's Ethereum address: the last 20 bytes of keccak256(x ‖ y), checksummed. */
export function ethAddressFromPubkey(pubkey: BytesLike): string {
  return computeAddress(hexlify(uncompressedPubkeyBytes(pubkey)));
}

/** The id of a permitted address (auth method type 1): its 20 bytes, lower-case hex. */
export function addressAuthMethodIdBytes(address: string): string {
  return getAddress(address).toLowerCase();
}

/** A Lit Action's auth method id: the CIDv0's multihash bytes (0x1220 ‖ sha256), 34 bytes. */
export function actionIdFromCid(cid: string): string {
  return hexlify(cidToMultihashBytes(cid));
}

/** The CIDv0 string of a Lit Action id (its multihash bytes). */
export function cidFromActionId(id: BytesLike): string {
  return multihashBytesToCid(getBytes(id));
}
