/**
 * Why a passkey was refused. Every refusal carries a stable code (for tests, logs and the
 * renderer's message), an HTTP status for the node API and a sentence for a person.
 */
export const PASSKEY_ERROR_CODES = [
  /** The payload is not a WebAuthn assertion / registration response (shape, encoding, size). */
  'malformed_passkey_response',
  /** clientDataJSON.type is not webauthn.get (assertion) or webauthn.create (registration). */
  'wrong_ceremony_type',
  /** The challenge is not one of the recent block hashes (or not the registration challenge). */
  'stale_challenge',
  /** clientDataJSON.origin is not one of the allowed origins. */
  'wrong_origin',
  /** The ceremony ran inside a cross-origin iframe. */
  'cross_origin',
  /** authenticatorData.rpIdHash is not sha256 of the expected RP ID. */
  'wrong_rp_id',
  /** The authenticator did not report user presence. */
  'user_not_present',
  /** User verification was required and the authenticator did not verify the user. */
  'user_not_verified',
  /** The signature counter did not grow past the last one seen, or the same assertion came twice. */
  'replayed_assertion',
  /** The signature does not verify under the stored public key. */
  'bad_signature',
  /** No passkey with this credential id is registered on chain (no userPubkey for its auth method id). */
  'unknown_passkey',
  /** The stored (or registered) public key is not a COSE key of a supported algorithm. */
  'unsupported_key',
] as const;
export type PasskeyErrorCode = (typeof PASSKEY_ERROR_CODES)[number];

export class PasskeyError extends Error {
  readonly code: PasskeyErrorCode;
  /** 400 for a malformed payload, 401 for an assertion that was refused. */
  readonly status: 400 | 401;

  constructor(code: PasskeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PasskeyError';
    this.code = code;
    this.status = code === 'malformed_passkey_response' ? 400 : 401;
  }
}

export function isPasskeyError(error: unknown): error is PasskeyError {
  return error instanceof PasskeyError;
}
