/**
 * Passkeys (Lit auth method type 3, WebAuthn): shapes and pure helpers shared by the renderer,
 * the host and the nodes. Browser-safe: no Node built-ins, no @simplewebauthn/server (the
 * host's registration check lives in ./registration.ts).
 */
export {
  CHALLENGE_BYTES,
  COSE_ALG,
  LIT_WEBAUTHN_ID_SUFFIX,
  LITBOX_RP_ID,
  LITBOX_RP_NAME,
  PASSKEY_PROMPT_TIMEOUT_MS,
  SUPPORTED_COSE_ALGORITHMS,
  WEBAUTHN_AUTH_METHOD_TYPE,
  type CoseAlgorithm,
} from './constants.ts';
export { isPasskeyError, PASSKEY_ERROR_CODES, PasskeyError, type PasskeyErrorCode } from './errors.ts';
export {
  base64urlToBytes,
  blockHashToChallenge,
  bytesToBase64url,
  challengeToBlockHash,
  fromHex,
  isBase64url,
  normalizeBlockHash,
  toHex,
} from './encoding.ts';
export { webAuthnAuthMethodId, webAuthnAuthMethodIdFromBytes, type WebAuthnLitAuthMethod } from './auth-method-id.ts';
export {
  COSE_CRV,
  COSE_KTY,
  coseAlgorithmName,
  cosePublicKeyToUserPubkey,
  decodeCosePublicKey,
  encodeCosePublicKey,
  MAX_COSE_KEY_BYTES,
  userPubkeyToCosePublicKey,
  type CosePublicKey,
} from './cose.ts';
export {
  credentialFromAttestationObject,
  parseAttestationObject,
  parseAuthenticatorData,
  type AttestationObject,
  type AuthenticatorData,
  type AuthenticatorFlags,
} from './authenticator-data.ts';
export {
  assertionFromAuthMethod,
  CollectedClientData,
  decodeClientDataJSON,
  parseWebAuthnAssertion,
  parseWebAuthnRegistrationResponse,
  toWebAuthnAuthMethod,
  WebAuthnAssertion,
  WebAuthnAuthMethod,
  WebAuthnRegistrationResponse,
} from './schemas.ts';
export {
  checkAllowedOrigins,
  checkAuthenticatorData,
  checkClientData,
  rpIdHash,
  type ClientDataExpectations,
} from './ceremony-checks.ts';
