// The allow-list an action's fetch obeys, and a real fetch binding that keeps to it through
// redirects. An entry is a URL prefix such as "https://api.example.com/v1/" or
// "http://127.0.0.1:8545": a request is allowed when its scheme, host and port equal the
// entry's and its path is the entry's path or below it. Matching is on parsed URLs, so
// "http://127.0.0.1:8545.evil.test/" or "https://api.example.com/v1/../admin" never match by
// accident of string prefixes, and URLs with user:password are refused.
import type { ActionFetchRequest, ActionFetchResponse } from './types.ts';

export class FetchNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchNotAllowedError';
  }
}

interface ParsedEntry {
  readonly protocol: string;
  readonly host: string;
  readonly path: string;
}

/** A parsed allow-list (compileAllowList). */
export type AllowList = readonly ParsedEntry[];

/** Parses allow-list entries once; throws on an entry that is not an absolute http(s) URL. */
export function compileAllowList(entries: readonly string[]): AllowList {
  return entries.map((entry) => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`fetch allow-list entry ${JSON.stringify(entry)} is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`fetch allow-list entry ${JSON.stringify(entry)} must be http or https`);
    }
    if (url.username || url.password)
      throw new Error(`fetch allow-list entry ${JSON.stringify(entry)} has credentials`);
    return { protocol: url.protocol, host: url.host, path: url.pathname };
  });
}

/** The normalised URL when it is allowed; otherwise throws FetchNotAllowedError saying why. */
export function checkFetchUrl(raw: string, allowList: AllowList): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchNotAllowedError(`fetch: ${JSON.stringify(raw.slice(0, 200))} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchNotAllowedError(`fetch: only http and https URLs can be fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new FetchNotAllowedError('fetch: URLs with credentials are not allowed');
  const allowed = allowList.some(
    (entry) =>
      entry.protocol === url.protocol &&
      entry.host === url.host &&
      (entry.path.endsWith('/')
        ? url.pathname.startsWith(entry.path)
        : url.pathname === entry.path || url.pathname.startsWith(`${entry.path}/`)),
  );
  if (!allowed) {
    throw new FetchNotAllowedError(
      allowList.length === 0
        ? `fetch: ${url.origin} is not allowed; this network allows no outside requests`
        : `fetch: ${url.origin}${url.pathname} is not on this network's fetch allow-list`,
    );
  }
  return url.href;
}

export interface AllowListedFetchOptions {
  readonly allowList: readonly string[];
  /** Largest response body read, bytes (default 10 MiB). */
  readonly maxResponseBytes?: number;
  /** Per request, including redirects and reading the body (default 10 s). */
  readonly timeoutMs?: number;
  /** Redirects followed, each checked against the allow-list (default 5). */
  readonly maxRedirects?: number;
}

/**
 * A fetch binding on Node's fetch for the node layer: follows redirects itself and only to
 * allowed URLs, caps the body size, and times out.
 */
export function allowListedFetch(
  options: AllowListedFetchOptions,
): (request: ActionFetchRequest) => Promise<ActionFetchResponse> {
  const allowList = compileAllowList(options.allowList);
  const maxBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 5;
  return async (request) => {
    const signal = AbortSignal.timeout(timeoutMs);
    let url = checkFetchUrl(request.url, allowList);
    let method = request.method;
    let body: string | Uint8Array | undefined = request.body;
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(url, {
        method,
        headers: request.headers.map(([k, v]) => [k, v] as [string, string]),
        body: body === undefined ? undefined : typeof body === 'string' ? body : Uint8Array.from(body),
        redirect: 'manual',
        signal,
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        if (redirects >= maxRedirects) throw new Error(`fetch: more than ${maxRedirects} redirects`);
        url = checkFetchUrl(new URL(location, url).href, allowList);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return {
        url,
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers.entries()],
        body: await readCapped(response, maxBytes),
      };
    }
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`fetch: the response body (${declared} bytes) is larger than the ${maxBytes}-byte limit`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`fetch: the response body is larger than the ${maxBytes}-byte limit`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
