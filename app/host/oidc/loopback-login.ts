import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, type JWTPayload } from 'jose';
import { PAGE_SECURITY_HEADERS, renderMessagePage } from './login-page.ts';

/**
 * The client side of "Sign in with Google" (or the local issuer) for a desktop app, as RFC
 * 8252 describes: authorization code + PKCE (S256), the system browser, a one-shot HTTP
 * listener on 127.0.0.1 for the redirect.
 */

export type OidcLoginFailure =
  | 'discovery_failed'
  | 'access_denied'
  | 'authorization_failed'
  | 'timeout'
  | 'cancelled'
  | 'token_exchange_failed'
  | 'bad_id_token';

export class OidcLoginError extends Error {
  readonly reason: OidcLoginFailure;
  constructor(reason: OidcLoginFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OidcLoginError';
    this.reason = reason;
  }
}

export interface OidcEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

const FETCH_TIMEOUT_MS = 10_000;

/** Reads the issuer's discovery document and checks it speaks for that issuer. */
export async function discoverIssuer(issuer: string): Promise<OidcEndpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let metadata: Record<string, unknown>;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as Record<string, unknown>;
  } catch (cause) {
    throw new OidcLoginError('discovery_failed', `could not read ${url}: ${(cause as Error).message}`, { cause });
  }
  const { authorization_endpoint, token_endpoint, jwks_uri, code_challenge_methods_supported } = metadata;
  if (metadata.issuer !== issuer)
    throw new OidcLoginError('discovery_failed', `${url} describes issuer ${String(metadata.issuer)}, not ${issuer}`);
  if (typeof authorization_endpoint !== 'string' || typeof token_endpoint !== 'string' || typeof jwks_uri !== 'string')
    throw new OidcLoginError('discovery_failed', `${url} lacks the authorization, token or jwks endpoint`);
  if (Array.isArray(code_challenge_methods_supported) && !code_challenge_methods_supported.includes('S256'))
    throw new OidcLoginError('discovery_failed', `${issuer} does not support PKCE with S256`);
  return { issuer, authorizationEndpoint: authorization_endpoint, tokenEndpoint: token_endpoint, jwksUri: jwks_uri };
}

const randomToken = () => randomBytes(32).toString('base64url');

/** RFC 7636: code_challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export interface AuthorizationRequest {
  /** Open this in the system browser. */
  url: string;
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  /** SHA-256 of the verifier, as sent in the URL. */
  codeChallenge: string;
  /** Secret until the code exchange; never put in a URL or a log. */
  codeVerifier: string;
}

/** The authorization URL with fresh PKCE verifier, state and nonce. */
export function buildAuthorizationRequest(input: {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  /** 'openid email profile' by default. */
  scope?: string;
  /** e.g. 'login' or 'select_account' (Google) to let the person switch accounts. */
  prompt?: string;
  loginHint?: string;
}): AuthorizationRequest {
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken(); // 43 characters of base64url, as RFC 7636 asks
  const codeChallenge = pkceChallenge(codeVerifier);
  const url = new URL(input.authorizationEndpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: input.scope ?? 'openid email profile',
    state,
    nonce,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  };
  if (input.prompt) params.prompt = input.prompt;
  if (input.loginHint) params.login_hint = input.loginHint;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return {
    url: url.href,
    clientId: input.clientId,
    redirectUri: input.redirectUri,
    state,
    nonce,
    codeChallenge,
    codeVerifier,
  };
}

export interface IdTokenResult {
  idToken: string;
  /** The ID token's claims, decoded but not signature-checked: it came straight from the token endpoint. */
  claims: JWTPayload & { email?: string; email_verified?: boolean; nonce?: string };
  accessToken?: string;
}

/**
 * Trades the code for tokens at the token endpoint (public client: client_id and the PKCE
 * verifier; Google's desktop clients also want their non-secret client_secret) and checks the
 * ID token was issued by `issuer` to this client for this request's nonce.
 */
export async function exchangeCode(input: {
  issuer: string;
  tokenEndpoint: string;
  request: AuthorizationRequest;
  code: string;
  clientSecret?: string;
}): Promise<IdTokenResult> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.request.redirectUri,
    client_id: input.request.clientId,
    code_verifier: input.request.codeVerifier,
  });
  if (input.clientSecret) body.set('client_secret', input.clientSecret);
  let json: Record<string, unknown>;
  let status: number;
  try {
    const response = await fetch(input.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    status = response.status;
    json = (await response.json()) as Record<string, unknown>;
  } catch (cause) {
    throw new OidcLoginError(
      'token_exchange_failed',
      `the token endpoint did not answer: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  if (status !== 200) {
    const detail = [json.error, json.error_description].filter((x) => typeof x === 'string').join(': ');
    throw new OidcLoginError('token_exchange_failed', `the token endpoint refused the code (${status} ${detail})`);
  }
  const idToken = json.id_token;
  if (typeof idToken !== 'string')
    throw new OidcLoginError('token_exchange_failed', 'the token endpoint returned no id_token');

  let claims: IdTokenResult['claims'];
  try {
    claims = decodeJwt(idToken);
  } catch (cause) {
    throw new OidcLoginError('bad_id_token', 'the id_token is not a JWT', { cause });
  }
  if (claims.iss !== input.issuer)
    throw new OidcLoginError('bad_id_token', `the id_token comes from ${String(claims.iss)}, not ${input.issuer}`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(input.request.clientId))
    throw new OidcLoginError(
      'bad_id_token',
      `the id_token is for ${String(claims.aud)}, not ${input.request.clientId}`,
    );
  if (claims.nonce !== input.request.nonce)
    throw new OidcLoginError('bad_id_token', 'the id_token nonce does not match this sign-in');
  const result: IdTokenResult = { idToken, claims };
  if (typeof json.access_token === 'string') result.accessToken = json.access_token;
  return result;
}

export interface AuthorizationResponse {
  code: string;
  /** RFC 9207 `iss`, when the issuer sends it. */
  iss?: string;
}

export interface LoopbackReceiver {
  /** http://127.0.0.1:PORT/callback: the redirect_uri to put in the authorization request. */
  redirectUri: string;
  /**
   * The code from the first redirect that carries `expectedState`; redirects with another
   * state are answered 400 and ignored, so a stray or forged request cannot end the sign-in.
   * Closes the listener once settled.
   */
  waitForCode(expectedState: string): Promise<AuthorizationResponse>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a port the OS picks, for one authorization response. */
export async function startLoopbackReceiver(
  options: { path?: string; timeoutMs?: number } = {},
): Promise<LoopbackReceiver> {
  const callbackPath = options.path ?? '/callback';
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  let waiter:
    { state: string; resolve: (r: AuthorizationResponse) => void; reject: (e: OidcLoginError) => void } | undefined;
  let settled = false;

  const page = (res: http.ServerResponse, status: number, title: string, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...PAGE_SECURITY_HEADERS });
    res.end(renderMessagePage(title, message));
  };

  let expectedHost = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== callbackPath || req.headers.host !== expectedHost) {
      res.writeHead(404).end();
      return;
    }
    const q = url.searchParams;
    if (!waiter || settled || q.get('state') !== waiter.state) {
      page(res, 400, 'Sign-in not recognised', 'Litbox is not waiting for this sign-in. Start again from Litbox.');
      return;
    }
    const current = waiter;
    const error = q.get('error');
    const code = q.get('code');
    if (error) {
      const description = q.get('error_description');
      if (error === 'access_denied')
        page(res, 200, 'Sign-in cancelled', 'You can close this tab and return to Litbox.');
      else page(res, 200, 'Sign-in failed', `${error}${description ? `: ${description}` : ''}. Return to Litbox.`);
      finish(() =>
        current.reject(
          new OidcLoginError(
            error === 'access_denied' ? 'access_denied' : 'authorization_failed',
            `the issuer answered ${error}${description ? `: ${description}` : ''}`,
          ),
        ),
      );
      return;
    }
    if (!code) {
      page(res, 400, 'Sign-in failed', 'The redirect carried no authorization code.');
      return;
    }
    page(res, 200, 'Signed in', 'You can close this tab and return to Litbox.');
    const iss = q.get('iss');
    finish(() => current.resolve(iss ? { code, iss } : { code }));
  });

  let timer: NodeJS.Timeout | undefined;
  const close = () =>
    new Promise<void>((resolve) => {
      if (timer) clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const finish = (settle: () => void) => {
    if (settled) return;
    settled = true;
    settle();
    // Let the browser receive its page before the connection goes.
    setImmediate(() => void close());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  expectedHost = `127.0.0.1:${port}`;

  return {
    redirectUri: `http://127.0.0.1:${port}${callbackPath}`,
    waitForCode(expectedState) {
      if (waiter) return Promise.reject(new Error('waitForCode was already called on this receiver'));
      return new Promise<AuthorizationResponse>((resolve, reject) => {
        waiter = { state: expectedState, resolve, reject };
        timer = setTimeout(
          () =>
            finish(() =>
              reject(new OidcLoginError('timeout', `no sign-in arrived within ${Math.round(timeoutMs / 1000)} s`)),
            ),
          timeoutMs,
        );
      });
    },
    close: async () => {
      const pending = waiter;
      if (pending) finish(() => pending.reject(new OidcLoginError('cancelled', 'the sign-in was cancelled')));
      await close();
    },
  };
}

/**
 * The whole sign-in: discovery, a loopback receiver, the authorization URL (handed to
 * `openUrl`, which opens the system browser), the redirect, the code exchange.
 */
export async function loopbackLogin(input: {
  issuer: string;
  clientId: string;
  /** Google desktop clients have one (not secret); the local issuer's clients have none. */
  clientSecret?: string;
  openUrl: (url: string) => void | Promise<void>;
  scope?: string;
  prompt?: string;
  loginHint?: string;
  timeoutMs?: number;
  /**
   * Tells the issuer to expect this request (the local issuer honours only requests its host
   * announced); returns the withdrawal, called when the sign-in ends however it ends.
   */
  announce?: (request: AuthorizationRequest) => () => void;
  /** Cancels the sign-in: the loopback listener closes at once and the login fails as 'cancelled'. */
  signal?: AbortSignal;
}): Promise<IdTokenResult> {
  const { signal } = input;
  if (signal?.aborted) throw new OidcLoginError('cancelled', 'the sign-in was cancelled');
  const endpoints = await discoverIssuer(input.issuer);
  if (signal?.aborted) throw new OidcLoginError('cancelled', 'the sign-in was cancelled');
  const receiver = await startLoopbackReceiver(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {});
  const cancel = () => void receiver.close();
  signal?.addEventListener('abort', cancel, { once: true });
  let withdraw: (() => void) | undefined;
  try {
    const request = buildAuthorizationRequest({
      authorizationEndpoint: endpoints.authorizationEndpoint,
      clientId: input.clientId,
      redirectUri: receiver.redirectUri,
      ...(input.scope ? { scope: input.scope } : {}),
      ...(input.prompt ? { prompt: input.prompt } : {}),
      ...(input.loginHint ? { loginHint: input.loginHint } : {}),
    });
    withdraw = input.announce?.(request);
    const response = receiver.waitForCode(request.state);
    response.catch(() => {}); // awaited below; this only stops an early failure of openUrl leaving it unhandled
    if (signal?.aborted) cancel();
    await input.openUrl(request.url);
    const { code, iss } = await response;
    if (iss !== undefined && iss !== endpoints.issuer)
      throw new OidcLoginError('authorization_failed', `the redirect came from issuer ${iss}, not ${endpoints.issuer}`);
    return await exchangeCode({
      issuer: endpoints.issuer,
      tokenEndpoint: endpoints.tokenEndpoint,
      request,
      code,
      ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}),
      // Not cancelled from here on: the person chose an account (closing the window now keeps it).
    });
  } finally {
    withdraw?.();
    signal?.removeEventListener('abort', cancel);
    await receiver.close();
  }
}
