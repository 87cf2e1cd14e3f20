/**
 * A minimal "browser" for the local issuer's sign-in, for tests and scripted runs without
 * Chromium: it keeps cookies per origin, follows redirects, and on the sign-in page presses
 * the button of the chosen account, the way a person would.
 */

export interface HeadlessLoginResult {
  /** The last URL fetched: the redirect_uri with code and state, when all went well. */
  finalUrl: string;
  status: number;
  body: string;
  /** Every URL visited, in order. */
  visited: string[];
}

const decodeEntities = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Cookies by origin (paths ignored); pass one jar to several sign-ins to act as one browser. */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  store(url: URL, response: Response): void {
    let jar = this.byOrigin.get(url.origin);
    if (!jar) this.byOrigin.set(url.origin, (jar = new Map()));
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k = '', v = ''] = a.split('=').map((x) => x.trim());
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: URL): string | undefined {
    const jar = this.byOrigin.get(url.origin);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Finds the sign-in form on the local issuer's page and the `sub` of the account with `email`. */
export function findAccountButton(html: string, email: string): { action: string; sub: string } | undefined {
  const form = /<form class="pick" method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  if (!form) return undefined;
  for (const button of form[2]!.matchAll(/<button [^>]*>/g)) {
    const attrs = Object.fromEntries(
      [...button[0].matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]),
    );
    if (attrs['data-email'] === email && attrs.name === 'sub' && attrs.value)
      return { action: decodeEntities(form[1]!), sub: attrs.value };
  }
  return undefined;
}

/**
 * Opens `authorizationUrl`, signs in as `email` (or cancels when email is undefined) if the
 * sign-in page shows, and follows the redirects to the end, the loopback redirect_uri included.
 */
export async function signInHeadless(
  authorizationUrl: string,
  email: string | undefined,
  options: { maxSteps?: number; jar?: CookieJar } = {},
): Promise<HeadlessLoginResult> {
  const jar = options.jar ?? new CookieJar();
  const visited: string[] = [];
  let url = new URL(authorizationUrl);
  let init: RequestInit = { method: 'GET' };
  let submitted = false;
  for (let step = 0; step < (options.maxSteps ?? 20); step++) {
    visited.push(url.href);
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('Cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(url, response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      init = { method: 'GET' };
      continue;
    }
    const body = await response.text();
    const isLoginPage = response.status === 200 && body.includes('<form class="pick"');
    if (!isLoginPage || submitted) return { finalUrl: url.href, status: response.status, body, visited };

    submitted = true;
    if (email === undefined) {
      const cancel = /<form class="cancel" method="post" action="([^"]+)">/.exec(body);
      if (!cancel) throw new Error('the sign-in page has no cancel form');
      url = new URL(decodeEntities(cancel[1]!), url);
      init = { method: 'POST', headers: { Origin: url.origin, 'Content-Type': 'application/x-www-form-urlencoded' } };
      continue;
    }
    const choice = findAccountButton(body, email);
    if (!choice) throw new Error(`the sign-in page offers no account ${email}`);
    const action = new URL(choice.action, url);
    init = {
      method: 'POST',
      headers: { Origin: url.origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sub: choice.sub }).toString(),
    };
    url = action;
  }
  throw new Error(`the sign-in did not finish within ${options.maxSteps ?? 20} steps: ${visited.join(' → ')}`);
}
