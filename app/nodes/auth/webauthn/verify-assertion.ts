/**
 * A node's check of a passkey login (Lit auth method type 3): the assertion must sign one of
 * the sandbox chain's recent block hashes, come from an allowed origin, be scoped to the RP
 * ID, carry user presence (and verification), not replay an old signature counter, and verify
 * under the COSE public key stored on chain in the auth method's userPubkey. The pre-checks
 * here give each refusal its own reason; @simplewebauthn/server's verifyAuthenticationResponse
 * then repeats them and checks the signature.
 */
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import {
  checkAuthenticatorData,
  checkClientData,
  normalizeBlockHash,
  parseAuthenticatorData,
  parseWebAuthnAssertion,
  PasskeyError,
  userPubkeyToCosePublicKey,
  WEBAUTHN_AUTH_METHOD_TYPE,
  webAuthnAuthMethodId,
} from '../../../shared/webauthn/index.ts';
import type { PasskeyReplayGuard } from './replay-guard.ts';

export interface VerifyPasskeyAssertionInput {
  /**
   * The assertion: the renderer's payload (AuthenticationResponseJSON) as an object, or its
   * JSON text (the accessToken of a Lit-style auth method). Checked here, never trusted.
   */
  assertion: unknown;
  /** Block hashes (0x hex, 32 bytes) the node accepts as recent; see recentBlockHashes. */
  expectedChallenges: readonly string[];
  /** Origins the renderer is served from, e.g. ["http://localhost:7420"]. */
  allowedOrigins: readonly string[];
  /** "localhost" for Litbox (LITBOX_RP_ID). */
  rpId: string;
  /**
   * The auth method's userPubkey from PKPPermissions (COSE key bytes or their 0x hex), or a
   * lookup that returns it for the assertion's auth method id, e.g.
   * `(id) => contracts.PKPPermissions.getUserPubkeyForAuthMethod(3, id)`. The key must be the
   * one stored for webAuthnAuthMethodId(assertion.rawId); the lookup form guarantees that.
   */
  storedCosePublicKey: Uint8Array | string | StoredKeyLookup;
  /**
   * The highest signature counter this node accepted for the credential (0 or absent for none
   * yet). An assertion must carry a larger one unless the authenticator keeps no counter
   * (both 0), which many synced passkeys do.
   */
  previousCounter?: number;
  /** Default true (Lit asks for userVerification "required"). */
  requireUserVerification?: boolean;
  /** Optional: refuses the exact same assertion a second time while its challenge is recent. */
  replayGuard?: PasskeyReplayGuard;
}

/** Reads a passkey's userPubkey from chain by its auth method id (0x hex); empty bytes when none is stored. */
export type StoredKeyLookup = (authMethodId: string, credentialId: string) => Promise<Uint8Array | string>;

export interface VerifiedPasskeyAssertion {
  authMethodType: typeof WEBAUTHN_AUTH_METHOD_TYPE;
  /** keccak256("<rawId>:lit"), 0x hex: the auth method id in PKPPermissions. */
  authMethodId: string;
  /** The credential id, base64url (the assertion's rawId). */
  credentialId: string;
  /** The authenticator's signature counter; store it as previousCounter for the next login. */
  newCounter: number;
  /** The block hash the assertion signed (0x hex), one of expectedChallenges. */
  challenge: string;
  origin: string;
  userVerified: boolean;
  /** The user.id given at registration, base64url, if the authenticator returned it. */
  userHandle: string | undefined;
}

/**
 * Verifies a passkey assertion against the key stored on chain. Throws PasskeyError (code,
 * status 400/401, reason) on refusal, TypeError on a misconfiguration (bad expected
 * challenges or origins).
 */
export async function verifyPasskeyAssertion(input: VerifyPasskeyAssertionInput): Promise<VerifiedPasskeyAssertion> {
  const requireUserVerification = input.requireUserVerification ?? true;
  const previousCounter = input.previousCounter ?? 0;
  if (!Number.isSafeInteger(previousCounter) || previousCounter < 0 || previousCounter > 0xffffffff)
    throw new TypeError('previousCounter must be an integer from 0 to 2^32 - 1');
  const expectedChallenges = input.expectedChallenges.map((hash) => normalizeBlockHash(hash));

  const assertion = parseWebAuthnAssertion(input.assertion);
  const { clientData, challenge } = checkClientData(assertion.response.clientDataJSON, {
    type: 'webauthn.get',
    expectedChallenges,
    allowedOrigins: input.allowedOrigins,
    challengeHint: 'a recent block hash of the sandbox chain',
  });
  const authData = parseAuthenticatorData(assertion.response.authenticatorData);
  checkAuthenticatorData(authData, { rpId: input.rpId, requireUserVerification });
  if ((authData.counter > 0 || previousCounter > 0) && authData.counter <= previousCounter)
    throw new PasskeyError(
      'replayed_assertion',
      `the passkey's signature counter ${authData.counter} is not above the last one seen (${previousCounter}): ` +
        'a replayed assertion or a cloned authenticator',
    );
  const authMethodId = webAuthnAuthMethodId(assertion.rawId);
  const publicKey = await storedKey(input.storedCosePublicKey, authMethodId, assertion.rawId);

  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response: assertion as AuthenticationResponseJSON,
      expectedChallenge: (c) => c === clientData.challenge,
      expectedOrigin: [...input.allowedOrigins],
      expectedRPID: input.rpId,
      credential: { id: assertion.rawId, publicKey: Uint8Array.from(publicKey), counter: previousCounter },
      requireUserVerification,
    });
  } catch (error) {
    // Every condition the library checks before the signature was checked above, so what is
    // left is the signature itself (not DER, wrong length, a key WebCrypto refuses).
    throw new PasskeyError(
      'bad_signature',
      `the passkey signature does not verify under the stored key: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!verified.verified)
    throw new PasskeyError(
      'bad_signature',
      'the passkey signature does not verify under the public key stored for this credential',
    );
  input.replayGuard?.claim(assertion);

  return {
    authMethodType: WEBAUTHN_AUTH_METHOD_TYPE,
    authMethodId,
    credentialId: assertion.rawId,
    newCounter: verified.authenticationInfo.newCounter,
    challenge,
    origin: clientData.origin,
    userVerified: verified.authenticationInfo.userVerified,
    userHandle: assertion.response.userHandle,
  };
}

async function storedKey(
  stored: VerifyPasskeyAssertionInput['storedCosePublicKey'],
  authMethodId: string,
  credentialId: string,
): Promise<Uint8Array> {
  if (typeof stored !== 'function') return userPubkeyToCosePublicKey(stored);
  const found = await stored(authMethodId, credentialId);
  if ((typeof found === 'string' ? found.replace(/^0x/i, '') : found).length === 0)
    throw new PasskeyError(
      'unknown_passkey',
      `no passkey with credential id ${credentialId} is registered on chain (auth method id ${authMethodId})`,
    );
  return userPubkeyToCosePublicKey(found);
}
