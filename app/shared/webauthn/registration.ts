/**
 * The host's check of a passkey registration before the key goes on chain (a WebAuthn
 * userPubkey can never be replaced). Uses @simplewebauthn/server, which runs on WebCrypto
 * only, so this file has no Node built-ins; it is NOT exported from index.ts, to keep the
 * server library out of the renderer's bundle. Import it as
 * `app/shared/webauthn/registration.ts` (host) or from `app/nodes/auth/webauthn` (nodes).
 */
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { webAuthnAuthMethodId } from './auth-method-id.ts';
import { parseAttestationObject } from './authenticator-data.ts';
import { checkAuthenticatorData, checkClientData } from './ceremony-checks.ts';
import { SUPPORTED_COSE_ALGORITHMS, WEBAUTHN_AUTH_METHOD_TYPE } from './constants.ts';
import { cosePublicKeyToUserPubkey, decodeCosePublicKey, coseAlgorithmName } from './cose.ts';
import { bytesToBase64url, equalBytes } from './encoding.ts';
import { PasskeyError } from './errors.ts';
import { parseWebAuthnRegistrationResponse } from './schemas.ts';

export interface VerifyPasskeyRegistrationInput {
  /** The renderer's registration response (object or JSON text). */
  response: unknown;
  /** The challenge(s) the host handed out for this registration (0x hex or bytes). */
  expectedChallenges: readonly (string | Uint8Array)[];
  allowedOrigins: readonly string[];
  rpId: string;
  /** Default true: the key must have been created behind a PIN or biometrics. */
  requireUserVerification?: boolean;
}

export interface VerifiedPasskeyRegistration {
  authMethodType: typeof WEBAUTHN_AUTH_METHOD_TYPE;
  /** keccak256("<rawId>:lit"): the auth method's id for PKPPermissions / PKPHelper. */
  authMethodId: string;
  /** The credential id, base64url. */
  credentialId: string;
  /** The COSE public key bytes, exactly as the authenticator produced them. */
  cosePublicKey: Uint8Array;
  /** The same as 0x hex: the auth method's userPubkey on chain. */
  userPubkey: string;
  /** "ES256", "EdDSA" or "RS256". */
  algorithm: string;
  /** The authenticator's signature counter at registration (0 if it keeps none). */
  counter: number;
  /** Attestation format ("none" unless attestation was asked for). */
  fmt: string;
  aaguid: string;
  userVerified: boolean;
  /** A synced, multi-device passkey (backup eligible). */
  backupEligible: boolean;
  transports: string[];
  origin: string;
  /** The challenge the registration signed (0x hex), one of expectedChallenges. */
  challenge: string;
}

/** Verifies a registration and extracts what goes on chain. Throws PasskeyError with the reason. */
export async function verifyPasskeyRegistration(
  input: VerifyPasskeyRegistrationInput,
): Promise<VerifiedPasskeyRegistration> {
  const requireUserVerification = input.requireUserVerification ?? true;
  const response = parseWebAuthnRegistrationResponse(input.response);
  const { clientData, challenge } = checkClientData(response.response.clientDataJSON, {
    type: 'webauthn.create',
    expectedChallenges: input.expectedChallenges,
    allowedOrigins: input.allowedOrigins,
    challengeHint: 'the one handed out for this registration',
  });
  const attestation = parseAttestationObject(response.response.attestationObject);
  checkAuthenticatorData(attestation.authData, { rpId: input.rpId, requireUserVerification });
  const attested = attestation.authData.attestedCredential;
  if (!attested)
    throw new PasskeyError('malformed_passkey_response', 'the registration carries no attested credential data');
  if (bytesToBase64url(attested.credentialId) !== response.rawId)
    throw new PasskeyError(
      'malformed_passkey_response',
      'the response id is not the credential id the authenticator attested',
    );
  const key = decodeCosePublicKey(attested.cosePublicKey);

  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: (c) => c === clientData.challenge,
      expectedOrigin: [...input.allowedOrigins],
      expectedRPID: input.rpId,
      requireUserVerification,
      supportedAlgorithmIDs: [...SUPPORTED_COSE_ALGORITHMS],
    });
  } catch (error) {
    throw new PasskeyError('bad_signature', `the registration did not verify: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!verified.verified)
    throw new PasskeyError('bad_signature', 'the registration attestation signature did not verify');
  const info = verified.registrationInfo;
  if (!equalBytes(info.credential.publicKey, attested.cosePublicKey) || info.credential.id !== response.rawId)
    throw new PasskeyError('malformed_passkey_response', 'the attested credential is ambiguous');

  return {
    authMethodType: WEBAUTHN_AUTH_METHOD_TYPE,
    authMethodId: webAuthnAuthMethodId(response.rawId),
    credentialId: response.rawId,
    cosePublicKey: attested.cosePublicKey,
    userPubkey: cosePublicKeyToUserPubkey(attested.cosePublicKey),
    algorithm: coseAlgorithmName(key.alg),
    counter: attestation.authData.counter,
    fmt: info.fmt,
    aaguid: info.aaguid,
    userVerified: info.userVerified,
    backupEligible: attestation.authData.flags.be,
    transports: response.response.transports ?? [],
    origin: clientData.origin,
    challenge,
  };
}
