import { keccak256, toUtf8Bytes } from 'ethers';
import { AUTH_METHOD_TYPE } from '../../../shared/contracts/ids.ts';

/** Lit's auth method type for an OpenID Connect ID token (Google's or an issuer like it). */
export const AUTH_METHOD_TYPE_GOOGLE_JWT = AUTH_METHOD_TYPE.GoogleJwt;

/**
 * The `id` of a GoogleJwt auth method, as Lit computes it: keccak256(utf8("<sub>:<aud>")),
 * 0x hex (32 bytes). PKPPermissions stores it as the auth method's id; the contracts' own
 * key is shared/contracts `authMethodId(6, id)`.
 */
export function googleJwtAuthMethodId(sub: string, aud: string): string {
  return keccak256(toUtf8Bytes(`${sub}:${aud}`));
}
