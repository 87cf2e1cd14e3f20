import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration, InteractionDetails, InteractionResults, interactionPolicy } from 'oidc-provider';
import { DEFAULT_IDENTITIES, identityClaims, type TestIdentity } from './identities.ts';
import { PAGE_SECURITY_HEADERS, renderLoginPage, renderMessagePage } from './login-page.ts';
import { createMemoryStore } from './memory-store.ts';
import { loadOrCreateSigningKey, publicJwk } from './signing-key.ts';

/** A first-party public client: no secret, PKCE, loopback redirects (any port, RFC 8252). */
export interface LocalIssuerClient {
  clientId: string;
  /** e.g. http://127.0.0.1/callback; the port is free for loopback redirects. */
  redirectUris: string[];
  /** Shown on the sign-in page. */
  name?: string;
}

export interface LocalIssuerOptions {
  /** 0 (the default) lets the OS choose; pass the recorded port to keep the issuer URL stable. */
  port?: number;
  /** A path the issuer lives under, e.g. '/oidc'; '' (the default) for the root. */
  issuerPath?: string;
  /** Where the signing key is kept (made on first start). */
  keyDir: string;
  clients: LocalIssuerClient[];
  identities?: readonly TestIdentity[];
  /**
   * Show the account choice on every sign-in, even when the browser still has a session
   * (as Google does with prompt=select_account); true by default.
   */
  alwaysChooseAccount?: boolean;
  /** Seconds an ID token stays valid; 600 by default. */
  idTokenTtlSec?: number;
  /** Unexpected errors inside the issuer; nothing else is logged. */
  log?: (message: string) => void;
}

export interface LocalIssuer {
  /** The `iss` of its tokens, e.g. http://127.0.0.1:PORT */
  issuer: string;
  port: number;
  discoveryUri: string;
  jwksUri: string;
  /** The public signing key(s), for callers that hand them to verifiers without a fetch. */
  jwks: { keys: JWK[] };
  identities: readonly TestIdentity[];
  /**
   * Lets one sign-in in: the issuer honours an authorization request only when its client,
   * redirect URI (the host's own loopback listener, port included) and PKCE challenge were
   * announced here, in this process, by the flow that made it. Returns the withdrawal, called
   * when that flow ends (done, cancelled, timed out).
   */
  expectAuthorization(request: ExpectedAuthorization): () => void;
  /**
   * Loads the OpenID provider now (it loads on the first request otherwise): the host calls
   * this when a sign-in starts, so the provider loads while the browser opens.
   */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/** What identifies one sign-in the host started: who asks, where the code goes, its PKCE challenge. */
export interface ExpectedAuthorization {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
}

const expectationKey = (e: ExpectedAuthorization) => JSON.stringify([e.clientId, e.redirectUri, e.codeChallenge]);

/** Why an authorization request is not honoured, or undefined when the host's own flow announced it. */
function refusalOf(
  params: URLSearchParams | Record<string, unknown>,
  expected: ReadonlySet<string>,
): string | undefined {
  const get = (name: string): unknown => (params instanceof URLSearchParams ? params.get(name) : params[name]);
  if (get('request') != null || get('request_uri') != null)
    return 'request objects are not accepted here; start the sign-in from Litbox';
  const clientId = get('client_id');
  const redirectUri = get('redirect_uri');
  const codeChallenge = get('code_challenge');
  if (typeof clientId !== 'string' || typeof redirectUri !== 'string' || typeof codeChallenge !== 'string')
    return 'this sign-in was not started by Litbox (client, redirect or PKCE challenge missing)';
  if (!expected.has(expectationKey({ clientId, redirectUri, codeChallenge })))
    return 'this sign-in was not started by Litbox (or it has ended); start it again from Litbox';
  return undefined;
}

const SCOPE_CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name'],
};

/** oidc-provider's authorization route, as its router sees it (case-folded, percent-decoded). */
const isAuthorizationPath = (innerPath: string): boolean => {
  let decoded = innerPath;
  try {
    decoded = decodeURIComponent(innerPath);
  } catch {
    // left as it is: the router does the same
  }
  return /^\/+auth\/*$/i.test(decoded);
};

const INTERACTION_ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|abort))?$/;
const MAX_FORM_BYTES = 8 * 1024;

function normaliseIssuerPath(issuerPath: string | undefined): string {
  if (!issuerPath || issuerPath === '/') return '';
  const withSlash = issuerPath.startsWith('/') ? issuerPath : `/${issuerPath}`;
  const trimmed = withSlash.replace(/\/+$/, '');
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed)) throw new Error(`issuerPath ${issuerPath} is not a plain URL path`);
  return trimmed;
}

/**
 * Starts an OpenID Connect issuer on 127.0.0.1 that stands in for Google offline: test
 * identities, a sign-in page where the person picks one, authorization code + PKCE (S256)
 * for public clients, RS256 ID tokens that carry `email` and `email_verified`.
 */
export async function startLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const identities = options.identities ?? DEFAULT_IDENTITIES;
  const bySub = new Map(identities.map((identity) => [identity.sub, identity]));
  if (bySub.size !== identities.length) throw new Error('two test identities share a sub');
  if (options.clients.length === 0) throw new Error('the local issuer needs at least one client');
  const clientNames = new Map(options.clients.map((c) => [c.clientId, c.name ?? c.clientId]));
  const issuerPath = normaliseIssuerPath(options.issuerPath);
  const log = options.log ?? (() => {});
  const signingKey = await loadOrCreateSigningKey(options.keyDir);

  // The provider needs the issuer URL, which needs the port: requests are routed once it exists.
  const routing: { handler?: http.RequestListener } = {};
  const server = http.createServer((req, res) => {
    if (!routing.handler) {
      res.writeHead(503).end();
      return;
    }
    routing.handler(req, res);
  });
  let closed = false;
  server.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}${issuerPath}`;
  const origin = `http://127.0.0.1:${port}`;

  // The sign-ins the host has started and not yet ended (see expectAuthorization).
  const expected = new Set<string>();

  const idTokenTtl = options.idTokenTtlSec ?? 600;
  const configuration = (policy: typeof interactionPolicy): Configuration => ({
    adapter: createMemoryStore(),
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_name: client.name ?? client.clientId,
      application_type: 'native',
      redirect_uris: client.redirectUris,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid'],
    claims: SCOPE_CLAIMS,
    responseTypes: ['code'],
    // By default oidc-provider keeps scope claims (email) for userinfo when an access token is
    // issued; Google puts them in the ID token, and the nodes only ever see the ID token.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      // Authorization requests come only as plain query strings, which the gate below reads.
      pushedAuthorizationRequests: { enabled: false },
      requestObjects: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: idTokenTtl,
      IdToken: idTokenTtl,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    interactions: {
      policy: loginPolicy(policy, options.alwaysChooseAccount ?? true),
      url: (_ctx, interaction) => `${issuerPath}/interaction/${interaction.uid}`,
    },
    findAccount: async (_ctx, sub) => {
      const identity = bySub.get(sub);
      if (!identity) return undefined;
      return { accountId: sub, claims: () => identityClaims(identity) };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderMessagePage(
        'Sign-in failed',
        `${out.error ?? 'error'}: ${out.error_description ?? 'the request could not be completed'}`,
      );
    },
  });
  // oidc-provider and koa under it take about 0.4 s of CPU to load, which every start of the
  // app paid before it could start its nodes. They load on the first request that needs them
  // (the nodes fetching its keys, a browser), or at warmUp(), whichever comes first.
  let loading: Promise<{ provider: Provider; callback: http.RequestListener }> | undefined;
  const loadProvider = (): Promise<{ provider: Provider; callback: http.RequestListener }> =>
    (loading ??= (async () => {
      const oidc = await import('oidc-provider');
      const provider = new oidc.default(issuer, configuration(oidc.interactionPolicy));
      provider.on('server_error', (_ctx, err) => log(`local issuer: ${err.stack ?? err.message}`));
      return { provider, callback: provider.callback() };
    })().catch((err: unknown) => {
      loading = undefined; // the next request tries again
      throw err;
    }));

  const sendHtml = (res: http.ServerResponse, status: number, html: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...PAGE_SECURITY_HEADERS });
    res.end(html);
  };
  const redirect = (res: http.ServerResponse, location: string) => {
    res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
    res.end();
  };

  // Every client here is ours (first party), so consent is given on the person's behalf:
  // whatever OpenID scopes and claims the request asked for.
  const grantConsent = async (provider: Provider, details: InteractionDetails): Promise<InteractionResults> => {
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (!accountId || typeof clientId !== 'string') throw new Error('consent asked before anyone signed in');
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const missingScope = details.prompt.details.missingOIDCScope;
    if (Array.isArray(missingScope)) grant.addOIDCScope(missingScope.join(' '));
    const missingClaims = details.prompt.details.missingOIDCClaims;
    if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
    return { consent: { grantId: await grant.save() } };
  };

  const handleInteraction = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    uid: string,
    action: string | undefined,
  ) => {
    const { provider } = await loadProvider();
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      if ((err as Error).name !== 'SessionNotFound') throw err;
      sendHtml(
        res,
        400,
        renderMessagePage(
          'Sign-in expired',
          'This sign-in page has expired or was opened in another browser. Start the sign-in again from Litbox.',
        ),
      );
      return;
    }
    if (details.uid !== uid) {
      sendHtml(res, 400, renderMessagePage('Sign-in mismatch', 'This page belongs to another sign-in. Start again.'));
      return;
    }
    const clientId = String(details.params.client_id ?? '');
    // Checked again here (the gate at /auth is the first check): an account is chosen only for
    // a sign-in the host announced and has not withdrawn.
    const refusal = refusalOf(details.params, expected);
    if (refusal) {
      sendHtml(res, 403, renderMessagePage('Sign-in refused', refusal));
      return;
    }

    if (req.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'login') {
        sendHtml(
          res,
          200,
          renderLoginPage({
            actionBase: `${issuerPath}/interaction/${uid}`,
            clientName: clientNames.get(clientId) ?? clientId,
            identities,
            issuer,
          }),
        );
        return;
      }
      if (details.prompt.name === 'consent') {
        redirect(
          res,
          await provider.interactionResult(req, res, await grantConsent(provider, details), {
            mergeWithLastSubmission: true,
          }),
        );
        return;
      }
      sendHtml(res, 400, renderMessagePage('Sign-in failed', `unsupported prompt ${details.prompt.name}`));
      return;
    }

    if (req.method !== 'POST' || action === undefined) {
      res.writeHead(405, { Allow: action === undefined ? 'GET' : 'POST' }).end();
      return;
    }
    // A form posted from another site carries a foreign Origin (our cookies are SameSite=Lax too).
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      sendHtml(res, 403, renderMessagePage('Sign-in refused', 'The form was posted from another site.'));
      return;
    }
    const form = await readForm(req);
    if (action === 'abort') {
      const result = { error: 'access_denied', error_description: 'the person cancelled the sign-in' };
      redirect(res, await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false }));
      return;
    }
    if (details.prompt.name !== 'login') {
      sendHtml(res, 400, renderMessagePage('Sign-in failed', 'This sign-in does not expect an account choice now.'));
      return;
    }
    const sub = form?.get('sub');
    if (!sub || !bySub.has(sub)) {
      sendHtml(res, 400, renderMessagePage('Sign-in failed', 'Choose one of the listed accounts.'));
      return;
    }
    // Choosing an account ends any earlier sign-in to this issuer in this browser. Otherwise
    // oidc-provider answers a change of account with a scripted logout page of its own.
    if (details.session?.uid) {
      await (await provider.Session.findByUid(details.session.uid))?.destroy();
      delete details.session;
      await details.save(Math.max(1, details.exp - Math.floor(Date.now() / 1000)));
    }
    const result = { login: { accountId: sub } };
    redirect(res, await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false }));
  };

  routing.handler = (req, res) => {
    // Only requests addressed to 127.0.0.1:PORT: a web page that rebinds its own name to
    // loopback cannot drive the sign-in from its origin.
    if (req.headers.host !== `127.0.0.1:${port}`) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('this issuer answers only at its own address');
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    if (issuerPath && url.pathname !== issuerPath && !url.pathname.startsWith(`${issuerPath}/`)) {
      res.writeHead(404).end();
      return;
    }
    const innerPath = url.pathname.slice(issuerPath.length) || '/';
    // The one door to a code: an authorization request is honoured only for a sign-in the host
    // announced. Everything else the provider serves (discovery, keys, the token endpoint) gives
    // nothing without a code.
    if (isAuthorizationPath(innerPath)) {
      if (req.method !== 'GET') {
        res.writeHead(405, { Allow: 'GET' }).end();
        return;
      }
      const refusal = refusalOf(url.searchParams, expected);
      if (refusal) {
        sendHtml(res, 403, renderMessagePage('Sign-in refused', refusal));
        return;
      }
    }
    const interaction = INTERACTION_ROUTE.exec(innerPath);
    if (interaction) {
      handleInteraction(req, res, interaction[1]!, interaction[2]).catch((err: unknown) => {
        log(`local issuer interaction: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (!res.headersSent) sendHtml(res, 500, renderMessagePage('Sign-in failed', 'The local issuer failed.'));
        else res.end();
      });
      return;
    }
    if (issuerPath) {
      // The provider reads its mount path from originalUrl, as under express or koa-mount.
      (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = `${innerPath}${url.search}`;
    }
    loadProvider().then(
      ({ callback }) => callback(req, res),
      (err: unknown) => {
        log(`local issuer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (!res.headersSent)
          sendHtml(res, 500, renderMessagePage('Sign-in failed', 'The local issuer failed to start.'));
      },
    );
  };

  return {
    issuer,
    port,
    discoveryUri: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/jwks`,
    jwks: { keys: [publicJwk(signingKey)] },
    identities,
    expectAuthorization: (request) => {
      // Each sign-in has a fresh PKCE challenge, so a key is never announced twice.
      const key = expectationKey(request);
      expected.add(key);
      return () => void expected.delete(key);
    },
    warmUp: async () => {
      if (!closed) await loadProvider();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** oidc-provider's login and consent prompts, plus (optionally) an account choice every time. */
function loginPolicy(policies: typeof interactionPolicy, alwaysChooseAccount: boolean) {
  const policy = policies.base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  if (alwaysChooseAccount) {
    login.checks.add(
      new policies.Check('choose_account', 'the local issuer asks which account every time', (ctx) =>
        ctx.oidc.result?.login ? policies.Check.NO_NEED_TO_PROMPT : policies.Check.REQUEST_PROMPT,
      ),
    );
  }
  return policy;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
