/**
 * The id of a passkey auth method, exactly as Lit's SDK computes it (WebAuthnProvider /
 * WebAuthnAuthenticator.authMethodId): keccak256 of the UTF-8 text "<rawId>:lit", where rawId is
 * the credential id as the browser library serialises it (base64url, no padding; the `rawId`
 * field of the JSON a passkey ceremony returns). This is the `id` of the auth method in
 * PKPPermissions; the contract's own authMethodId is keccak256(abi.encode(3, id)).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { LIT_WEBAUTHN_ID_SUFFIX, type WEBAUTHN_AUTH_METHOD_TYPE } from './constants.ts';
import { bytesToBase64url, isBase64url, toHex } from './encoding.ts';

/** keccak256(utf8("<rawId>:lit")) as 0x hex (32 bytes). rawId: the credential id in base64url. */
export function webAuthnAuthMethodId(rawId: string): string {
  if (rawId.length === 0 || !isBase64url(rawId))
    throw new TypeError('a passkey credential id (rawId) must be non-empty base64url without padding');
  return toHex(keccak_256(utf8ToBytes(`${rawId}:${LIT_WEBAUTHN_ID_SUFFIX}`)));
}

/** The same id from the credential id's raw bytes (PublicKeyCredential.rawId as bytes). */
export function webAuthnAuthMethodIdFromBytes(credentialId: Uint8Array): string {
  return webAuthnAuthMethodId(bytesToBase64url(credentialId));
}

/** The auth method as Lit's SDK passes it around: { authMethodType: 3, accessToken: JSON of the response }. */
export interface WebAuthnLitAuthMethod {
  authMethodType: typeof WEBAUTHN_AUTH_METHOD_TYPE;
  accessToken: string;
}
