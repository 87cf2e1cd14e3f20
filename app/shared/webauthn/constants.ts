/**
 * Relying-party constants and the numbers Lit's WebAuthn auth method (type 3) is built on.
 * Pure data: the renderer, the host and the nodes all import it.
 */

/** The RP ID every Litbox passkey is scoped to: the renderer is served at http://localhost:PORT. */
export const LITBOX_RP_ID = 'localhost';

/** The relying party's display name shown by the browser's passkey prompt. */
export const LITBOX_RP_NAME = 'Litbox';

/** PKPPermissions auth method type of a passkey (Lit's AUTH_METHOD_TYPE.WebAuthn). */
export const WEBAUTHN_AUTH_METHOD_TYPE = 3;

/**
 * The suffix of the string hashed into a passkey's auth method id: Lit's SDK computes
 * keccak256(utf8("<rawId>:<rpName>")) with its default rpName "lit" (not our display name), and
 * every PKP minted by Lit's tools uses "lit"; Litbox keeps "lit" so ids stay compatible.
 */
export const LIT_WEBAUTHN_ID_SUFFIX = 'lit';

/** A login challenge is a block hash of the sandbox chain: 32 bytes. */
export const CHALLENGE_BYTES = 32;

/** COSE algorithm identifiers (IANA "COSE Algorithms"). */
export const COSE_ALG = { ES256: -7, EdDSA: -8, RS256: -257 } as const;
export type CoseAlgorithm = (typeof COSE_ALG)[keyof typeof COSE_ALG];

/**
 * The algorithms Litbox asks authenticators for, in order of preference, and the only ones a
 * stored passkey key may use: ES256 (P-256, nearly every passkey), EdDSA (Ed25519), RS256
 * (Windows Hello, older security keys).
 */
export const SUPPORTED_COSE_ALGORITHMS: readonly CoseAlgorithm[] = [COSE_ALG.ES256, COSE_ALG.EdDSA, COSE_ALG.RS256];

/** How long the browser's passkey prompt stays open. */
export const PASSKEY_PROMPT_TIMEOUT_MS = 60_000;
