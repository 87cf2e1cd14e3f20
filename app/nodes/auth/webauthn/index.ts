/**
 * Passkey (WebAuthn, Lit auth method type 3) verification at a node. See README.md.
 */
export {
  verifyPasskeyAssertion,
  type StoredKeyLookup,
  type VerifiedPasskeyAssertion,
  type VerifyPasskeyAssertionInput,
} from './verify-assertion.ts';
export { PasskeyReplayGuard, type PasskeyReplayGuardOptions } from './replay-guard.ts';
export {
  DEFAULT_CHALLENGE_MAX_AGE_SECONDS,
  DEFAULT_RECENT_BLOCKS,
  recentBlockHashes,
  type BlockSource,
  type RecentBlockOptions,
} from './recent-blocks.ts';
export {
  verifyPasskeyRegistration,
  type VerifiedPasskeyRegistration,
  type VerifyPasskeyRegistrationInput,
} from '../../../shared/webauthn/registration.ts';
export { isPasskeyError, PasskeyError, type PasskeyErrorCode } from '../../../shared/webauthn/index.ts';
