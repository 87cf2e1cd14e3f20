/**
 * What a passkey ceremony sends across processes. The shapes are the JSON that
 * @simplewebauthn/browser returns (AuthenticationResponseJSON / RegistrationResponseJSON), which
 * is also the JSON Lit's SDK puts into a WebAuthn auth method's accessToken; every binary field
 * is base64url without padding. Sizes are bounded: nodes read these from anyone.
 */
import { z } from 'zod';
import { WEBAUTHN_AUTH_METHOD_TYPE } from './constants.ts';
import { base64urlToBytes, isBase64url } from './encoding.ts';
import { PasskeyError } from './errors.ts';
import type { WebAuthnLitAuthMethod } from './auth-method-id.ts';

const base64url = (maxChars: number) =>
  z.string().min(1).max(maxChars).refine(isBase64url, { message: 'must be base64url without padding' });

/** A credential id: 1 to 1023 bytes (WebAuthn), so at most 1364 base64url characters. */
const CredentialId = base64url(1364);

const ClientExtensionResults = z.record(z.string(), z.unknown()).default({});
const AuthenticatorAttachment = z.enum(['platform', 'cross-platform']).optional();

/** A login assertion (navigator.credentials.get) as the renderer sends it to the nodes. */
export const WebAuthnAssertion = z
  .object({
    /** The credential id, base64url; the same text as rawId. */
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(4096),
      authenticatorData: base64url(4096),
      signature: base64url(2048),
      /** The user.id given at registration (at most 64 bytes); absent for some security keys. */
      userHandle: base64url(88)
        .nullish()
        .transform((v) => v ?? undefined),
    }),
    clientExtensionResults: ClientExtensionResults,
    authenticatorAttachment: AuthenticatorAttachment,
  })
  .refine((a) => a.id === a.rawId, { message: 'id and rawId must be the same credential id', path: ['rawId'] });
export type WebAuthnAssertion = z.infer<typeof WebAuthnAssertion>;

/** A registration (navigator.credentials.create) as the renderer sends it to the host. */
export const WebAuthnRegistrationResponse = z
  .object({
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(4096),
      /** CBOR {fmt, attStmt, authData}; authData holds the COSE public key. */
      attestationObject: base64url(32768),
      authenticatorData: base64url(8192).optional(),
      transports: z.array(z.string().max(32)).max(16).optional(),
      /** SubjectPublicKeyInfo DER of the key (getPublicKey()); informative, the COSE key is what counts. */
      publicKey: base64url(8192).optional(),
      publicKeyAlgorithm: z.number().int().optional(),
    }),
    clientExtensionResults: ClientExtensionResults,
    authenticatorAttachment: AuthenticatorAttachment,
  })
  .refine((r) => r.id === r.rawId, { message: 'id and rawId must be the same credential id', path: ['rawId'] });
export type WebAuthnRegistrationResponse = z.infer<typeof WebAuthnRegistrationResponse>;

/** Lit's wire form of a passkey login: { authMethodType: 3, accessToken: JSON of the assertion }. */
export const WebAuthnAuthMethod = z.object({
  authMethodType: z.literal(WEBAUTHN_AUTH_METHOD_TYPE),
  accessToken: z.string().min(2).max(16_384),
});

/** CollectedClientData (WebAuthn section 5.8.1): the JSON the browser built and the authenticator signed a hash of. */
export const CollectedClientData = z.object({
  type: z.string(),
  challenge: z.string(),
  origin: z.string(),
  crossOrigin: z.boolean().optional(),
  topOrigin: z.string().optional(),
});
export type CollectedClientData = z.infer<typeof CollectedClientData>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function parseJsonOrObject(input: unknown, what: string): unknown {
  if (typeof input !== 'string') return input;
  if (input.length > 65_536) throw new PasskeyError('malformed_passkey_response', `the ${what} is too large`);
  try {
    return JSON.parse(input);
  } catch {
    throw new PasskeyError('malformed_passkey_response', `the ${what} is not JSON`);
  }
}

/** Checks an assertion given as an object or as its JSON text (Lit's accessToken). Throws PasskeyError. */
export function parseWebAuthnAssertion(input: unknown): WebAuthnAssertion {
  const parsed = WebAuthnAssertion.safeParse(parseJsonOrObject(input, 'passkey assertion'));
  if (!parsed.success)
    throw new PasskeyError('malformed_passkey_response', `not a WebAuthn assertion: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Checks a registration response given as an object or JSON text. Throws PasskeyError. */
export function parseWebAuthnRegistrationResponse(input: unknown): WebAuthnRegistrationResponse {
  const parsed = WebAuthnRegistrationResponse.safeParse(parseJsonOrObject(input, 'passkey registration'));
  if (!parsed.success)
    throw new PasskeyError(
      'malformed_passkey_response',
      `not a WebAuthn registration response: ${describeIssues(parsed.error)}`,
    );
  return parsed.data;
}

/** The assertion as a Lit-style auth method (what requests to the nodes carry). */
export function toWebAuthnAuthMethod(assertion: WebAuthnAssertion): WebAuthnLitAuthMethod {
  return { authMethodType: WEBAUTHN_AUTH_METHOD_TYPE, accessToken: JSON.stringify(assertion) };
}

/** The assertion inside a Lit-style auth method. Throws PasskeyError. */
export function assertionFromAuthMethod(authMethod: unknown): WebAuthnAssertion {
  const parsed = WebAuthnAuthMethod.safeParse(authMethod);
  if (!parsed.success)
    throw new PasskeyError(
      'malformed_passkey_response',
      `not a WebAuthn auth method (type 3 with an accessToken): ${describeIssues(parsed.error)}`,
    );
  return parseWebAuthnAssertion(parsed.data.accessToken);
}

/** Decodes clientDataJSON (base64url of UTF-8 JSON). Throws PasskeyError. */
export function decodeClientDataJSON(clientDataJSON: string): CollectedClientData {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64urlToBytes(clientDataJSON)));
  } catch {
    throw new PasskeyError('malformed_passkey_response', 'clientDataJSON is not base64url of UTF-8 JSON');
  }
  const parsed = CollectedClientData.safeParse(json);
  if (!parsed.success)
    throw new PasskeyError('malformed_passkey_response', `clientDataJSON: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
