import WebSocket from 'ws';
import { NODE_RPC_PATH, type NodeRpcResponse } from '../../shared/node-api.ts';
import {
  NODE_ROUTES,
  type NodeRouteName,
  type NodeRouteRequest,
  type NodeRouteResponse,
} from '../../shared/node-protocol.ts';
import { clientHeaders, NodeCallError, nodeErrorFrom, parseNodeAnswer, type NodeEndpoint } from './node-request.ts';

/**
 * How often a channel known down tries to open again while requests look at it. A node that is
 * down refuses at once and one still starting answers 503, so a try costs next to nothing; a
 * second (as before) left a node that came back out of every request for up to a second, and
 * with N − T others down then, requests waited that long for T nodes.
 */
const REOPEN_EVERY_MS = 150;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: NodeCallError) => void;
  timer: NodeJS.Timeout;
}

/**
 * One persistent WebSocket to one node for the signing requests: a request is a frame, not
 * an HTTP exchange. Opened on first use, reopened after it drops; a request on a node that
 * cannot be reached fails at once as "unreachable".
 */
export class NodeChannel {
  private socket: WebSocket | undefined;
  private opening: Promise<WebSocket> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly node: NodeEndpoint;
  private readonly onReopen: () => void;
  /** Whether a socket was ever open: the next one to open means the node came back. */
  private wasOpen = false;
  /** When the channel was last found unable to open, or closed; 0 while it is open or untried. */
  private downSince = 0;

  /** `onReopen`: called when the channel opens again after it dropped (the node restarted, say). */
  constructor(node: NodeEndpoint, onReopen: () => void = () => {}) {
    this.node = node;
    this.onReopen = onReopen;
  }

  get endpoint(): NodeEndpoint {
    return this.node;
  }

  /** Calls sent and not answered yet: a node that is slow now (busy, just restarted) has more. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Whether the node is known to be down now: its channel closed or could not open, and has not
   * opened since. Untried counts as up. A channel known down tries to open again in the
   * background (at most every REOPEN_EVERY_MS), so a node that came back is found without anyone
   * having to send it a request first.
   */
  get knownDown(): boolean {
    if (this.downSince === 0) return false;
    if (Date.now() - this.downSince > REOPEN_EVERY_MS && !this.opening) {
      this.downSince = Date.now();
      this.open(5_000).catch(() => undefined);
    }
    return true;
  }

  /** Calls one of the node's POST routes by name; the answer is parsed with the route's schema. */
  async call<N extends NodeRouteName>(
    name: N,
    body: NodeRouteRequest<N>,
    timeoutMs: number,
  ): Promise<NodeRouteResponse<N>> {
    const socket = await this.open(timeoutMs);
    const id = this.nextId++;
    const frame = JSON.stringify({ id, path: NODE_ROUTES[name].path, body: JSON.stringify(body) });
    const answer = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NodeCallError(this.node.index, 0, 'timeout', 'did not answer in time'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(frame);
    });
    return parseNodeAnswer(this.node.index, name, answer);
  }

  /** Opens the channel now (resolves when open; rejects when the node is unreachable). */
  async connect(timeoutMs: number): Promise<void> {
    await this.open(timeoutMs);
  }

  private open(timeoutMs: number): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${this.node.url.replace(/^http/, 'ws')}${NODE_RPC_PATH}`, {
        handshakeTimeout: timeoutMs,
        headers: clientHeaders(this.node),
      });
      socket.once('open', () => {
        this.socket = socket;
        this.downSince = 0;
        if (this.wasOpen) this.onReopen();
        this.wasOpen = true;
        resolve(socket);
      });
      // Every error, not just the first: a later one (a reset, an oversized frame) must not go unhandled.
      socket.on('error', () => {
        if (this.socket !== socket) this.downSince ||= Date.now();
        reject(new NodeCallError(this.node.index, 0, 'unreachable', 'is unreachable'));
      });
      // A node still starting refuses the channel (503) until it has joined the network.
      socket.once('unexpected-response', (request, response) => {
        this.downSince ||= Date.now();
        request.destroy();
        reject(
          new NodeCallError(
            this.node.index,
            0,
            'unreachable',
            response.statusCode === 503 ? 'is still starting' : `refused the channel (${response.statusCode})`,
          ),
        );
      });
      socket.on('message', (data) => this.onMessage(String(data)));
      socket.once('close', () => {
        if (this.socket === socket) {
          this.socket = undefined;
          this.downSince ||= Date.now();
        }
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new NodeCallError(this.node.index, 0, 'unreachable', 'closed the connection'));
          this.pending.delete(id);
        }
      });
    }).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private onMessage(text: string): void {
    let response: NodeRpcResponse;
    try {
      response = JSON.parse(text) as NodeRpcResponse;
    } catch {
      return;
    }
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.status === 200) pending.resolve(response.result);
    else pending.reject(nodeErrorFrom(this.node.index, response.status, { error: response.error }));
  }

  close(): void {
    this.socket?.close();
  }
}
