import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** An issuer whose ID tokens a node accepts, and where its public keys are. */
export interface TrustedIssuer {
  /** Exactly the token's `iss`, e.g. https://accounts.google.com or http://127.0.0.1:PORT */
  issuer: string;
  /** Where the keys are; when absent, read from the issuer's discovery document. */
  jwksUri?: string;
  /** The keys themselves (no fetch at all); wins over jwksUri. */
  jwks?: JSONWebKeySet;
}

export { GOOGLE_ISSUERS, GOOGLE_JWKS_URI } from '../../../shared/oidc-issuers.ts';

const FETCH_TIMEOUT_MS = 5_000;

/** Fetching keys in the clear is fine only when they never leave the machine. */
export function checkKeySourceUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} ${value} is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new Error(`${what} ${value} must use https (plain http only on loopback)`);
  return url;
}

/** Thrown when an issuer's keys cannot be had right now; the token may well be good. */
export class KeySetUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeySetUnavailableError';
  }
}

/**
 * Issuers' key sets, fetched once and kept (jose refetches after 10 minutes, or sooner, at
 * most every 30 s, when a token names a kid it has not seen: how key rotation is picked up).
 */
export class KeySets {
  private readonly remote = new Map<string, JWTVerifyGetKey>();
  private readonly local = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();
  private readonly discovered = new Map<string, Promise<string>>();

  async forIssuer(trusted: TrustedIssuer): Promise<JWTVerifyGetKey> {
    if (trusted.jwks) {
      let set = this.local.get(trusted.jwks);
      if (!set) this.local.set(trusted.jwks, (set = createLocalJWKSet(trusted.jwks)));
      return set;
    }
    const jwksUri = trusted.jwksUri ?? (await this.discoverJwksUri(trusted.issuer));
    let set = this.remote.get(jwksUri);
    if (!set) {
      set = createRemoteJWKSet(checkKeySourceUrl(jwksUri, 'jwks_uri'), {
        timeoutDuration: FETCH_TIMEOUT_MS,
        [customFetch]: getWithRetry,
      });
      this.remote.set(jwksUri, set);
    }
    return set;
  }

  private discoverJwksUri(issuer: string): Promise<string> {
    let pending = this.discovered.get(issuer);
    if (!pending) {
      pending = readDiscovery(issuer);
      this.discovered.set(issuer, pending);
      // A failure is not remembered: the next token asks again.
      pending.catch(() => this.discovered.delete(issuer));
    }
    return pending;
  }
}

/**
 * A GET that is tried once more when the connection breaks before any answer: a pooled
 * keep-alive socket the server closed meanwhile (an issuer restarted on the same port).
 */
async function getWithRetry(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (init.signal?.aborted || !(err instanceof TypeError)) throw err;
    return fetch(url, init);
  }
}

async function readDiscovery(issuer: string): Promise<string> {
  const url = `${checkKeySourceUrl(issuer, 'issuer').href.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let metadata: Record<string, unknown>;
  try {
    const response = await getWithRetry(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as Record<string, unknown>;
  } catch (cause) {
    throw new KeySetUnavailableError(`could not read ${url}: ${(cause as Error).message}`, { cause });
  }
  if (metadata.issuer !== issuer)
    throw new KeySetUnavailableError(`${url} describes issuer ${String(metadata.issuer)}, not ${issuer}`);
  if (typeof metadata.jwks_uri !== 'string') throw new KeySetUnavailableError(`${url} names no jwks_uri`);
  try {
    checkKeySourceUrl(metadata.jwks_uri, 'jwks_uri');
  } catch (cause) {
    throw new KeySetUnavailableError((cause as Error).message, { cause });
  }
  return metadata.jwks_uri;
}
