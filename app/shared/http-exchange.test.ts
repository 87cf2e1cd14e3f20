import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { httpExchange } from './http-exchange.ts';

const servers: http.Server[] = [];
afterAll(() =>
  Promise.all(
    servers.map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  ),
);

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
  });
}

describe('one HTTP exchange between our processes', () => {
  it('POSTs JSON (multi-byte text whole, with the headers given) and GETs, on one kept-alive connection', async () => {
    const seen: Array<{
      method?: string;
      type?: string;
      length?: string;
      authorization?: string;
      body: string;
      socket: unknown;
    }> = [];
    const url = await serve(async (req, res) => {
      const body = await readBody(req);
      seen.push({
        method: req.method,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        authorization: req.headers.authorization,
        body,
        socket: req.socket,
      });
      res.writeHead(req.method === 'POST' ? 201 : 200).end(`echo:${body}`);
    });
    const text = JSON.stringify({ greeting: 'héllo ✓' });
    expect(
      await httpExchange(`${url}/round`, { body: text, headers: { authorization: 'Bearer k' }, timeoutMs: 5_000 }),
    ).toEqual({ status: 201, text: `echo:${text}` });
    expect(await httpExchange(`${url}/health`, { timeoutMs: 5_000 })).toEqual({ status: 200, text: 'echo:' });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      type: 'application/json',
      length: String(Buffer.byteLength(text)),
      authorization: 'Bearer k',
      body: text,
    });
    expect(seen[1]).toMatchObject({ method: 'GET', body: '' });
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  });

  it('hands back a refusal as it came (status and body), for the caller to read', async () => {
    const url = await serve((_req, res) => res.writeHead(409).end('{"error":{"code":"presignature_used"}}'));
    expect(await httpExchange(url, { body: '{}', timeoutMs: 5_000 })).toEqual({
      status: 409,
      text: '{"error":{"code":"presignature_used"}}',
    });
  });

  it('fails with the time limit when the peer does not answer in time', async () => {
    const url = await serve(() => {}); // never answers
    const started = performance.now();
    await expect(httpExchange(url, { body: '{}', timeoutMs: 200 })).rejects.toMatchObject({
      message: 'no answer within 200 ms',
      timedOut: true,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('fails with the time limit when the answer starts in time but does not end', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    await expect(httpExchange(url, { timeoutMs: 200 })).rejects.toMatchObject({
      message: 'no answer within 200 ms',
      timedOut: true,
    });
  });

  it('fails when the peer closes the connection part way through its answer', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.destroy(), 20);
    });
    await expect(httpExchange(url, { body: '{}', timeoutMs: 5_000 })).rejects.toMatchObject({
      message: 'the connection closed part way through the answer',
      timedOut: false,
    });
  });

  it('fails at once for a peer that is down, and for an endpoint that is not http', async () => {
    await expect(httpExchange('http://127.0.0.1:1/health', { timeoutMs: 5_000 })).rejects.toMatchObject({
      message: expect.stringMatching(/ECONNREFUSED/),
      timedOut: false,
    });
    await expect(httpExchange('file:///etc/passwd', { timeoutMs: 5_000 })).rejects.toThrow(
      'only http and https are spoken here, not file:',
    );
  });
});
