import { keccak_256 } from '@noble/hashes/sha3.js';
import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { googleJwtAuthMethodId } from './auth-method-id.ts';
import { GOOGLE_ISSUERS } from './key-sets.ts';
import { GoogleJwtError, GoogleJwtVerifier, verifyGoogleJwt, type GoogleJwtFailure } from './verify-google-jwt.ts';

const ISSUER = 'http://127.0.0.1:9/local-issuer';
const OTHER_ISSUER = 'https://issuer.example.org';
const CLIENT = 'litbox-desktop';
const SUB = '100000000000000000001';
const KID = 'key-1';

let signingKey: CryptoKey;
let publicPem: string;
let jwks: JSONWebKeySet;
let otherKey: CryptoKey;
let otherJwks: JSONWebKeySet;
let verifier: GoogleJwtVerifier;

const nowSec = () => Math.floor(Date.now() / 1000);

function sign(
  claims: JWTPayload = {},
  { key = signingKey, kid = KID }: { key?: CryptoKey; kid?: string | null } = {},
): Promise<string> {
  const payload = {
    iss: ISSUER,
    aud: CLIENT,
    sub: SUB,
    email: 'alice@example.com',
    email_verified: true,
    iat: nowSec(),
    exp: nowSec() + 600,
    nonce: 'n-1',
    ...claims,
  };
  const header = kid === null ? { alg: 'RS256' } : { alg: 'RS256', kid };
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

async function refusal(token: string, v: GoogleJwtVerifier = verifier, now?: Date): Promise<GoogleJwtError> {
  const err = await v.verify(token, now ? { now } : {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GoogleJwtError);
  return err as GoogleJwtError;
}

async function expectRefused(token: string, reason: GoogleJwtFailure, message?: RegExp): Promise<void> {
  const err = await refusal(token);
  expect(err.reason).toBe(reason);
  if (message) expect(err.message).toMatch(message);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] };
  const other = await generateKeyPair('RS256', { extractable: true });
  otherKey = other.privateKey;
  otherJwks = { keys: [{ ...(await exportJWK(other.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] };
  verifier = new GoogleJwtVerifier({
    trustedIssuers: [
      { issuer: ISSUER, jwks },
      { issuer: OTHER_ISSUER, jwks: otherJwks },
    ],
    audiences: [CLIENT, 'another-client'],
  });
});

describe('GoogleJwtVerifier', () => {
  it('accepts a valid token and derives the auth method id from sub and aud', async () => {
    const token = await sign();
    const verified = await verifier.verify(token);
    expect(verified).toMatchObject({
      authMethodType: 6,
      sub: SUB,
      aud: CLIENT,
      iss: ISSUER,
      userId: SUB,
      appId: CLIENT,
      email: 'alice@example.com',
      emailVerified: true,
    });
    expect(verified.exp).toBeGreaterThan(nowSec());
    const expectedId = `0x${Buffer.from(keccak_256(new TextEncoder().encode(`${SUB}:${CLIENT}`))).toString('hex')}`;
    expect(verified.authMethodId).toBe(expectedId);
    expect(verified.authMethodId).toBe('0x15fed66e79d61aba4cf83b11caa241f4855cba8ccbe09c0d177a707b8665a15b');
  });

  it('gives each audience its own auth method id for the same person', async () => {
    const a = await verifier.verify(await sign({ aud: CLIENT }));
    const b = await verifier.verify(await sign({ aud: 'another-client' }));
    expect(a.authMethodId).not.toBe(b.authMethodId);
    expect(b.authMethodId).toBe(googleJwtAuthMethodId(SUB, 'another-client'));
  });

  it('takes the configured audience out of an aud list', async () => {
    const verified = await verifier.verify(await sign({ aud: ['someone-else', CLIENT] }));
    expect(verified.aud).toBe(CLIENT);
    await expectRefused(await sign({ aud: [CLIENT, 'another-client'] }), 'wrong_audience', /exactly one/);
  });

  it('uses the key set of the issuer the token names', async () => {
    const verified = await verifier.verify(await sign({ iss: OTHER_ISSUER }, { key: otherKey }));
    expect(verified.iss).toBe(OTHER_ISSUER);
    // Signed with the other issuer's key but claiming this one: that key is not this issuer's.
    await expectRefused(await sign({ iss: ISSUER }, { key: otherKey }), 'bad_signature');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = new UnsecuredJWT({ iss: ISSUER, aud: CLIENT, sub: SUB, iat: nowSec(), exp: nowSec() + 600 }).encode();
    await expectRefused(token, 'alg_not_allowed', /signed with none; only RS256/);
  });

  it('refuses HS256 signed with the RSA public key as the HMAC secret', async () => {
    const payload = { iss: ISSUER, aud: CLIENT, sub: SUB, iat: nowSec(), exp: nowSec() + 600 };
    for (const secret of [publicPem, JSON.stringify(jwks.keys[0])]) {
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: KID })
        .sign(new TextEncoder().encode(secret));
      await expectRefused(token, 'alg_not_allowed', /HS256/);
    }
  });

  it('refuses other asymmetric algorithms too', async () => {
    const ps = await generateKeyPair('PS256');
    const token = await new SignJWT({ iss: ISSUER, aud: CLIENT, sub: SUB, iat: nowSec(), exp: nowSec() + 600 })
      .setProtectedHeader({ alg: 'PS256', kid: KID })
      .sign(ps.privateKey);
    await expectRefused(token, 'alg_not_allowed');
  });

  it('refuses a token whose kid the issuer does not have', async () => {
    await expectRefused(await sign({}, { kid: 'key-2' }), 'unknown_key', /no RS256 key with kid "key-2"/);
  });

  it('refuses a token signed by a different key under the same kid', async () => {
    await expectRefused(await sign({}, { key: otherKey }), 'bad_signature');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await sign()).split('.');
    const forged = base64url.encode(
      JSON.stringify({ iss: ISSUER, aud: CLIENT, sub: 'someone-else', iat: nowSec(), exp: nowSec() + 600 }),
    );
    await expectRefused(`${header}.${forged}.${signature}`, 'bad_signature');
  });

  it('refuses a token from an issuer it does not trust, whatever the key', async () => {
    await expectRefused(
      await sign({ iss: 'https://evil.example.com' }),
      'wrong_issuer',
      /"https:\/\/evil.example.com", which is not a trusted issuer/,
    );
    await expectRefused(await sign({ iss: undefined }), 'wrong_issuer');
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(await sign({ aud: 'someone-elses-client' }), 'wrong_audience', /someone-elses-client/);
  });

  it('refuses an expired token, with the clock tolerance', async () => {
    await expectRefused(await sign({ iat: nowSec() - 700, exp: nowSec() - 60 }), 'expired', /expired/);
    // Within the default 30 s tolerance it still counts.
    await expect(verifier.verify(await sign({ iat: nowSec() - 610, exp: nowSec() - 10 }))).resolves.toBeTruthy();
  });

  it('judges time by the now option', async () => {
    const token = await sign();
    const later = new Date((nowSec() + 3600) * 1000);
    const err = await refusal(token, verifier, later);
    expect(err.reason).toBe('expired');
  });

  it('refuses tokens issued in the future or too long ago', async () => {
    await expectRefused(await sign({ iat: nowSec() + 300, exp: nowSec() + 900 }), 'not_yet_valid');
    await expectRefused(await sign({ nbf: nowSec() + 300 }), 'not_yet_valid');
    await expectRefused(await sign({ iat: nowSec() - 2 * 86400, exp: nowSec() + 600 }), 'expired', /too long ago/);
  });

  it('refuses tokens without sub, exp or iat', async () => {
    await expectRefused(await sign({ sub: undefined }), 'malformed', /sub/);
    await expectRefused(await sign({ exp: undefined }), 'malformed', /exp/);
    await expectRefused(await sign({ iat: undefined }), 'malformed', /iat/);
  });

  it('refuses what is not a JWT', async () => {
    for (const junk of ['', 'abc', 'a.b.c', 'x'.repeat(20_000), `${base64url.encode('{"alg":"RS256"}')}.e30`]) {
      await expectRefused(junk, 'malformed');
    }
  });

  it('refuses a token without kid when several keys could match', async () => {
    const two = new GoogleJwtVerifier({
      trustedIssuers: [{ issuer: ISSUER, jwks: { keys: [jwks.keys[0]!, { ...otherJwks.keys[0]!, kid: 'key-2' }] } }],
      audiences: [CLIENT],
    });
    const err = await refusal(await sign({}, { kid: null }), two);
    expect(err.reason).toBe('unknown_key');
  });

  it('refuses configurations that would fetch keys in the clear over the network', () => {
    expect(
      () => new GoogleJwtVerifier({ trustedIssuers: [{ issuer: 'http://issuer.example.com' }], audiences: [CLIENT] }),
    ).toThrow(/https/);
    expect(
      () =>
        new GoogleJwtVerifier({
          trustedIssuers: [{ issuer: ISSUER, jwksUri: 'http://keys.example.com/jwks' }],
          audiences: [CLIENT],
        }),
    ).toThrow(/https/);
    expect(() => new GoogleJwtVerifier({ trustedIssuers: [], audiences: [CLIENT] })).toThrow(/no trusted issuers/);
    expect(() => new GoogleJwtVerifier({ trustedIssuers: [...GOOGLE_ISSUERS], audiences: [] })).toThrow(/no audiences/);
  });

  it('accepts Google as a configured issuer the same way (both spellings of its iss)', () => {
    expect(
      () => new GoogleJwtVerifier({ trustedIssuers: [...GOOGLE_ISSUERS], audiences: ['x.apps.googleusercontent.com'] }),
    ).not.toThrow();
  });

  it('has a one-call form', async () => {
    const verified = await verifyGoogleJwt(await sign(), {
      trustedIssuers: [{ issuer: ISSUER, jwks }],
      audiences: [CLIENT],
    });
    expect(verified.sub).toBe(SUB);
    const err = await verifyGoogleJwt(await sign(), {
      trustedIssuers: [{ issuer: ISSUER, jwks }],
      audiences: [CLIENT],
      now: new Date(Date.now() + 3_600_000),
    }).catch((e: unknown) => e);
    expect((err as GoogleJwtError).reason).toBe('expired');
  });
});
