import { describe, expect, it } from 'vitest';
import {
  base64urlToBytes,
  bytesToBase64url,
  toHex,
  webAuthnAuthMethodId,
  type PasskeyErrorCode,
} from '../../../shared/webauthn/index.ts';
import {
  noneEs256,
  noneEs256CrossOrigin,
  packedEdDsa,
  packedRs256,
  SPEC_ORIGIN,
  SPEC_RP_ID,
  type SpecVector,
} from '../../../shared/webauthn/spec-test-vectors.ts';
import { specAssertion, specCosePublicKey } from '../../../shared/webauthn/test-support.ts';
import { PasskeyReplayGuard, verifyPasskeyAssertion, type VerifyPasskeyAssertionInput } from './index.ts';

const OTHER_HASHES = [`0x${'aa'.repeat(32)}`, `0x${'bb'.repeat(32)}`];

function input(vector: SpecVector, overrides: Partial<VerifyPasskeyAssertionInput> = {}): VerifyPasskeyAssertionInput {
  return {
    assertion: specAssertion(vector),
    expectedChallenges: [...OTHER_HASHES, `0x${vector.authentication.challenge}`],
    allowedOrigins: ['http://localhost:7420', SPEC_ORIGIN],
    rpId: SPEC_RP_ID,
    storedCosePublicKey: toHex(specCosePublicKey(vector)),
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
    (e: unknown) => e as { code: string; message: string; status: number },
  );
  expect(error.code).toBe(code);
  expect(error.status).toBe(code === 'malformed_passkey_response' ? 400 : 401);
  return error.message;
}

/** The assertion with one field replaced (base64url fields edited as bytes). */
function tamper(
  vector: SpecVector,
  field: 'signature' | 'authenticatorData' | 'clientDataJSON',
  edit: (bytes: Uint8Array) => Uint8Array,
) {
  const assertion = specAssertion(vector);
  const bytes = edit(Uint8Array.from(base64urlToBytes(assertion.response[field])));
  return { ...assertion, response: { ...assertion.response, [field]: bytesToBase64url(bytes) } };
}

function clientDataWith(vector: SpecVector, change: Record<string, unknown>) {
  return tamper(vector, 'clientDataJSON', (bytes) => {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    return new TextEncoder().encode(JSON.stringify({ ...json, ...change }));
  });
}

describe('verifyPasskeyAssertion (WebAuthn spec test vectors)', () => {
  it.each([
    ['ES256', noneEs256],
    ['RS256', packedRs256],
    ['EdDSA', packedEdDsa],
  ])('accepts a %s assertion over a recent block hash', async (_alg, vector) => {
    const result = await verifyPasskeyAssertion(input(vector));
    const rawId = specAssertion(vector).rawId;
    expect(result).toEqual({
      authMethodType: 3,
      authMethodId: webAuthnAuthMethodId(rawId),
      credentialId: rawId,
      newCounter: 0,
      challenge: `0x${vector.authentication.challenge}`,
      origin: SPEC_ORIGIN,
      userVerified: false,
      userHandle: undefined,
    });
  });

  it('accepts the assertion as a Lit accessToken (its JSON text) and the key as bytes', async () => {
    const result = await verifyPasskeyAssertion(
      input(noneEs256, {
        assertion: JSON.stringify(specAssertion(noneEs256)),
        storedCosePublicKey: specCosePublicKey(noneEs256),
        expectedChallenges: [`0x${noneEs256.authentication.challenge.toUpperCase()}`],
      }),
    );
    expect(result.credentialId).toBe(specAssertion(noneEs256).rawId);
  });

  it('refuses a challenge that is not among the recent block hashes', async () => {
    const message = await refusedWith(
      verifyPasskeyAssertion(input(noneEs256, { expectedChallenges: OTHER_HASHES })),
      'stale_challenge',
    );
    expect(message).toMatch(/not a recent block hash of the sandbox chain/);
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { expectedChallenges: [] })), 'stale_challenge');
  });

  it('refuses an origin that is not allowed', async () => {
    const message = await refusedWith(
      verifyPasskeyAssertion(input(noneEs256, { allowedOrigins: ['http://localhost:7420'] })),
      'wrong_origin',
    );
    expect(message).toContain('"https://example.org"');
  });

  it('refuses a wrong RP ID', async () => {
    expect(await refusedWith(verifyPasskeyAssertion(input(noneEs256, { rpId: 'localhost' })), 'wrong_rp_id')).toMatch(
      /sha256\("localhost"\)/,
    );
  });

  it('refuses an assertion made in a cross-origin frame', async () => {
    await refusedWith(verifyPasskeyAssertion(input(noneEs256CrossOrigin)), 'cross_origin');
  });

  it('refuses a registration presented as a login', async () => {
    await refusedWith(
      verifyPasskeyAssertion(input(noneEs256, { assertion: clientDataWith(noneEs256, { type: 'webauthn.create' }) })),
      'wrong_ceremony_type',
    );
  });

  it('requires user verification by default', async () => {
    expect(
      await refusedWith(
        verifyPasskeyAssertion(input(noneEs256, { requireUserVerification: undefined })),
        'user_not_verified',
      ),
    ).toMatch(/PIN or biometrics/);
  });

  it('refuses an authenticator that did not report user presence', async () => {
    const noUp = tamper(noneEs256, 'authenticatorData', (b) => {
      b[32] = (b[32] ?? 0) & ~0x01;
      return b;
    });
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { assertion: noUp })), 'user_not_present');
  });

  it('refuses a tampered signature', async () => {
    for (const vector of [noneEs256, packedRs256, packedEdDsa]) {
      // Flip a bit inside the signature value (the last byte is part of s / the RSA or Ed25519 signature).
      const assertion = tamper(vector, 'signature', (b) => {
        b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 0x01;
        return b;
      });
      await refusedWith(verifyPasskeyAssertion(input(vector, { assertion })), 'bad_signature');
    }
    // A signature that is not even DER.
    const garbage = tamper(noneEs256, 'signature', () => Uint8Array.of(1, 2, 3));
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { assertion: garbage })), 'bad_signature');
  });

  it('refuses signed data that was changed: a fresher challenge swapped in, a raised counter', async () => {
    const fresh = `0x${'cc'.repeat(32)}`;
    const swapped = clientDataWith(noneEs256, { challenge: bytesToBase64url(Buffer.from(fresh.slice(2), 'hex')) });
    await refusedWith(
      verifyPasskeyAssertion(input(noneEs256, { assertion: swapped, expectedChallenges: [fresh] })),
      'bad_signature',
    );
    const raised = tamper(noneEs256, 'authenticatorData', (b) => {
      b[36] = 9;
      return b;
    });
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { assertion: raised })), 'bad_signature');
  });

  it('refuses the assertion under another credential key', async () => {
    await refusedWith(
      verifyPasskeyAssertion(input(noneEs256, { storedCosePublicKey: specCosePublicKey(noneEs256CrossOrigin) })),
      'bad_signature',
    );
  });

  it('looks the key up by the auth method id of the assertion, and refuses an unknown passkey', async () => {
    const asked: string[] = [];
    const chain = new Map([
      [webAuthnAuthMethodId(specAssertion(noneEs256).rawId), toHex(specCosePublicKey(noneEs256))],
    ]);
    const lookup = (id: string) => {
      asked.push(id);
      return Promise.resolve(chain.get(id) ?? '0x');
    };
    const result = await verifyPasskeyAssertion(input(noneEs256, { storedCosePublicKey: lookup }));
    expect(asked).toEqual([result.authMethodId]);
    expect(
      await refusedWith(verifyPasskeyAssertion(input(packedEdDsa, { storedCosePublicKey: lookup })), 'unknown_passkey'),
    ).toContain(specAssertion(packedEdDsa).rawId);
  });

  it('refuses a missing or unusable stored key', async () => {
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { storedCosePublicKey: '0x' })), 'unsupported_key');
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { storedCosePublicKey: '0xa0' })), 'unsupported_key');
  });

  it('refuses a counter that does not grow, and accepts counter 0 from an authenticator that keeps none', async () => {
    // The vector's counter is 0: after a login at counter 5, a 0 is a replay or a clone.
    expect(
      await refusedWith(verifyPasskeyAssertion(input(noneEs256, { previousCounter: 5 })), 'replayed_assertion'),
    ).toMatch(/counter 0 is not above the last one seen \(5\)/);
    expect((await verifyPasskeyAssertion(input(noneEs256, { previousCounter: 0 }))).newCounter).toBe(0);
    await expect(verifyPasskeyAssertion(input(noneEs256, { previousCounter: -1 }))).rejects.toThrow(TypeError);
  });

  it('refuses the same assertion twice with a replay guard (counter-0 authenticators)', async () => {
    const replayGuard = new PasskeyReplayGuard();
    await verifyPasskeyAssertion(input(noneEs256, { replayGuard }));
    await refusedWith(verifyPasskeyAssertion(input(noneEs256, { replayGuard })), 'replayed_assertion');
    // Another credential's assertion is unaffected; a refused assertion is not remembered.
    await verifyPasskeyAssertion(input(packedEdDsa, { replayGuard }));
    await refusedWith(verifyPasskeyAssertion(input(packedRs256, { replayGuard, rpId: 'x' })), 'wrong_rp_id');
    expect(replayGuard.size).toBe(2);
  });

  it('refuses malformed payloads with 400', async () => {
    await refusedWith(
      verifyPasskeyAssertion(input(noneEs256, { assertion: { id: 'x' } })),
      'malformed_passkey_response',
    );
    await refusedWith(
      verifyPasskeyAssertion(
        input(noneEs256, { assertion: tamper(noneEs256, 'authenticatorData', (b) => b.slice(0, 20)) }),
      ),
      'malformed_passkey_response',
    );
  });

  it('throws TypeError on misconfiguration', async () => {
    await expect(verifyPasskeyAssertion(input(noneEs256, { expectedChallenges: ['0x1234'] }))).rejects.toThrow(
      TypeError,
    );
    await expect(verifyPasskeyAssertion(input(noneEs256, { allowedOrigins: [] }))).rejects.toThrow(
      /no allowed origins/,
    );
    await expect(
      verifyPasskeyAssertion(input(noneEs256, { allowedOrigins: ['http://localhost:7420/'] })),
    ).rejects.toThrow(/must be written as an origin: "http:\/\/localhost:7420"/);
  });
});
