/**
 * The relying party's checks of a ceremony that do not need the public key (WebAuthn sections
 * 7.1 and 7.2): ceremony type, challenge, origin, cross-origin use, RP ID hash and flags. The
 * node (assertions) and the host (registrations) run them first so a refusal names its
 * reason; @simplewebauthn/server repeats them and checks the signature afterwards.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { AuthenticatorData } from './authenticator-data.ts';
import { base64urlToBytes, bytesFrom, equalBytes, isBase64url, toHex } from './encoding.ts';
import { PasskeyError } from './errors.ts';
import { decodeClientDataJSON, type CollectedClientData } from './schemas.ts';

export interface ClientDataExpectations {
  type: 'webauthn.get' | 'webauthn.create';
  /** Accepted challenges, as 0x hex or bytes (block hashes for a login). */
  expectedChallenges: readonly (string | Uint8Array)[];
  /** Accepted origins, exactly as the browser writes them ("http://localhost:5173"). */
  allowedOrigins: readonly string[];
  /** Describes the accepted challenges in the stale-challenge message. */
  challengeHint?: string;
}

/** Checks that every configured origin is a bare origin (scheme://host[:port]). Throws TypeError. */
export function checkAllowedOrigins(allowedOrigins: readonly string[]): void {
  if (allowedOrigins.length === 0) throw new TypeError('no allowed origins configured for passkeys');
  for (const origin of allowedOrigins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new TypeError(`allowed origin "${origin}" is not a URL`);
    }
    if (parsed.origin !== origin)
      throw new TypeError(`allowed origin "${origin}" must be written as an origin: "${parsed.origin}"`);
  }
}

/** Decodes clientDataJSON and checks type, challenge, origin and cross-origin use; returns it and the matched challenge (0x hex). */
export function checkClientData(
  clientDataJSON: string,
  expect: ClientDataExpectations,
): { clientData: CollectedClientData; challenge: string } {
  checkAllowedOrigins(expect.allowedOrigins);
  const expected = expect.expectedChallenges.map((c) => toHex(bytesFrom(c)));
  const clientData = decodeClientDataJSON(clientDataJSON);
  if (clientData.type !== expect.type)
    throw new PasskeyError(
      'wrong_ceremony_type',
      `the passkey response is a "${clientData.type}" ceremony, expected "${expect.type}"`,
    );
  const challenge = isBase64url(clientData.challenge) ? toHex(base64urlToBytes(clientData.challenge)) : null;
  if (challenge === null || !expected.includes(challenge))
    throw new PasskeyError(
      'stale_challenge',
      `the passkey signed a challenge that is not ${expect.challengeHint ?? 'the expected one'}; ` +
        'get a fresh challenge and sign again',
    );
  if (clientData.crossOrigin === true || clientData.topOrigin !== undefined)
    throw new PasskeyError(
      'cross_origin',
      'the passkey was used inside a cross-origin frame' +
        (clientData.topOrigin === undefined ? '' : ` (top origin ${JSON.stringify(clientData.topOrigin)})`),
    );
  if (!expect.allowedOrigins.includes(clientData.origin))
    throw new PasskeyError(
      'wrong_origin',
      `the passkey was used on ${JSON.stringify(clientData.origin)}, which is not an allowed origin ` +
        `(${expect.allowedOrigins.join(', ')})`,
    );
  return { clientData, challenge };
}

/** sha256(rpId), the first 32 bytes of authenticator data. */
export function rpIdHash(rpId: string): Uint8Array {
  return sha256(utf8ToBytes(rpId));
}

/** Checks the RP ID hash and the user present / user verified flags. */
export function checkAuthenticatorData(
  authData: AuthenticatorData,
  expect: { rpId: string; requireUserVerification: boolean },
): void {
  if (!equalBytes(authData.rpIdHash, rpIdHash(expect.rpId)))
    throw new PasskeyError(
      'wrong_rp_id',
      `the passkey belongs to another relying party (its RP ID hash is not sha256("${expect.rpId}"))`,
    );
  if (!authData.flags.up) throw new PasskeyError('user_not_present', 'the authenticator did not report user presence');
  if (expect.requireUserVerification && !authData.flags.uv)
    throw new PasskeyError(
      'user_not_verified',
      'the authenticator did not verify the user (PIN or biometrics are required)',
    );
}
