import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowListedFetch, checkFetchUrl, compileAllowList, FetchNotAllowedError } from './fetch-allow-list.ts';

describe('the fetch allow-list', () => {
  const list = compileAllowList(['https://api.example.com/v1/', 'http://127.0.0.1:8545', 'https://data.example.org']);
  const allowed = (url: string) => {
    try {
      checkFetchUrl(url, list);
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(FetchNotAllowedError);
      return false;
    }
  };

  it('allows URLs under an entry', () => {
    expect(allowed('https://api.example.com/v1/price?x=1')).toBe(true);
    expect(allowed('http://127.0.0.1:8545')).toBe(true);
    expect(allowed('http://127.0.0.1:8545/')).toBe(true);
    expect(allowed('http://127.0.0.1:8545/rpc/x')).toBe(true);
    expect(allowed('https://data.example.org/anything')).toBe(true);
  });

  it('refuses what only looks like a prefix as a string', () => {
    expect(allowed('http://127.0.0.1:8545.evil.test/')).toBe(false);
    expect(allowed('http://127.0.0.1:85450/')).toBe(false);
    expect(allowed('https://api.example.com/v10/')).toBe(false);
    expect(allowed('https://api.example.com/v1/../admin')).toBe(false);
    expect(allowed('https://api.example.com/v1/%2e%2e/admin')).toBe(false);
    expect(allowed('https://api.example.com.evil.test/v1/')).toBe(false);
    expect(allowed('https://api.example.com@evil.test/v1/')).toBe(false);
    expect(allowed('https://user:pw@api.example.com/v1/')).toBe(false);
  });

  it('refuses other schemes, hosts and ports', () => {
    expect(allowed('http://api.example.com/v1/')).toBe(false);
    expect(allowed('http://127.0.0.1:8546/')).toBe(false);
    expect(allowed('file:///etc/passwd')).toBe(false);
    expect(allowed('data:text/plain,hi')).toBe(false);
    expect(allowed('not a url')).toBe(false);
  });

  it('an empty list refuses everything with a message that says so', () => {
    expect(() => checkFetchUrl('https://example.com/', [])).toThrow(/allows no outside requests/);
  });

  it('refuses bad entries when compiled', () => {
    expect(() => compileAllowList(['ftp://x'])).toThrow(/must be http or https/);
    expect(() => compileAllowList(['/relative'])).toThrow(/not an absolute URL/);
  });
});

describe('allowListedFetch (a real fetch binding)', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/ok') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-one': 'a' });
        res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null }));
      } else if (req.url === '/redirect-inside') {
        res.writeHead(302, { location: '/ok' });
        res.end();
      } else if (req.url === '/redirect-outside') {
        res.writeHead(302, { location: 'http://example.invalid/secret' });
        res.end();
      } else if (req.url === '/big') {
        res.writeHead(200);
        res.end(Buffer.alloc(5000, 1));
      } else {
        res.writeHead(404);
        res.end('no');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (url: string) => ({ url, method: 'GET', headers: [['authorization', 'Bearer t']] as const });

  it('fetches an allowed URL and returns status, headers and body bytes', async () => {
    const fetch = allowListedFetch({ allowList: [base] });
    const response = await fetch(request(`${base}/ok`));
    expect(response.status).toBe(200);
    expect(response.headers).toContainEqual(['x-one', 'a']);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ method: 'GET', auth: 'Bearer t' });
  });

  it('follows redirects that stay on the list and refuses ones that leave it', async () => {
    const fetch = allowListedFetch({ allowList: [base] });
    expect((await fetch(request(`${base}/redirect-inside`))).url).toBe(`${base}/ok`);
    await expect(fetch(request(`${base}/redirect-outside`))).rejects.toThrow(/not on this network's fetch allow-list/);
  });

  it('caps the body size', async () => {
    const fetch = allowListedFetch({ allowList: [base], maxResponseBytes: 1000 });
    await expect(fetch(request(`${base}/big`))).rejects.toThrow(/larger than the 1000-byte limit/);
  });

  it('refuses a URL off the list before any request', async () => {
    const fetch = allowListedFetch({ allowList: [`${base}/ok`] });
    await expect(fetch(request(`${base}/big`))).rejects.toThrow(FetchNotAllowedError);
  });
});
