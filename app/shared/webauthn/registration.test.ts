import { describe, expect, it } from 'vitest';
import { webAuthnAuthMethodId } from './auth-method-id.ts';
import { bytesToBase64url, base64urlToBytes, toHex } from './encoding.ts';
import type { PasskeyErrorCode } from './errors.ts';
import { verifyPasskeyRegistration, type VerifyPasskeyRegistrationInput } from './registration.ts';
import {
  noneEs256,
  noneEs256CrossOrigin,
  packedEdDsa,
  packedRs256,
  SPEC_ORIGIN,
  SPEC_RP_ID,
  type SpecVector,
} from './spec-test-vectors.ts';
import { specCosePublicKey, specRegistrationResponse } from './test-support.ts';

function input(
  vector: SpecVector,
  overrides: Partial<VerifyPasskeyRegistrationInput> = {},
): VerifyPasskeyRegistrationInput {
  return {
    response: specRegistrationResponse(vector),
    expectedChallenges: [`0x${vector.registration.challenge}`],
    allowedOrigins: [SPEC_ORIGIN],
    rpId: SPEC_RP_ID,
    // No spec vector sets the UV flag.
    requireUserVerification: false,
    ...overrides,
  };
}

async function refusedWith(promise: Promise<unknown>, code: PasskeyErrorCode): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a refusal with ${code}`);
    },
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error.code).toBe(code);
  return error.message;
}

describe('verifyPasskeyRegistration (WebAuthn spec test vectors)', () => {
  it.each([
    [noneEs256, 'none', 'ES256'],
    [packedRs256, 'packed', 'RS256'],
    [packedEdDsa, 'packed', 'EdDSA'],
  ])('accepts %# and returns what goes on chain', async (vector, fmt, algorithm) => {
    const result = await verifyPasskeyRegistration(input(vector));
    const rawId = bytesToBase64url(Buffer.from(vector.registration.credentialId, 'hex'));
    expect(result).toMatchObject({
      authMethodType: 3,
      authMethodId: webAuthnAuthMethodId(rawId),
      credentialId: rawId,
      fmt,
      algorithm,
      counter: 0,
      origin: SPEC_ORIGIN,
      challenge: `0x${vector.registration.challenge}`,
    });
    expect(result.cosePublicKey).toEqual(specCosePublicKey(vector));
    expect(result.userPubkey).toBe(toHex(specCosePublicKey(vector)));
  });

  it('refuses a challenge the host did not hand out', async () => {
    const message = await refusedWith(
      verifyPasskeyRegistration(input(noneEs256, { expectedChallenges: [`0x${'11'.repeat(32)}`] })),
      'stale_challenge',
    );
    expect(message).toMatch(/handed out for this registration/);
  });

  it('refuses another origin, another RP ID, a cross-origin frame and a missing user verification', async () => {
    expect(
      await refusedWith(
        verifyPasskeyRegistration(input(noneEs256, { allowedOrigins: ['http://localhost:7420'] })),
        'wrong_origin',
      ),
    ).toMatch(/"https:\/\/example.org", which is not an allowed origin \(http:\/\/localhost:7420\)/);
    await refusedWith(verifyPasskeyRegistration(input(noneEs256, { rpId: 'localhost' })), 'wrong_rp_id');
    await refusedWith(verifyPasskeyRegistration(input(noneEs256CrossOrigin)), 'cross_origin');
    await refusedWith(
      verifyPasskeyRegistration(input(noneEs256, { requireUserVerification: true })),
      'user_not_verified',
    );
  });

  it('refuses an assertion presented as a registration', async () => {
    const response = specRegistrationResponse(noneEs256);
    const getClientData = bytesToBase64url(
      new TextEncoder().encode(
        JSON.stringify({
          type: 'webauthn.get',
          challenge: bytesToBase64url(Buffer.from(noneEs256.registration.challenge, 'hex')),
          origin: SPEC_ORIGIN,
        }),
      ),
    );
    await refusedWith(
      verifyPasskeyRegistration(
        input(noneEs256, {
          response: { ...response, response: { ...response.response, clientDataJSON: getClientData } },
        }),
      ),
      'wrong_ceremony_type',
    );
  });

  it('refuses a packed attestation whose signature was tampered with', async () => {
    const response = specRegistrationResponse(packedEdDsa);
    const attestation = base64urlToBytes(response.response.attestationObject);
    // The attStmt "sig" byte string starts right after `63 73 69 67 58 48` ("sig", 72 bytes).
    const at = Buffer.from(attestation).indexOf(Buffer.from('637369675848', 'hex')) + 6 + 20;
    attestation[at] = (attestation[at] ?? 0) ^ 0x01;
    const tampered = {
      ...response,
      response: { ...response.response, attestationObject: bytesToBase64url(attestation) },
    };
    await refusedWith(verifyPasskeyRegistration(input(packedEdDsa, { response: tampered })), 'bad_signature');
  });

  it('refuses a response whose id is not the attested credential', async () => {
    const response = specRegistrationResponse(noneEs256);
    const other = specRegistrationResponse(packedRs256).id;
    await refusedWith(
      verifyPasskeyRegistration(input(noneEs256, { response: { ...response, id: other, rawId: other } })),
      'malformed_passkey_response',
    );
  });
});
