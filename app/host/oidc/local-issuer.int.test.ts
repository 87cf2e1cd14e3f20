import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyGoogleJwt } from '../../nodes/auth/google-jwt/verify-google-jwt.ts';
import { CookieJar, findAccountButton, signInHeadless } from './headless-login.ts';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.ts';
import {
  buildAuthorizationRequest,
  discoverIssuer,
  exchangeCode,
  loopbackLogin,
  OidcLoginError,
  startLoopbackReceiver,
} from './loopback-login.ts';
import { SIGNING_KEY_FILE } from './signing-key.ts';

const CLIENT = 'litbox-desktop';
const clients = [{ clientId: CLIENT, name: 'Litbox', redirectUris: ['http://127.0.0.1/callback'] }];

let keyDir: string;
let issuer: LocalIssuer;

beforeAll(async () => {
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-oidc-'));
  issuer = await startLocalIssuer({ keyDir, clients });
});

afterAll(async () => {
  await issuer?.close();
  fs.rmSync(keyDir, { recursive: true, force: true });
});

describe('local OpenID Connect issuer', () => {
  it('signs alice in through the login page, a loopback redirect and PKCE, with email in the ID token', async () => {
    const endpoints = await discoverIssuer(issuer.issuer);
    expect(endpoints.jwksUri).toBe(issuer.jwksUri);
    const receiver = await startLoopbackReceiver();
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: receiver.redirectUri,
    });
    issuer.expectAuthorization(request);
    const response = receiver.waitForCode(request.state);

    const browser = await signInHeadless(request.url, 'alice@example.com');
    expect(browser.status).toBe(200);
    expect(browser.finalUrl.startsWith(`${receiver.redirectUri}?`)).toBe(true);
    expect(browser.body).toContain('Signed in');
    const { code, iss } = await response;
    expect(iss).toBe(issuer.issuer);

    const result = await exchangeCode({ issuer: issuer.issuer, tokenEndpoint: endpoints.tokenEndpoint, request, code });
    const { claims } = result;
    expect(claims.iss).toBe(issuer.issuer);
    expect(claims.aud).toBe(CLIENT);
    expect(claims.sub).toBe('100000000000000000001');
    expect(claims.email).toBe('alice@example.com');
    expect(claims.email_verified).toBe(true);
    expect(claims.name).toBe('Alice Example');
    expect(claims.nonce).toBe(request.nonce);
    const now = Math.floor(Date.now() / 1000);
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.exp!).toBeGreaterThan(now);
    const header = decodeProtectedHeader(result.idToken);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toBe(issuer.jwks.keys[0]!.kid);

    // What a node does with it.
    const verified = await verifyGoogleJwt(result.idToken, {
      trustedIssuers: [{ issuer: issuer.issuer }],
      audiences: [CLIENT],
    });
    expect(verified).toMatchObject({ sub: '100000000000000000001', aud: CLIENT, email: 'alice@example.com' });
  });

  it('does the whole sign-in in one call, for any listed identity', async () => {
    const bob = await loopbackLogin({
      timeoutMs: 10_000,
      issuer: issuer.issuer,
      clientId: CLIENT,
      announce: issuer.expectAuthorization,
      openUrl: async (url) => void (await signInHeadless(url, 'bob@example.com')),
    });
    expect(bob.claims).toMatchObject({ sub: '100000000000000000002', email: 'bob@example.com', email_verified: true });

    const carol = await loopbackLogin({
      timeoutMs: 10_000,
      issuer: issuer.issuer,
      clientId: CLIENT,
      announce: issuer.expectAuthorization,
      openUrl: async (url) => void (await signInHeadless(url, 'carol@example.com')),
    });
    expect(carol.claims).toMatchObject({ email: 'carol@example.com', email_verified: false });
  });

  it('asks which account on every sign-in, even with a session in the browser', async () => {
    const jar = new CookieJar();
    const as = (email: string) =>
      loopbackLogin({
        timeoutMs: 10_000,
        issuer: issuer.issuer,
        clientId: CLIENT,
        announce: issuer.expectAuthorization,
        openUrl: async (url) => void (await signInHeadless(url, email, { jar })),
      });
    expect((await as('alice@example.com')).claims.email).toBe('alice@example.com');
    expect((await as('bob@example.com')).claims.email).toBe('bob@example.com');
  });

  it('can remember the session instead', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-oidc-session-'));
    const remembering = await startLocalIssuer({ keyDir: dir, clients, alwaysChooseAccount: false });
    try {
      const jar = new CookieJar();
      const as = (email: string) =>
        loopbackLogin({
          timeoutMs: 10_000,
          issuer: remembering.issuer,
          clientId: CLIENT,
          announce: remembering.expectAuthorization,
          openUrl: async (url) => void (await signInHeadless(url, email, { jar })),
        });
      expect((await as('alice@example.com')).claims.email).toBe('alice@example.com');
      // No page this time: the session answers, still alice.
      expect((await as('bob@example.com')).claims.email).toBe('alice@example.com');
      // prompt=login shows the page again, and another account can be chosen.
      const bob = await loopbackLogin({
        timeoutMs: 10_000,
        issuer: remembering.issuer,
        clientId: CLIENT,
        announce: remembering.expectAuthorization,
        prompt: 'login',
        openUrl: async (url) => void (await signInHeadless(url, 'bob@example.com', { jar })),
      });
      expect(bob.claims.email).toBe('bob@example.com');
    } finally {
      await remembering.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a cancelled sign-in as access_denied', async () => {
    const err = await loopbackLogin({
      timeoutMs: 10_000,
      issuer: issuer.issuer,
      clientId: CLIENT,
      announce: issuer.expectAuthorization,
      openUrl: async (url) => void (await signInHeadless(url, undefined)),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OidcLoginError);
    expect((err as OidcLoginError).reason).toBe('access_denied');
  });

  it('refuses a code exchange with the wrong PKCE verifier, and a code used twice', async () => {
    const endpoints = await discoverIssuer(issuer.issuer);
    const receiver = await startLoopbackReceiver();
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: receiver.redirectUri,
    });
    issuer.expectAuthorization(request);
    const response = receiver.waitForCode(request.state);
    await signInHeadless(request.url, 'alice@example.com');
    const { code } = await response;

    const wrong = await exchangeCode({
      issuer: issuer.issuer,
      tokenEndpoint: endpoints.tokenEndpoint,
      request: { ...request, codeVerifier: 'A'.repeat(43) },
      code,
    }).catch((e: unknown) => e);
    expect((wrong as OidcLoginError).reason).toBe('token_exchange_failed');
    expect((wrong as OidcLoginError).message).toMatch(/invalid_grant/);

    // The right verifier still works, once.
    const exchange = () =>
      exchangeCode({ issuer: issuer.issuer, tokenEndpoint: endpoints.tokenEndpoint, request, code });
    await expect(exchange()).resolves.toMatchObject({ claims: { email: 'alice@example.com' } });
    const again = await exchange().catch((e: unknown) => e);
    expect((again as OidcLoginError).reason).toBe('token_exchange_failed');
    expect((again as OidcLoginError).message).toMatch(/invalid_grant/);
  });

  it('refuses an authorization request without PKCE, even for an announced sign-in', async () => {
    const endpoints = await discoverIssuer(issuer.issuer);
    const receiver = await startLoopbackReceiver({ timeoutMs: 3_000 });
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: receiver.redirectUri,
    });
    const withdraw = issuer.expectAuthorization(request);
    const url = new URL(request.url);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const response = receiver.waitForCode(request.state).catch((e: unknown) => e);
    const browser = await signInHeadless(url.href, 'alice@example.com');
    expect(browser.status).toBe(403);
    expect(browser.body).toContain('not started by Litbox');
    expect(((await response) as OidcLoginError).reason).toBe('timeout');
    withdraw();
  });

  it('sends nobody to a redirect_uri it does not know', async () => {
    const endpoints = await discoverIssuer(issuer.issuer);
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: 'http://127.0.0.1:45678/elsewhere',
    });
    // Even announced (the host never announces such a thing), the provider refuses it.
    issuer.expectAuthorization(request);
    const browser = await signInHeadless(request.url, 'alice@example.com');
    expect(browser.finalUrl.startsWith(issuer.issuer)).toBe(true);
    expect(browser.status).toBe(400);
    expect(browser.body).toContain('redirect_uri');
  });

  it('serves a login page without scripts and refuses a form posted from another site', async () => {
    const endpoints = await discoverIssuer(issuer.issuer);
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: 'http://127.0.0.1:1/callback',
    });
    issuer.expectAuthorization(request);
    const first = await fetch(request.url, { redirect: 'manual' });
    const cookies = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(first.headers.get('location')!, issuer.issuer), {
      headers: { Cookie: cookies },
    });
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('Litbox');
    const alice = findAccountButton(html, 'alice@example.com');
    expect(alice).toBeDefined();

    const forged = await fetch(new URL(alice!.action, issuer.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookies, Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sub: alice!.sub }),
    });
    expect(forged.status).toBe(403);

    const unknown = await fetch(new URL(alice!.action, issuer.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookies, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sub: 'nobody' }),
    });
    expect(unknown.status).toBe(400);

    const noCookie = await fetch(page.url, {});
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('expired');
  });

  it('answers only requests addressed to its own host', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(issuer.discoveryUri, { headers: { Host: `evil.example:${issuer.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('keeps its signing key across restarts, so earlier tokens still verify', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-oidc-restart-'));
    try {
      const first = await startLocalIssuer({ keyDir: dir, clients, issuerPath: '/oidc' });
      expect(first.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oidc$/);
      const { port } = first;
      const signedIn = await loopbackLogin({
        timeoutMs: 10_000,
        issuer: first.issuer,
        clientId: CLIENT,
        announce: first.expectAuthorization,
        openUrl: async (url) => void (await signInHeadless(url, 'alice@example.com')),
      });
      await first.close();
      expect(fs.statSync(path.join(dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);

      const second = await startLocalIssuer({ keyDir: dir, clients, issuerPath: '/oidc', port });
      try {
        expect(second.issuer).toBe(first.issuer);
        expect(second.jwks).toEqual(first.jwks);
        const verified = await verifyGoogleJwt(signedIn.idToken, {
          trustedIssuers: [{ issuer: second.issuer }],
          audiences: [CLIENT],
        });
        expect(verified.email).toBe('alice@example.com');
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("only the host's own sign-in is honoured", () => {
  /** What another program on the machine does: its own listener, its own request, the real page. */
  async function outsiderAsksForAlice(tamper?: (url: URL) => void) {
    const endpoints = await discoverIssuer(issuer.issuer);
    const receiver = await startLoopbackReceiver({ timeoutMs: 2_000 });
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: receiver.redirectUri,
    });
    const url = new URL(request.url);
    tamper?.(url);
    const code = receiver.waitForCode(request.state).catch((e: unknown) => e);
    const browser = await signInHeadless(url.href, 'alice@example.com');
    return { browser, code: await code, receiver };
  }

  it("refuses another program that asks for alice's code with its own request", async () => {
    const { browser, code } = await outsiderAsksForAlice();
    expect(browser.status).toBe(403);
    expect(browser.body).toContain('not started by Litbox');
    expect(browser.finalUrl.startsWith(issuer.issuer)).toBe(true);
    // Nothing came to its listener: no code, so no token.
    expect((code as OidcLoginError).reason).toBe('timeout');
  });

  it("refuses the host's genuine request sent to a foreign redirect port, and after the host's sign-in ended", async () => {
    // The host's sign-in, announced and in progress.
    const endpoints = await discoverIssuer(issuer.issuer);
    const hostReceiver = await startLoopbackReceiver({ timeoutMs: 10_000 });
    const genuine = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: hostReceiver.redirectUri,
    });
    const withdraw = issuer.expectAuthorization(genuine);
    try {
      // An outsider copies its challenge but points the redirect at its own port.
      const { browser, code } = await outsiderAsksForAlice((url) =>
        url.searchParams.set('code_challenge', genuine.codeChallenge),
      );
      expect(browser.status).toBe(403);
      expect((code as OidcLoginError).reason).toBe('timeout');
      // ...or at another port with the host's own path, on localhost instead of 127.0.0.1, etc.
      for (const redirect of [
        hostReceiver.redirectUri.replace(/:\d+\//, ':1/'),
        hostReceiver.redirectUri.replace('127.0.0.1', 'localhost'),
        `${hostReceiver.redirectUri}/x`,
      ]) {
        const url = new URL(genuine.url);
        url.searchParams.set('redirect_uri', redirect);
        const answer = await fetch(url, { redirect: 'manual' });
        expect(answer.status, redirect).toBe(403);
      }
    } finally {
      withdraw();
      await hostReceiver.close();
    }
    // The host's own URL, once its sign-in has ended, is refused too.
    const replay = await fetch(genuine.url, { redirect: 'manual' });
    expect(replay.status).toBe(403);
  });

  it('guards every spelling of the authorization endpoint, and takes no pushed or posted requests', async () => {
    const endpoints = await discoverIssuer(issuer.issuer);
    const receiver = await startLoopbackReceiver({ timeoutMs: 2_000 });
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: CLIENT,
      redirectUri: receiver.redirectUri,
    });
    const query = new URL(request.url).search;
    for (const p of ['/auth', '/AUTH', '/auth/', '/%61uth', '//auth', '/Auth//']) {
      const answer = await fetch(`${issuer.issuer}${p}${query}`, { redirect: 'manual' });
      expect([403, 404], `${p}: ${answer.status}`).toContain(answer.status);
      expect(answer.headers.get('location'), p).toBeNull();
    }
    const posted = await fetch(`${issuer.issuer}/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URL(request.url).searchParams,
      redirect: 'manual',
    });
    expect(posted.status).toBe(405);
    const pushed = await fetch(`${issuer.issuer}/request`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URL(request.url).searchParams,
    });
    expect(pushed.status).toBe(404);
    await receiver.close();
  });

  it('still signs in the flow the host announced', async () => {
    const result = await loopbackLogin({
      timeoutMs: 10_000,
      issuer: issuer.issuer,
      clientId: CLIENT,
      announce: issuer.expectAuthorization,
      openUrl: async (url) => void (await signInHeadless(url, 'alice@example.com')),
    });
    expect(result.claims.email).toBe('alice@example.com');
  });
});

describe('loopback receiver', () => {
  it('ignores redirects with another state and takes the one with the right state', async () => {
    const receiver = await startLoopbackReceiver();
    const response = receiver.waitForCode('the-state');
    const stray = await fetch(`${receiver.redirectUri}?code=evil&state=other`);
    expect(stray.status).toBe(400);
    const noState = await fetch(`${receiver.redirectUri}?code=evil`);
    expect(noState.status).toBe(400);
    const good = await fetch(`${receiver.redirectUri}?code=good&state=the-state`);
    expect(good.status).toBe(200);
    await expect(response).resolves.toEqual({ code: 'good' });
  });

  it('a cancelled sign-in closes its listener at once', async () => {
    const controller = new AbortController();
    let redirectUri = '';
    const login = loopbackLogin({
      timeoutMs: 60_000,
      issuer: issuer.issuer,
      clientId: CLIENT,
      announce: issuer.expectAuthorization,
      signal: controller.signal,
      openUrl: (url) => void (redirectUri = new URL(url).searchParams.get('redirect_uri')!),
    }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    controller.abort();
    const err = await login;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((err as OidcLoginError).reason).toBe('cancelled');
    await expect(fetch(redirectUri)).rejects.toThrow(/fetch failed/);
  });

  it('gives up after its timeout, and on close', async () => {
    const slow = await startLoopbackReceiver({ timeoutMs: 100 });
    const err = await slow.waitForCode('s').catch((e: unknown) => e);
    expect((err as OidcLoginError).reason).toBe('timeout');

    const closed = await startLoopbackReceiver();
    const pending = closed.waitForCode('s').catch((e: unknown) => e);
    await closed.close();
    expect(((await pending) as OidcLoginError).reason).toBe('cancelled');
  });
});

describe('the OpenID provider loads on first use', () => {
  it('answers requests that arrive together before it has loaded, each the same, with one provider', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-oidc-lazy-'));
    const fresh = await startLocalIssuer({ keyDir: dir, clients });
    try {
      const [discovery, ...jwks] = await Promise.all([
        fetch(`${fresh.issuer}/.well-known/openid-configuration`),
        ...Array.from({ length: 4 }, () => fetch(fresh.jwksUri)),
      ]);
      expect(discovery!.status).toBe(200);
      expect(((await discovery!.json()) as { jwks_uri: string }).jwks_uri).toBe(fresh.jwksUri);
      const keys = await Promise.all(jwks.map(async (r) => ({ status: r.status, body: await r.text() })));
      // The same key set every time, the one the issuer reports.
      expect(keys.map((k) => k.status)).toEqual([200, 200, 200, 200]);
      expect(new Set(keys.map((k) => k.body)).size).toBe(1);
      const served = JSON.parse(keys[0]!.body) as { keys: Array<{ kid: string }> };
      expect(served.keys.map((k) => k.kid)).toEqual(fresh.jwks.keys.map((k) => k.kid));
      await fresh.warmUp(); // already loaded: nothing more happens
    } finally {
      await fresh.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await fresh.warmUp(); // after close: loads nothing, throws nothing
  });
});
