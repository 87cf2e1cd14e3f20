import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { z } from 'zod';
import { WebSocketServer } from 'ws';
import { NODE_RPC_PATH, NodeRpcRequest, type NodeRpcResponse } from '../shared/node-api.ts';
import { NodeRequestError } from './node-request-error.ts';

/** Who sent a request, as far as the transport tells: the host's own Lit client, or anyone. */
export interface Caller {
  /** It presented the host client key (see app/shared/host-client-key.ts). */
  host: boolean;
  /**
   * The X-Request-Id header, as Lit's SDK sends it: the same on its requests to every node for
   * one call. Unauthenticated: it only helps nodes tell one call's requests from another's.
   */
  requestId?: string;
}

export type RouteHandler = (body: string, url: URL, caller: Caller) => Promise<unknown> | unknown;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: RouteHandler;
  /** Answered only to the host's own client (401 to anyone else). */
  hostOnly?: boolean;
  /** Serialiser of the answer (the default is JSON). */
  encode?: (value: unknown) => string;
  /** The body of an error answer (the default is {error: {code, message}}); `error` is what was thrown. */
  encodeError?: (status: number, code: string, message: string, error: unknown) => unknown;
  /**
   * Browser pages from the origins this accepts may call the route (CORS, with a preflight
   * allowing these request headers). Without it any request with an Origin is refused.
   */
  cors?: { allowOrigin: (origin: string) => boolean; allowHeaders: readonly string[] };
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The node's HTTP surface on 127.0.0.1. Every route answers JSON; any error becomes a 4xx/5xx
 * with {error: {code, message}}, never a crash.
 */
export interface NodeServerOptions {
  hostClientKey?: string;
  /**
   * Whether the node takes RPC channels now. Until it has joined the network it refuses them
   * (503 on the upgrade), so a client counts a node that is still starting as unreachable at
   * once, instead of sending it work that waits for the start to finish.
   */
  acceptsChannels?: () => boolean;
}

export function createNodeServer(routes: readonly Route[], options: NodeServerOptions = {}): http.Server {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const callerOf = hostClientCheck(options.hostClientKey);
  const server = http.createServer((req, res) => {
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? '/', 'http://node');
    } catch {
      url = undefined;
    }
    // Only programs on this machine talk to a node: a browser page (it sends an Origin) or a
    // request addressed to another name (DNS rebinding) is refused before anything runs. The
    // exception: routes that allow CORS, for pages of the origins they accept.
    const corsRoute = url && table.get(`POST ${url.pathname}`);
    const origin = req.headers.origin;
    const originAllowed = origin !== undefined && !!corsRoute?.cors?.allowOrigin(origin);
    const refusal = refuseForeign(server, req, originAllowed);
    if (refusal) return sendJson(res, 403, { error: { code: 'forbidden', message: refusal } });
    if (!url) return sendJson(res, 400, { error: { code: 'bad_request', message: 'malformed request path' } });
    if (originAllowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': corsRoute!.cors!.allowHeaders.join(', '),
          'access-control-max-age': '600',
        });
        return res.end();
      }
    }
    const route = table.get(`${req.method} ${url.pathname}`);
    if (!route)
      return sendJson(res, 404, { error: { code: 'not_found', message: `no route ${req.method} ${url.pathname}` } });
    const caller = callerOf(req);
    if (route.hostOnly && !caller.host)
      return sendJson(res, 401, {
        error: { code: 'host_only', message: `${url.pathname} answers only the host's client` },
      });
    readBody(req)
      .then((body) => route.handler(body, url, caller))
      .then(
        (value) => sendText(res, 200, (route.encode ?? JSON.stringify)(value ?? null)),
        (err: unknown) => {
          const encodeError =
            route.encodeError ?? ((_status: number, code: string, message: string) => ({ error: { code, message } }));
          if (err instanceof NodeRequestError)
            return sendJson(res, err.status, encodeError(err.status, err.code, err.message, err));
          const message = err instanceof Error ? err.message : String(err);
          sendJson(res, 500, encodeError(500, 'internal', message, err));
        },
      );
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  serveRpc(server, table, callerOf, options.acceptsChannels ?? (() => true));
  return server;
}

/** Whether a request carries the host client key (compared in constant time). */
function hostClientCheck(key: string | undefined): (req: http.IncomingMessage) => Caller {
  const expected = key ? Buffer.from(`Bearer ${key}`) : undefined;
  return (req) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const host = !!expected && given.length === expected.length && timingSafeEqual(given, expected);
    const requestId = req.headers['x-request-id'];
    return typeof requestId === 'string' && requestId.length <= 200 ? { host, requestId } : { host };
  };
}

/**
 * The same POST routes over one WebSocket per client (/rpc): a request costs a frame
 * instead of an HTTP exchange, which at a hundred signatures a second is most of the
 * difference. Browsers are refused (they always send an Origin; our clients never do).
 */
function serveRpc(
  server: http.Server,
  table: Map<string, Route>,
  callerOf: (req: http.IncomingMessage) => Caller,
  acceptsChannels: () => boolean,
): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== NODE_RPC_PATH || refuseForeign(server, req, false)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!acceptsChannels()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // The channel's caller is fixed when it opens: the host's client shows its key on the upgrade.
    const caller = callerOf(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A frame over the size limit, or a broken connection: ws closes the socket itself (1009
      // and the like) and reports it here; unhandled, the error would take the whole node down.
      ws.on('error', () => undefined);
      ws.on('message', (data) => {
        let request: NodeRpcRequest;
        try {
          request = NodeRpcRequest.parse(JSON.parse(String(data)));
        } catch {
          ws.close(1003, 'not a node RPC request');
          return;
        }
        const reply = (response: NodeRpcResponse) => ws.send(JSON.stringify(response));
        const route = table.get(`POST ${request.path}`);
        if (!route)
          return reply({
            id: request.id,
            status: 404,
            error: { code: 'not_found', message: `no route ${request.path}` },
          });
        if (route.hostOnly && !caller.host)
          return reply({
            id: request.id,
            status: 401,
            error: { code: 'host_only', message: `${request.path} answers only the host's client` },
          });
        Promise.resolve()
          .then(() => route.handler(request.body, new URL(request.path, 'http://node'), caller))
          .then(
            (value) => reply({ id: request.id, status: 200, result: value ?? null }),
            (err: unknown) => {
              if (err instanceof NodeRequestError)
                return reply({ id: request.id, status: err.status, error: { code: err.code, message: err.message } });
              reply({ id: request.id, status: 500, error: { code: 'internal', message: (err as Error).message } });
            },
          );
      });
    });
  });
  server.on('close', () => wss.close());
}

/**
 * Why a request is refused: it came from a browser page (unless `originAllowed`: a CORS route
 * accepts its origin), or was addressed to another host.
 */
function refuseForeign(server: http.Server, req: http.IncomingMessage, originAllowed: boolean): string | undefined {
  if (req.headers.origin !== undefined && !originAllowed) return 'nodes do not answer browser pages';
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = req.headers.host;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return 'requests must be addressed to 127.0.0.1';
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new NodeRequestError(413, 'too_large', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    // The rest of an oversized body is read and dropped, so that the requester, still sending,
    // gets the 413 instead of a broken pipe (requestTimeout bounds how long that may take).
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Parses a JSON body, turning a syntax error into a 400. */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body || 'null');
  } catch {
    throw new NodeRequestError(400, 'bad_request', 'the body is not valid JSON');
  }
}

/** Parses a JSON body against a zod schema; a mismatch is a 400 naming each wrong field. */
export function parseRequest<T>(schema: z.ZodType<T>, body: string): T {
  const parsed = schema.safeParse(parseJsonBody(body));
  if (!parsed.success)
    throw new NodeRequestError(
      400,
      'bad_request',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}
