/**
 * Real WebAuthn end to end: Debian's Chromium with a CDP virtual authenticator runs the
 * renderer's passkey module (bundled by vite from app/renderer/src/passkeys) on a page served
 * from http://localhost:<port>; the host-side registration check and the node-side assertion
 * check then judge what the browser produced.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../../../e2e/browser.ts';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as RendererPasskeys from '../../../renderer/src/passkeys/index.ts';
import {
  base64urlToBytes,
  bytesToBase64url,
  LITBOX_RP_ID,
  toHex,
  toWebAuthnAuthMethod,
  type PasskeyErrorCode,
  type WebAuthnAssertion,
} from '../../../shared/webauthn/index.ts';
import { verifyPasskeyRegistration, type VerifiedPasskeyRegistration } from '../../../shared/webauthn/registration.ts';
import { PasskeyReplayGuard, verifyPasskeyAssertion, type VerifyPasskeyAssertionInput } from './index.ts';

const RENDERER_ENTRY = new URL('../../../renderer/src/passkeys/index.ts', import.meta.url).pathname;

type PasskeysWindow = Window & { passkeys: typeof RendererPasskeys; passkeysReady?: boolean };

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Litbox passkeys test</title></head>
<body><script type="module">
  import * as passkeys from '/passkeys.js';
  window.passkeys = passkeys;
  window.passkeysReady = true;
</script></body></html>`;

async function bundleRendererModule(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      minify: false,
      lib: { entry: RENDERER_ENTRY, formats: ['es'], fileName: 'passkeys' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((c) => c.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('vite produced no bundle for the passkey module');
  return chunk.code;
}

function serve(bundle: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/passkeys.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    } else if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

async function refusedWith(promise: Promise<unknown>, code: PasskeyErrorCode): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a refusal with ${code}`);
    },
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error.code, error.message).toBe(code);
  return error.message;
}

const randomHash = () => toHex(randomBytes(32));

describe('passkeys in Chromium with a virtual authenticator', () => {
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  const servers: http.Server[] = [];
  let appOrigin: string;
  let foreignOrigin: string;
  let ipOrigin: string;
  let registration: VerifiedPasskeyRegistration;
  /** The last counter the "node" accepted for the credential. */
  let lastCounter = 0;

  async function open(origin: string): Promise<void> {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as PasskeysWindow).passkeysReady === true);
  }

  /** navigator.credentials.get over `challenge` in the page, through the renderer module. */
  function login(challenge: string, allowCredentials?: string[]): Promise<WebAuthnAssertion> {
    return page.evaluate(
      ({ challenge, allowCredentials }) =>
        (window as unknown as PasskeysWindow).passkeys.authenticateWithPasskey({ challenge, allowCredentials }),
      { challenge, allowCredentials },
    );
  }

  function nodeCheck(assertion: unknown, overrides: Partial<VerifyPasskeyAssertionInput> = {}) {
    return verifyPasskeyAssertion({
      assertion,
      expectedChallenges: [],
      allowedOrigins: [appOrigin],
      rpId: LITBOX_RP_ID,
      // As read from chain: PKPPermissions.getUserPubkeyForAuthMethod returns 0x hex.
      storedCosePublicKey: registration.userPubkey,
      previousCounter: lastCounter,
      ...overrides,
    });
  }

  beforeAll(async () => {
    const bundle = await bundleRendererModule();
    const app = await serve(bundle);
    const foreign = await serve(bundle);
    servers.push(app.server, foreign.server);
    appOrigin = `http://localhost:${app.port}`;
    foreignOrigin = `http://localhost:${foreign.port}`;
    ipOrigin = `http://127.0.0.1:${app.port}`;

    browser = await launchChromium();
    page = await browser.newPage();
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
    await open(appOrigin);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('registers a passkey in the page and the host verifies it and extracts the COSE key', async () => {
    const challenge = randomHash();
    const created = await page.evaluate(
      async ({ challenge }) => {
        const r = await (window as unknown as PasskeysWindow).passkeys.registerPasskey({ username: 'ada', challenge });
        return {
          response: r.response,
          credentialId: r.credentialId,
          authMethodId: r.authMethodId,
          userPubkey: r.userPubkey,
        };
      },
      { challenge },
    );
    registration = await verifyPasskeyRegistration({
      response: created.response,
      expectedChallenges: [challenge],
      allowedOrigins: [appOrigin],
      rpId: LITBOX_RP_ID,
    });
    expect(registration).toMatchObject({
      authMethodType: 3,
      credentialId: created.credentialId,
      authMethodId: created.authMethodId,
      userPubkey: created.userPubkey,
      algorithm: 'ES256',
      fmt: 'none',
      userVerified: true,
      origin: appOrigin,
    });
    lastCounter = registration.counter;

    // The virtual authenticator holds exactly this credential, for RP ID "localhost".
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.rpId).toBe('localhost');
    expect(Buffer.from(credentials[0]?.credentialId ?? '', 'base64').toString('base64url')).toBe(
      registration.credentialId,
    );

    // A registration signed over another challenge is refused.
    await refusedWith(
      verifyPasskeyRegistration({
        response: created.response,
        expectedChallenges: [randomHash()],
        allowedOrigins: [appOrigin],
        rpId: LITBOX_RP_ID,
      }),
      'stale_challenge',
    );
  });

  it('accepts a login over a fresh block hash, and the same login as a Lit auth method', async () => {
    const recent = [randomHash(), randomHash(), randomHash()];
    const fresh = recent[1] ?? '';
    const assertion = await login(fresh, [registration.credentialId]);
    const result = await nodeCheck(toWebAuthnAuthMethod(assertion).accessToken, { expectedChallenges: recent });
    expect(result).toMatchObject({
      authMethodType: 3,
      authMethodId: registration.authMethodId,
      credentialId: registration.credentialId,
      challenge: fresh,
      origin: appOrigin,
      userVerified: true,
    });
    // Chromium's virtual authenticator keeps a signature counter.
    expect(result.newCounter).toBeGreaterThan(lastCounter);
    lastCounter = result.newCounter;
  });

  it('finds the passkey without allowCredentials (discoverable) and returns its user handle', async () => {
    const hash = randomHash();
    const assertion = await login(hash);
    expect(assertion.response.userHandle).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    const result = await nodeCheck(assertion, { expectedChallenges: [hash] });
    expect(result.userHandle).toBe(assertion.response.userHandle);
    lastCounter = result.newCounter;
  });

  it('refuses a stale challenge (a block hash no longer among the recent ones)', async () => {
    const old = randomHash();
    const assertion = await login(old, [registration.credentialId]);
    const message = await refusedWith(
      nodeCheck(assertion, { expectedChallenges: [randomHash(), randomHash()] }),
      'stale_challenge',
    );
    expect(message).toMatch(/recent block hash/);
  });

  it('refuses an assertion from an origin that is not allowed (same RP ID, other port)', async () => {
    await open(foreignOrigin);
    try {
      const hash = randomHash();
      const assertion = await login(hash, [registration.credentialId]);
      expect(JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString()).origin).toBe(
        foreignOrigin,
      );
      const message = await refusedWith(nodeCheck(assertion, { expectedChallenges: [hash] }), 'wrong_origin');
      expect(message).toContain(foreignOrigin);
      // Only the origin was wrong: allowing it makes the same assertion pass.
      const result = await nodeCheck(assertion, {
        expectedChallenges: [hash],
        allowedOrigins: [appOrigin, foreignOrigin],
      });
      lastCounter = result.newCounter;
    } finally {
      await open(appOrigin);
    }
  });

  it('cannot use the RP ID "localhost" from http://127.0.0.1 (the browser refuses)', async () => {
    await open(ipOrigin);
    try {
      const error = await page.evaluate(async (challenge) => {
        try {
          await (window as unknown as PasskeysWindow).passkeys.authenticateWithPasskey({ challenge });
          return null;
        } catch (e) {
          return { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message };
        }
      }, randomHash());
      expect(error?.name).toBe('PasskeyCeremonyError');
      // @simplewebauthn/browser names Chromium's SecurityError: an IP address is not a valid RP ID domain.
      expect(error?.code).toMatch(/ERROR_INVALID_DOMAIN|ERROR_INVALID_RP_ID|SecurityError/);
    } finally {
      await open(appOrigin);
    }
  });

  it('refuses a wrong RP ID', async () => {
    const hash = randomHash();
    const assertion = await login(hash, [registration.credentialId]);
    await refusedWith(nodeCheck(assertion, { expectedChallenges: [hash], rpId: 'example.org' }), 'wrong_rp_id');
  });

  it('refuses a tampered signature and accepts the untampered assertion', async () => {
    const hash = randomHash();
    const assertion = await login(hash, [registration.credentialId]);
    for (const at of ['last', 'middle'] as const) {
      const signature = Uint8Array.from(base64urlToBytes(assertion.response.signature));
      const i = at === 'last' ? signature.length - 1 : Math.floor(signature.length / 2);
      signature[i] = (signature[i] ?? 0) ^ 0x01;
      const tampered = { ...assertion, response: { ...assertion.response, signature: bytesToBase64url(signature) } };
      await refusedWith(nodeCheck(tampered, { expectedChallenges: [hash] }), 'bad_signature');
    }
    const result = await nodeCheck(assertion, { expectedChallenges: [hash] });
    lastCounter = result.newCounter;
  });

  it('refuses a replayed assertion: by the counter, and with the replay guard', async () => {
    const hash = randomHash();
    const assertion = await login(hash, [registration.credentialId]);
    const replayGuard = new PasskeyReplayGuard();
    const first = await nodeCheck(assertion, { expectedChallenges: [hash], replayGuard });
    expect(first.newCounter).toBeGreaterThan(lastCounter);
    lastCounter = first.newCounter;
    // Sent again: its counter is not above the one just accepted.
    expect(await refusedWith(nodeCheck(assertion, { expectedChallenges: [hash] }), 'replayed_assertion')).toMatch(
      /signature counter/,
    );
    // A node that did not persist the counter still refuses it through the guard.
    expect(
      await refusedWith(
        nodeCheck(assertion, { expectedChallenges: [hash], previousCounter: 0, replayGuard }),
        'replayed_assertion',
      ),
    ).toMatch(/already used/);
  });

  it('refuses the assertion under another passkey’s key', async () => {
    const other = await page.evaluate(async (challenge) => {
      const r = await (window as unknown as PasskeysWindow).passkeys.registerPasskey({ username: 'eve', challenge });
      return r.userPubkey;
    }, randomHash());
    expect(other).not.toBe(registration.userPubkey);
    const hash = randomHash();
    const assertion = await login(hash, [registration.credentialId]);
    await refusedWith(
      nodeCheck(assertion, { expectedChallenges: [hash], storedCosePublicKey: other }),
      'bad_signature',
    );
  });
});
