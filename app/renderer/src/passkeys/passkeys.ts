/**
 * Passkeys in the renderer: create one (registration) and sign a login challenge with one
 * (assertion), through @simplewebauthn/browser over navigator.credentials. The results are
 * checked against the shared schemas before they leave this module; the host verifies a
 * registration (verifyPasskeyRegistration) before its key goes on chain, and every node
 * verifies each assertion itself.
 */
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import {
  blockHashToChallenge,
  bytesToBase64url,
  CHALLENGE_BYTES,
  cosePublicKeyToUserPubkey,
  credentialFromAttestationObject,
  fromHex,
  isBase64url,
  LITBOX_RP_ID,
  LITBOX_RP_NAME,
  PASSKEY_PROMPT_TIMEOUT_MS,
  parseWebAuthnAssertion,
  parseWebAuthnRegistrationResponse,
  SUPPORTED_COSE_ALGORITHMS,
  webAuthnAuthMethodId,
  type WebAuthnAssertion,
  type WebAuthnRegistrationResponse,
} from '../../../shared/webauthn/index.ts';

/** A challenge: bytes, or hex (a block hash "0x…", or the host's registration challenge). */
export type ChallengeInput = Uint8Array | string;

export interface RegisterPasskeyOptions {
  /** Shown by the passkey prompt and password managers (user.name). */
  username: string;
  /** From the host, at least 16 bytes; the host checks the registration signed it. */
  challenge: ChallengeInput;
  /** user.displayName; defaults to username. */
  displayName?: string;
  /** user.id (at most 64 bytes, no personal data); default 32 random bytes. */
  userId?: Uint8Array;
  /** Credential ids (base64url) the authenticator should not register again. */
  excludeCredentialIds?: readonly string[];
  rpId?: string;
  rpName?: string;
  timeoutMs?: number;
}

export interface PasskeyRegistration {
  /** The registration response to send to the host (which verifies it). */
  response: WebAuthnRegistrationResponse;
  /** The credential id, base64url. */
  credentialId: string;
  /** keccak256("<rawId>:lit"): the auth method id. */
  authMethodId: string;
  /** The COSE public key from the attestation object (unverified here; the host re-derives it). */
  cosePublicKey: Uint8Array;
  /** The same as 0x hex: the auth method's userPubkey. */
  userPubkey: string;
}

export interface AuthenticateWithPasskeyOptions {
  /** A recent block hash of the sandbox chain (32 bytes, "0x…" or bytes). */
  challenge: ChallengeInput;
  /**
   * Credential ids (base64url) that may answer, e.g. the passkeys of the PKP being used. Empty
   * or absent: the browser offers every passkey it has for the RP ID (discoverable credentials).
   */
  allowCredentials?: readonly string[];
  rpId?: string;
  timeoutMs?: number;
}

/** A passkey ceremony the browser refused or the person cancelled. */
export class PasskeyCeremonyError extends Error {
  /** @simplewebauthn/browser's code, or the DOMException name. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PasskeyCeremonyError';
    this.code = code;
  }
}

function challengeBytes(challenge: ChallengeInput): Uint8Array {
  return typeof challenge === 'string' ? fromHex(challenge) : challenge;
}

/** The creation options Litbox asks the browser for (exported for tests and for inspection). */
export function passkeyCreationOptions(
  options: RegisterPasskeyOptions & { userId: Uint8Array },
): PublicKeyCredentialCreationOptionsJSON {
  const challenge = challengeBytes(options.challenge);
  if (challenge.length < 16) throw new TypeError('a registration challenge must be at least 16 bytes');
  if (options.userId.length < 1 || options.userId.length > 64) throw new TypeError('user.id must be 1 to 64 bytes');
  if (options.username.trim() === '') throw new TypeError('a passkey needs a user name');
  return {
    challenge: bytesToBase64url(challenge),
    rp: { id: options.rpId ?? LITBOX_RP_ID, name: options.rpName ?? LITBOX_RP_NAME },
    user: {
      id: bytesToBase64url(options.userId),
      name: options.username,
      displayName: options.displayName ?? options.username,
    },
    pubKeyCredParams: SUPPORTED_COSE_ALGORITHMS.map((alg) => ({ type: 'public-key', alg })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    attestation: 'none',
    excludeCredentials: (options.excludeCredentialIds ?? []).map((id) => ({ id, type: 'public-key' })),
    timeout: options.timeoutMs ?? PASSKEY_PROMPT_TIMEOUT_MS,
  };
}

/** The request options for a login over a block hash (exported for tests and for inspection). */
export function passkeyRequestOptions(options: AuthenticateWithPasskeyOptions): PublicKeyCredentialRequestOptionsJSON {
  const challenge = challengeBytes(options.challenge);
  if (challenge.length !== CHALLENGE_BYTES)
    throw new TypeError(`a login challenge is a block hash: ${CHALLENGE_BYTES} bytes, got ${challenge.length}`);
  const allow = options.allowCredentials ?? [];
  for (const id of allow)
    if (!isBase64url(id) || id === '') throw new TypeError(`credential id ${id} is not base64url`);
  return {
    challenge: blockHashToChallenge(challenge),
    rpId: options.rpId ?? LITBOX_RP_ID,
    userVerification: 'required',
    timeout: options.timeoutMs ?? PASSKEY_PROMPT_TIMEOUT_MS,
    ...(allow.length > 0
      ? {
          allowCredentials: allow.map((id) => ({ id, type: 'public-key' as const })),
        }
      : {}),
  };
}

function ceremonyError(error: unknown, what: string): PasskeyCeremonyError {
  if (error instanceof WebAuthnError) {
    const cancelled = error.code === 'ERROR_CEREMONY_ABORTED' || error.name === 'NotAllowedError';
    return new PasskeyCeremonyError(
      cancelled ? `${what} was cancelled or timed out` : `${what} failed: ${error.message}`,
      error.code === 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY' ? error.name : error.code,
      { cause: error },
    );
  }
  if (error instanceof Error) {
    const cancelled = error.name === 'NotAllowedError' || error.name === 'AbortError';
    return new PasskeyCeremonyError(
      cancelled ? `${what} was cancelled or timed out` : `${what} failed: ${error.message}`,
      error.name,
      { cause: error },
    );
  }
  return new PasskeyCeremonyError(`${what} failed`, 'UnknownError', { cause: error });
}

/** Whether this browser (or Electron renderer) can do WebAuthn at all. */
export function passkeysSupported(): boolean {
  return browserSupportsWebAuthn();
}

/** Creates a passkey for Litbox's RP ID; returns the response for the host and the key that goes on chain. */
export async function registerPasskey(options: RegisterPasskeyOptions): Promise<PasskeyRegistration> {
  const userId = options.userId ?? crypto.getRandomValues(new Uint8Array(32));
  const optionsJSON = passkeyCreationOptions({ ...options, userId });
  let raw: unknown;
  try {
    raw = await startRegistration({ optionsJSON });
  } catch (error) {
    throw ceremonyError(error, 'creating the passkey');
  }
  const response = parseWebAuthnRegistrationResponse(raw);
  const { credentialId, cosePublicKey } = credentialFromAttestationObject(response.response.attestationObject);
  if (credentialId !== response.rawId)
    throw new PasskeyCeremonyError('the authenticator attested another credential id', 'InvalidStateError');
  return {
    response,
    credentialId,
    authMethodId: webAuthnAuthMethodId(credentialId),
    cosePublicKey,
    userPubkey: cosePublicKeyToUserPubkey(cosePublicKey),
  };
}

/** Signs a recent block hash with a passkey; returns the assertion every node verifies. */
export async function authenticateWithPasskey(options: AuthenticateWithPasskeyOptions): Promise<WebAuthnAssertion> {
  const optionsJSON = passkeyRequestOptions(options);
  let raw: unknown;
  try {
    raw = await startAuthentication({ optionsJSON });
  } catch (error) {
    throw ceremonyError(error, 'signing in with the passkey');
  }
  return parseWebAuthnAssertion(raw);
}
