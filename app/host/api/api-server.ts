import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { BodyAborted, BodyTooLarge, readRequestBody } from '../http-body.ts';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  apiCalls,
  LIVE_PATH,
  LIVE_PROTOCOL,
  type ApiCallName,
  type ApiError,
  type ApiOutput,
  type ApiParsedInput,
  type FieldError,
  type LiveMessage,
} from '../../shared/api/contract.ts';
import { contentSecurityPolicy } from '../../shared/content-security-policy.ts';
import { fieldErrorsOf, fieldErrorsSentence } from '../../shared/api/plain-issue.ts';
import { CallSlots } from './call-slots.ts';

/** A failure a handler reports on purpose: its code picks the HTTP status. */
export class ApiFailure extends Error {
  readonly code: ApiError['code'];
  /** Which input fields the failure is about, each with its own plain message. */
  readonly fields: readonly FieldError[] | undefined;
  constructor(code: ApiError['code'], message: string, fields?: readonly FieldError[]) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

/** One handler per call: it receives the input as the contract parsed it (normalised, defaults filled in). */
export type ApiHandlers = {
  [N in ApiCallName]: (input: ApiParsedInput<N>) => Promise<ApiOutput<N>>;
};

export interface ApiServerOptions {
  token: string;
  handlers: ApiHandlers;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** Called when a live client connects, to send it the current state at once. */
  onLiveConnect?: (send: (message: LiveMessage) => void) => void;
  maxBodyBytes?: number;
  /** Limits that keep a flood of calls (a runaway script, a hostile page) from starving the nodes. */
  limits?: Partial<ApiLimits>;
}

export interface ApiLimits {
  /** Calls running at once, all connections together; more wait in line (see call-slots.ts). */
  concurrentCalls: number;
  /** Calls that may wait for a slot, first come first served; one more is refused at once with 429. */
  queuedCalls: number;
  /** A call that waited this long for a slot is refused with 429. */
  queueWaitMs: number;
  /** Calls running or waiting on one connection (HTTP pipelining); more are refused with 429. */
  callsPerConnection: number;
  /** Open TCP connections that have shown the token (a call or the live socket). */
  connections: number;
  /**
   * Open connections that have not shown the token (yet): new ones, the UI's file requests,
   * anything from a program without the token. A new one beyond this pushes out the oldest
   * that is not in the middle of a request, so idle sockets can never fill the host's door.
   */
  unprovenConnections: number;
  /** Open live WebSockets. */
  liveClients: number;
  /** A new connection that sends nothing at all for this long is closed. */
  firstByteMs: number;
  /** The whole request head must arrive within this. */
  headersMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

/**
 * Every call that may reach the nodes holds a slot while it runs. 32 at once keep the nodes of
 * a 2-core machine busy (the bench's throughput is reached with 8 in flight) with room for
 * calls that only wait (an action waiting for a restarting node to give its share); a burst
 * beyond that waits in line, up to 192 calls for up to 20 s, instead of slowing every running
 * call down or being refused. Running and waiting together stay below the 256 connections a
 * client may hold (one call each, as fetch makes them), so the line, not the connection
 * limit, is what says the host is busy. `status` needs no slot: the UI can always look.
 */
export const DEFAULT_API_LIMITS: ApiLimits = {
  concurrentCalls: 32,
  queuedCalls: 192,
  queueWaitMs: 20_000,
  callsPerConnection: 4,
  connections: 256,
  unprovenConnections: 128,
  liveClients: 32,
  firstByteMs: 2_000,
  headersMs: 5_000,
  keepAliveMs: 5_000,
};

/** What the server knows about one TCP connection. */
interface ConnectionState {
  /** It has shown the token: it is the UI, the CLI or a script of the person's. */
  proven: boolean;
  /** Requests on it that have not been answered yet. */
  inFlight: number;
  /** performance.now() when it was accepted. */
  openedAt: number;
}

/** A connection this young is never pushed out: the UI's and the CLI's send their request at once. */
const NEW_CONNECTION_GRACE_MS = 250;
const UNLIMITED_CALLS: ReadonlySet<ApiCallName> = new Set(['status']);

const STATUS_OF: Record<ApiError['code'], number> = {
  bad_request: 400,
  too_large: 413,
  busy: 429,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The host API on http://localhost:PORT: the renderer's files, POST /api/<call> and the live
 * WebSocket. It only answers requests addressed to localhost/127.0.0.1 on its own port (a
 * guard against DNS rebinding), refuses foreign Origins, and needs the per-launch token for
 * every call.
 */
export class ApiServer {
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly options: ApiServerOptions;
  private readonly limits: ApiLimits;
  private port = 0;
  /** Slots for calls, and the calls running or waiting on each connection. */
  private readonly slots: CallSlots;
  private readonly runningOn = new WeakMap<Duplex, number>();
  /** Every open connection, oldest first (a Map keeps insertion order). */
  private readonly connections = new Map<Socket, ConnectionState>();
  private unproven = 0;

  constructor(options: ApiServerOptions) {
    this.options = options;
    this.limits = { ...DEFAULT_API_LIMITS, ...options.limits };
    this.slots = new CallSlots({
      running: this.limits.concurrentCalls,
      waiting: this.limits.queuedCalls,
      waitMs: this.limits.queueWaitMs,
    });
    this.server = http.createServer(
      {
        // Slow or silent request heads are cut quickly: the check runs twice a second.
        headersTimeout: this.limits.headersMs,
        requestTimeout: 60_000,
        keepAliveTimeout: this.limits.keepAliveMs,
        connectionsCheckingInterval: 500,
      },
      (req, res) => {
        this.track(req, res);
        this.handle(req, res).catch((err: unknown) => {
          if (!res.headersSent) sendError(res, 'internal', (err as Error).message);
          else res.destroy();
        });
      },
    );
    // A hard ceiling on file descriptors; admit() keeps the unproven within their own limit.
    this.server.maxConnections = this.limits.connections + this.limits.unprovenConnections + 1;
    this.server.on('connection', (socket: Socket) => this.admit(socket));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024,
      handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
    });
    this.server.on('upgrade', (req, socket, head) => {
      try {
        this.upgrade(req, socket, head);
      } catch {
        socket.destroy();
      }
    });
  }

  get url(): string {
    return `http://localhost:${this.port}`;
  }

  /** Listens on loopback. A port in use gets a clear error. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(
                `port ${port} is already in use; choose another with --port, or leave it out to pick a free one`,
              )
            : err,
        );
      };
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send(text);
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * A new connection: it counts as unproven until it shows the token. Beyond the limit of
   * unproven connections, the one that has waited longest without a request in progress goes,
   * one that never sent a byte first, and one older than a moment before a younger one (the
   * UI's and the CLI's connections ask at once). So whoever holds idle sockets loses them, and
   * the person's own connection gets in. The new connection itself is refused only when every
   * unproven one is in the middle of a request.
   */
  private admit(socket: Socket): void {
    if (this.unproven >= this.limits.unprovenConnections) {
      const victim = this.evictionCandidate(performance.now() - NEW_CONNECTION_GRACE_MS) ?? this.evictionCandidate();
      if (!victim) {
        socket.destroy();
        return;
      }
      this.forget(victim);
      victim.destroy();
    }
    this.connections.set(socket, { proven: false, inFlight: 0, openedAt: performance.now() });
    this.unproven++;
    // A socket that never says anything is closed long before headersTimeout would see it.
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, this.limits.firstByteMs);
    silent.unref();
    socket.once('close', () => {
      clearTimeout(silent);
      this.forget(socket);
    });
  }

  /** The oldest unproven connection with no request in progress (opened before `openedBefore`). */
  private evictionCandidate(openedBefore = Infinity): Socket | undefined {
    let idle: Socket | undefined;
    for (const [socket, state] of this.connections) {
      // Oldest first: once one is too young, so are all after it.
      if (state.openedAt > openedBefore) break;
      if (state.proven || state.inFlight > 0) continue;
      if (socket.bytesRead === 0) return socket;
      idle ??= socket;
    }
    return idle;
  }

  private forget(socket: Socket): void {
    const state = this.connections.get(socket);
    if (!state) return;
    this.connections.delete(socket);
    if (!state.proven) this.unproven--;
  }

  private prove(socket: Socket): void {
    const state = this.connections.get(socket);
    if (!state || state.proven) return;
    state.proven = true;
    this.unproven--;
  }

  private provenCount(): number {
    return this.connections.size - this.unproven;
  }

  /** Counts a request as in progress on its connection until it is answered or dropped. */
  private track(req: http.IncomingMessage, res: http.ServerResponse): void {
    const state = this.connections.get(req.socket as Socket);
    if (!state) return;
    state.inFlight++;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      state.inFlight--;
    };
    res.once('finish', end);
    res.once('close', end);
  }

  private allowedHosts(): Set<string> {
    return new Set([`localhost:${this.port}`, `127.0.0.1:${this.port}`]);
  }

  /** Host must name us; Origin, when a browser sends one, must be our own. */
  private checkOrigin(req: http.IncomingMessage): string | undefined {
    const hosts = this.allowedHosts();
    if (!req.headers.host || !hosts.has(req.headers.host)) return 'requests must be addressed to localhost';
    const origin = req.headers.origin;
    if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length))))
      return 'requests from other origins are refused';
    return undefined;
  }

  private hasToken(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.options.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refusal = this.checkOrigin(req);
    if (refusal) return sendError(res, 'forbidden', refusal);
    const url = new URL(req.url ?? '/', 'http://localhost');

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendError(res, 'bad_request', 'API calls are POST requests');
      const auth = req.headers.authorization;
      if (!this.hasToken(auth?.startsWith('Bearer ') ? auth.slice(7) : undefined))
        return sendError(res, 'unauthorized', 'this call needs the token the host printed at start-up');
      if (!this.connections.get(req.socket as Socket)?.proven) {
        if (this.provenCount() >= this.limits.connections) {
          res.shouldKeepAlive = false;
          return sendError(
            res,
            'busy',
            `the host already has ${this.limits.connections} connections open; close some or reuse them`,
          );
        }
        this.prove(req.socket as Socket);
      }
      const name = url.pathname.slice('/api/'.length);
      if (!Object.hasOwn(apiCalls, name)) return sendError(res, 'not_found', `there is no API call named ${name}`);
      return this.limited(name as ApiCallName, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'bad_request', 'only GET is served here');
    return this.serveFile(url.pathname, res);
  }

  /**
   * Runs a call in a slot, after waiting in line for one if need be; refuses it with 429 when
   * this connection already has as many calls as it may, the line is full, or no slot came
   * free in time. A slot is held until the handler has finished, even when the client went
   * away: what counts is the work on the nodes, not the open requests.
   */
  private async limited(name: ApiCallName, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (UNLIMITED_CALLS.has(name)) return this.call(name, req, res);
    const socket = req.socket;
    const onSocket = this.runningOn.get(socket) ?? 0;
    if (onSocket >= this.limits.callsPerConnection)
      return sendError(
        res,
        'busy',
        `this connection already has ${onSocket} calls running or waiting; wait for their answers or use another connection`,
      );
    this.runningOn.set(socket, onSocket + 1);
    try {
      // A caller that went away while it waited gives its turn to the next.
      const refusal = await this.slots.acquire(() => !socket.destroyed);
      if (refusal !== undefined) return socket.destroyed ? undefined : sendError(res, 'busy', refusal);
      try {
        await this.call(name, req, res);
      } finally {
        this.slots.release();
      }
    } finally {
      this.runningOn.set(socket, (this.runningOn.get(socket) ?? 1) - 1);
    }
  }

  private async call(name: ApiCallName, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const limit = this.options.maxBodyBytes ?? 2 * 1024 * 1024;
    let body: unknown;
    try {
      body = JSON.parse((await readRequestBody(req, limit)) || '{}');
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendError(res, 'too_large', err.message);
      if (err instanceof BodyAborted) return;
      return sendError(res, 'bad_request', 'the body is not valid JSON');
    }
    const parsed = apiCalls[name].input.safeParse(body);
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error.issues);
      return sendError(res, 'bad_request', `bad input for ${name}: ${fieldErrorsSentence(fields)}`, fields);
    }
    try {
      const handler = this.options.handlers[name] as (input: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      sendJson(res, 200, { result });
    } catch (err) {
      if (err instanceof ApiFailure) return sendError(res, err.code, err.message, err.fields);
      return sendError(res, 'internal', err instanceof Error ? err.message : String(err));
    }
  }

  private serveFile(pathname: string, res: http.ServerResponse): void {
    const root = path.resolve(this.options.rendererDir);
    let rel: string;
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return sendError(res, 'bad_request', 'malformed path');
    }
    let file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return sendError(res, 'not_found', 'not found');
    const isFile = (f: string) => fs.existsSync(f) && fs.statSync(f).isFile();
    // Client-side routes fall back to the app shell.
    if (!isFile(file) && !path.extname(file)) file = path.join(root, 'index.html');
    if (!isFile(file)) {
      if (rel === 'index.html') return sendError(res, 'unavailable', 'the UI is not built yet; run `npm run build`');
      return sendError(res, 'not_found', 'not found');
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers: http.OutgoingHttpHeaders = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = contentSecurityPolicy(this.port);
      headers['x-frame-options'] = 'DENY';
      headers['referrer-policy'] = 'no-referrer';
    }
    res.writeHead(200, headers);
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== LIVE_PATH) return refuse(404, 'Not Found');
    if (this.checkOrigin(req)) return refuse(403, 'Forbidden');
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!protocols.includes(LIVE_PROTOCOL) || !protocols.some((p) => this.hasToken(p)))
      return refuse(401, 'Unauthorized');
    if (this.wss.clients.size >= this.limits.liveClients) return refuse(503, 'Service Unavailable');
    // The live socket has shown the token: it no longer counts among the unproven.
    this.prove(socket as Socket);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      // An oversized frame or a broken connection: ws closes the socket itself (1009 and the
      // like); unhandled, the error would take the host down.
      ws.on('error', () => undefined);
      ws.on('message', () => ws.close(1008, 'the live channel only sends'));
      this.options.onLiveConnect?.((message) => ws.send(JSON.stringify(message)));
    });
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  code: ApiError['code'],
  message: string,
  fields?: readonly FieldError[],
): void {
  sendJson(res, STATUS_OF[code], { error: fields ? { code, message, fields } : { code, message } });
}
