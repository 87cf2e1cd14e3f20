import { describe, expect, it } from 'vitest';
import { PasskeyError } from './errors.ts';
import {
  assertionFromAuthMethod,
  decodeClientDataJSON,
  parseWebAuthnAssertion,
  parseWebAuthnRegistrationResponse,
  toWebAuthnAuthMethod,
} from './schemas.ts';
import { noneEs256 } from './spec-test-vectors.ts';
import { specAssertion, specRegistrationResponse } from './test-support.ts';

function refusal(f: () => unknown): PasskeyError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PasskeyError);
    return error as PasskeyError;
  }
  throw new Error('expected a refusal');
}

describe('WebAuthnAssertion', () => {
  const assertion = specAssertion(noneEs256);

  it('accepts the JSON @simplewebauthn/browser returns, as an object or as text', () => {
    expect(parseWebAuthnAssertion(assertion)).toEqual({ ...assertion, response: { ...assertion.response } });
    expect(parseWebAuthnAssertion(JSON.stringify(assertion))).toEqual(parseWebAuthnAssertion(assertion));
  });

  it('treats a null userHandle as absent and keeps a present one', () => {
    const withNull = { ...assertion, response: { ...assertion.response, userHandle: null } };
    expect(parseWebAuthnAssertion(withNull).response.userHandle).toBeUndefined();
    const withHandle = { ...assertion, response: { ...assertion.response, userHandle: 'dXNlcg' } };
    expect(parseWebAuthnAssertion(withHandle).response.userHandle).toBe('dXNlcg');
  });

  it('defaults clientExtensionResults and drops unknown fields', () => {
    const { clientExtensionResults: _omit, ...rest } = assertion;
    const parsed = parseWebAuthnAssertion({ ...rest, extra: 1 });
    expect(parsed.clientExtensionResults).toEqual({});
    expect('extra' in parsed).toBe(false);
  });

  it('refuses malformed payloads with status 400 and the field at fault', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...assertion, rawId: 'AAAA' }, /rawId: id and rawId/],
      [{ ...assertion, type: 'password' }, /type/],
      [
        { ...assertion, response: { ...assertion.response, signature: 'AAA=' } },
        /response\.signature: must be base64url/,
      ],
      [{ ...assertion, response: { ...assertion.response, clientDataJSON: 'A'.repeat(5000) } }, /clientDataJSON/],
      [{ ...assertion, response: { ...assertion.response, userHandle: 'A'.repeat(100) } }, /userHandle/],
      ['{not json', /not JSON/],
      [42, /root/],
    ];
    for (const [input, reason] of cases) {
      const error = refusal(() => parseWebAuthnAssertion(input));
      expect(error.code).toBe('malformed_passkey_response');
      expect(error.status).toBe(400);
      expect(error.message).toMatch(reason);
    }
  });

  it('travels as a Lit-style auth method {authMethodType: 3, accessToken}', () => {
    const parsed = parseWebAuthnAssertion(assertion);
    const authMethod = toWebAuthnAuthMethod(parsed);
    expect(authMethod.authMethodType).toBe(3);
    expect(JSON.parse(authMethod.accessToken).rawId).toBe(assertion.rawId);
    expect(assertionFromAuthMethod(authMethod)).toEqual(parsed);
    expect(refusal(() => assertionFromAuthMethod({ ...authMethod, authMethodType: 6 })).message).toMatch(/type 3/);
  });
});

describe('WebAuthnRegistrationResponse', () => {
  it('accepts a registration and refuses one without an attestation object', () => {
    const response = specRegistrationResponse(noneEs256);
    expect(parseWebAuthnRegistrationResponse(response).rawId).toBe(response.rawId);
    const { attestationObject: _omit, ...rest } = response.response;
    expect(refusal(() => parseWebAuthnRegistrationResponse({ ...response, response: rest })).message).toMatch(
      /attestationObject/,
    );
  });
});

describe('decodeClientDataJSON', () => {
  it('reads the spec vector client data', () => {
    const clientData = decodeClientDataJSON(specAssertion(noneEs256).response.clientDataJSON);
    expect(clientData).toEqual({
      type: 'webauthn.get',
      challenge: 'OcDnUhQXulTUPo3JUXT0I97pvzzYBP9tZchXyav01Ag',
      origin: 'https://example.org',
      crossOrigin: false,
    });
  });

  it('refuses text that is not base64url JSON', () => {
    expect(refusal(() => decodeClientDataJSON('bm90IGpzb24')).code).toBe('malformed_passkey_response');
    expect(refusal(() => decodeClientDataJSON('e30')).message).toMatch(/clientDataJSON: type/);
  });
});
