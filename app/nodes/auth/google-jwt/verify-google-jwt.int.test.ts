import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleJwtAuthMethodId } from './auth-method-id.ts';
import { GoogleJwtError, GoogleJwtVerifier, type GoogleJwtFailure } from './verify-google-jwt.ts';

/** A stand-in issuer that serves only discovery and keys, and counts who asks. */
interface KeyServer {
  issuer: string;
  jwksUri: string;
  hits: { discovery: number; jwks: number };
  jwks: JSONWebKeySet;
  failDiscovery: boolean;
  describeIssuer?: string;
  close(): Promise<void>;
}

async function startKeyServer(jwks: JSONWebKeySet): Promise<KeyServer> {
  const state: KeyServer = {
    issuer: '',
    jwksUri: '',
    hits: { discovery: 0, jwks: 0 },
    jwks,
    failDiscovery: false,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      state.hits.discovery++;
      if (state.failDiscovery) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ issuer: state.describeIssuer ?? state.issuer, jwks_uri: state.jwksUri }));
    } else if (req.url === '/keys') {
      state.hits.jwks++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(state.jwks));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.issuer = `http://127.0.0.1:${port}`;
  state.jwksUri = `http://127.0.0.1:${port}/keys`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

const CLIENT = 'litbox-desktop';
const SUB = '100000000000000000002';
const nowSec = () => Math.floor(Date.now() / 1000);

let key: CryptoKey;
let strangerKey: CryptoKey;
let jwks: JSONWebKeySet;
let server: KeyServer;

function sign(claims: JWTPayload, { signWith = key, kid = 'k1' } = {}): Promise<string> {
  return new SignJWT({ aud: CLIENT, sub: SUB, iat: nowSec(), exp: nowSec() + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(signWith);
}

async function reasonOf(promise: Promise<unknown>): Promise<GoogleJwtFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GoogleJwtError);
  return (err as GoogleJwtError).reason;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  server = await startKeyServer(jwks);
});

afterAll(async () => {
  await server.close();
});

describe('GoogleJwtVerifier against a live issuer', () => {
  it("finds the keys through the issuer's discovery document and fetches them once", async () => {
    server.hits = { discovery: 0, jwks: 0 };
    const verifier = new GoogleJwtVerifier({ trustedIssuers: [{ issuer: server.issuer }], audiences: [CLIENT] });
    for (let i = 0; i < 5; i++) {
      const verified = await verifier.verify(await sign({ iss: server.issuer }));
      expect(verified.authMethodId).toBe(googleJwtAuthMethodId(SUB, CLIENT));
    }
    expect(server.hits).toEqual({ discovery: 1, jwks: 1 });
  });

  it('uses a given jwksUri without discovery', async () => {
    server.hits = { discovery: 0, jwks: 0 };
    const verifier = new GoogleJwtVerifier({
      trustedIssuers: [{ issuer: server.issuer, jwksUri: server.jwksUri }],
      audiences: [CLIENT],
    });
    await verifier.verify(await sign({ iss: server.issuer }));
    expect(server.hits).toEqual({ discovery: 0, jwks: 1 });
  });

  it('refuses an unknown kid and a stranger key under a known kid', async () => {
    const verifier = new GoogleJwtVerifier({ trustedIssuers: [{ issuer: server.issuer }], audiences: [CLIENT] });
    expect(await reasonOf(verifier.verify(await sign({ iss: server.issuer }, { kid: 'k9' })))).toBe('unknown_key');
    expect(await reasonOf(verifier.verify(await sign({ iss: server.issuer }, { signWith: strangerKey })))).toBe(
      'bad_signature',
    );
  });

  it('refuses wrong audiences and expired tokens from a live issuer too', async () => {
    const verifier = new GoogleJwtVerifier({ trustedIssuers: [{ issuer: server.issuer }], audiences: [CLIENT] });
    expect(await reasonOf(verifier.verify(await sign({ iss: server.issuer, aud: 'other' })))).toBe('wrong_audience');
    expect(
      await reasonOf(verifier.verify(await sign({ iss: server.issuer, iat: nowSec() - 900, exp: nowSec() - 300 }))),
    ).toBe('expired');
  });

  it('says the keys are unavailable when the issuer is down, and asks again next time', async () => {
    server.failDiscovery = true;
    const verifier = new GoogleJwtVerifier({ trustedIssuers: [{ issuer: server.issuer }], audiences: [CLIENT] });
    const token = await sign({ iss: server.issuer });
    expect(await reasonOf(verifier.verify(token))).toBe('jwks_unavailable');
    server.failDiscovery = false;
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: SUB });

    const down = new GoogleJwtVerifier({
      trustedIssuers: [{ issuer: 'http://127.0.0.1:9', jwksUri: 'http://127.0.0.1:9/keys' }],
      audiences: [CLIENT],
    });
    expect(await reasonOf(down.verify(await sign({ iss: 'http://127.0.0.1:9' })))).toBe('jwks_unavailable');
  });

  it('does not take keys from a discovery document that speaks for another issuer', async () => {
    server.describeIssuer = 'https://accounts.google.com';
    try {
      const verifier = new GoogleJwtVerifier({ trustedIssuers: [{ issuer: server.issuer }], audiences: [CLIENT] });
      const err = await verifier.verify(await sign({ iss: server.issuer })).catch((e: unknown) => e as GoogleJwtError);
      expect(err).toBeInstanceOf(GoogleJwtError);
      expect((err as GoogleJwtError).reason).toBe('jwks_unavailable');
      expect((err as GoogleJwtError).message).toMatch(/describes issuer https:\/\/accounts.google.com/);
    } finally {
      delete server.describeIssuer;
    }
  });
});
