import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  JsonRpcRequest,
  PROVIDER_ERRORS,
  RELAYED_ORIGIN_HEADER,
  WALLET_EVENT_METHOD,
} from '../../shared/provider/provider-wire.ts';
import { BodyAborted, BodyTooLarge, readRequestBody } from '../http-body.ts';
import type { ChainSubscriptions, SubscriptionSession } from './chain-subscriptions.ts';
import { toRpcError } from './provider-error.ts';
import { LOCAL_NAME, localClient, webClient, type ProviderClient, type WalletProvider } from './wallet-provider.ts';

/**
 * The companion extension's id (extension/manifest.json carries the public key it derives from,
 * so the id is the same wherever the folder is loaded). Only this extension may relay a page's
 * origin; see docs/SECURITY.md, "Wallet provider".
 */
export const COMPANION_EXTENSION_ORIGIN = 'chrome-extension://ojeiaamkdpphcdplknpjaoklgnaijpai';

const MAX_BODY_BYTES = 512 * 1024;
const MAX_BATCH = 32;

/**
 * The wallet provider endpoint: JSON-RPC 2.0 over HTTP POST and WebSocket on 127.0.0.1:PORT.
 * Who asks is decided here, once per request: a browser's Origin header (a page acts only as its
 * own origin), the companion extension relaying the page origin Chrome gave it, or no Origin at
 * all: a local program, named by `?name=`. No CORS headers are ever sent: pages cannot read the
 * HTTP answers, and the extension's service worker does not need them.
 */
export class ProviderServer {
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly provider: WalletProvider;
  private readonly subscriptions: ChainSubscriptions;
  private port = 0;
  private readonly sockets = new Map<WebSocket, { client: ProviderClient; session: SubscriptionSession }>();

  constructor(provider: WalletProvider, subscriptions: ChainSubscriptions) {
    this.provider = provider;
    this.subscriptions = subscriptions;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, rpcError(null, toRpcError(err)));
        else res.destroy();
      });
    });
    this.server.requestTimeout = 10 * 60_000; // an approval may wait minutes
    this.server.headersTimeout = 20_000;
    // Longer than clients keep idle connections (undici: 4 s), so the client is the one to close
    // them: with Node's 5 s default a loaded machine races and the client reads ECONNRESET.
    this.server.keepAliveTimeout = 15_000;
    this.server.maxConnections = 256;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
    this.server.on('upgrade', (req, socket, head) => {
      try {
        this.upgrade(req, socket, head);
      } catch {
        socket.destroy();
      }
    });
    provider.on('accountsChanged', (clientId, accounts) => {
      for (const [ws, { client, session }] of this.sockets)
        if (client.id === clientId) {
          send(ws, event('accountsChanged', accounts));
          // A page the person disconnected reads nothing more, pushed or asked (4100).
          if (accounts.length === 0 && !client.local) session.end();
        }
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on loopback; a port in use fails with EADDRINUSE for the caller to handle. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  /**
   * Stops serving. Every WebSocket hears EIP-1193's `disconnect` (4900) before its close frame,
   * after the answers to its requests the stop just ended (4900 too) went out.
   */
  async close(): Promise<void> {
    this.subscriptions.close();
    await new Promise((resolve) => setImmediate(resolve));
    for (const ws of this.wss.clients) {
      send(ws, event('disconnect', { code: PROVIDER_ERRORS.disconnected, message: 'Litbox is stopping' }));
      ws.close(1001, 'Litbox is stopping');
    }
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Who is asking, or why the request is refused. Host must name us (DNS rebinding); an Origin is
   * a browser's word and is believed; a relayed origin only from the companion extension.
   */
  private identify(req: http.IncomingMessage, url: URL): ProviderClient | string {
    const host = req.headers.host;
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`)
      return 'requests must be addressed to 127.0.0.1';
    const origin = req.headers.origin;
    if (origin === undefined) {
      const name = url.searchParams.get('name');
      if (name !== null && !LOCAL_NAME.test(name))
        return 'a client name (?name=) is 1 to 64 letters, digits, dots, dashes or underscores';
      return localClient(name);
    }
    const relayed = req.headers[RELAYED_ORIGIN_HEADER] ?? url.searchParams.get('origin') ?? undefined;
    if (origin === COMPANION_EXTENSION_ORIGIN) {
      if (typeof relayed !== 'string') return 'the extension must say which page it relays for';
      const page = webOrigin(relayed);
      return page ? webClient(page) : 'the relayed origin is not an http(s) origin';
    }
    const page = webOrigin(origin);
    return page ? webClient(page) : `requests from ${origin.slice(0, 100)} are refused`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const client = this.identify(req, url);
    if (typeof client === 'string') return sendJson(res, 403, rpcError(null, { code: 4100, message: client }));
    if (req.method !== 'POST')
      return sendJson(
        res,
        405,
        rpcError(null, { code: PROVIDER_ERRORS.invalidRequest, message: 'JSON-RPC requests are POST requests' }),
      );
    let body: unknown;
    try {
      body = JSON.parse(await readRequestBody(req, MAX_BODY_BYTES));
    } catch (err) {
      if (err instanceof BodyAborted) return;
      if (err instanceof BodyTooLarge)
        return sendJson(res, 413, rpcError(null, { code: PROVIDER_ERRORS.limitExceeded, message: err.message }));
      return sendJson(res, 200, rpcError(null, { code: PROVIDER_ERRORS.parseError, message: 'the body is not JSON' }));
    }
    if (Array.isArray(body)) {
      if (body.length === 0 || body.length > MAX_BATCH)
        return sendJson(
          res,
          200,
          rpcError(null, {
            code: PROVIDER_ERRORS.invalidRequest,
            message: `a batch holds 1 to ${MAX_BATCH} requests`,
          }),
        );
      return sendJson(res, 200, await Promise.all(body.map((one) => this.answer(client, one))));
    }
    sendJson(res, 200, await this.answer(client, body));
  }

  private async answer(client: ProviderClient, body: unknown, session?: SubscriptionSession): Promise<unknown> {
    const parsed = JsonRpcRequest.safeParse(body);
    const id = (body as { id?: unknown } | null)?.id;
    const replyId = typeof id === 'string' || typeof id === 'number' ? id : null;
    if (!parsed.success)
      return rpcError(replyId, { code: PROVIDER_ERRORS.invalidRequest, message: 'not a JSON-RPC 2.0 request' });
    try {
      const result = await this.provider.request(client, parsed.data.method, parsed.data.params, session);
      return { jsonrpc: '2.0', id: parsed.data.id ?? null, result: result ?? null };
    } catch (err) {
      return rpcError(parsed.data.id ?? null, toRpcError(err));
    }
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const client = this.identify(req, url);
    if (typeof client === 'string') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.wss.clients.size >= 64) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = this.subscriptions.session((subscription, result) =>
        send(ws, { jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } }),
      );
      this.sockets.set(ws, { client, session });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        this.sockets.delete(ws);
        session.end();
      });
      ws.on('message', (data) => {
        let body: unknown;
        try {
          body = JSON.parse(String(data));
        } catch {
          send(ws, rpcError(null, { code: PROVIDER_ERRORS.parseError, message: 'the message is not JSON' }));
          return;
        }
        void this.answer(client, body, session).then((reply) => send(ws, reply));
      });
      send(ws, event('connect', { chainId: this.provider.chainIdHex }));
      void this.provider.accountsOf(client).then(
        (accounts) =>
          send(
            ws,
            event(
              'accountsChanged',
              accounts.map((a) => a.address),
            ),
          ),
        () => undefined,
      );
    });
  }
}

/** The origin of an http(s) URL, or undefined (opaque origins, other schemes). */
function webOrigin(text: string): string | undefined {
  try {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

function event(name: string, data: unknown) {
  return { jsonrpc: '2.0', method: WALLET_EVENT_METHOD, params: { event: name, data } };
}

function rpcError(id: string | number | null, error: { code: number; message: string; data?: unknown }) {
  return { jsonrpc: '2.0', id, error };
}

function send(ws: WebSocket, message: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
