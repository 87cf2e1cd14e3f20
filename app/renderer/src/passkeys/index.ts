export {
  authenticateWithPasskey,
  PasskeyCeremonyError,
  passkeyCreationOptions,
  passkeyRequestOptions,
  passkeysSupported,
  registerPasskey,
  type AuthenticateWithPasskeyOptions,
  type ChallengeInput,
  type PasskeyRegistration,
  type RegisterPasskeyOptions,
} from './passkeys.ts';
export {
  assertionFromAuthMethod,
  toWebAuthnAuthMethod,
  webAuthnAuthMethodId,
  type WebAuthnAssertion,
  type WebAuthnLitAuthMethod,
  type WebAuthnRegistrationResponse,
} from '../../../shared/webauthn/index.ts';
