import net from 'node:net';
import { JsonRpcProvider, Network, type JsonRpcPayload, type JsonRpcResult } from 'ethers';

/** Idle connections kept per client; more concurrent requests open more, and close them after. */
const MAX_IDLE_CONNECTIONS = 8;

/**
 * JSON-RPC over anvil's IPC socket (a Unix socket in the data directory, a named pipe on
 * Windows). anvil answers each request with one line, but answers pipelined requests out of
 * order, so each connection carries one request at a time; a few connections are kept open.
 */
export class IpcRpcClient {
  private readonly idle: net.Socket[] = [];
  /** How each idle connection leaves the pool when anvil closes it. */
  private readonly leavePool = new Map<net.Socket, () => void>();
  private closed = false;
  readonly socketPath: string;
  private readonly timeoutMs: number;

  constructor(socketPath: string, timeoutMs = 60_000) {
    this.socketPath = socketPath;
    this.timeoutMs = timeoutMs;
  }

  /** Sends one JSON-RPC body (a call or a batch) and resolves with anvil's answer text. */
  async request(body: string): Promise<string> {
    const reused = this.idle.pop();
    if (!reused) return this.exchange(this.connect(), body);
    try {
      return await this.exchange(reused, body);
    } catch (err) {
      // An idle connection anvil closed (it restarted): try once more on a fresh one.
      if (err instanceof ConnectionLost && !err.answered) return this.exchange(this.connect(), body);
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    for (const socket of this.idle.splice(0)) socket.destroy();
  }

  private connect(): net.Socket {
    if (this.closed) throw new Error('the chain connection is closed');
    const socket = net.connect(this.socketPath);
    socket.setEncoding('utf8');
    socket.on('error', () => undefined); // reported by the exchange that sees it, or the close drops it
    return socket;
  }

  private exchange(socket: net.Socket, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      const finish = (err: Error | undefined, answer?: string) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (err) {
          socket.destroy();
          reject(err);
          return;
        }
        if (!this.closed && this.idle.length < MAX_IDLE_CONNECTIONS && buffered.length === 0) {
          const drop = () => {
            const at = this.idle.indexOf(socket);
            if (at >= 0) this.idle.splice(at, 1);
            this.leavePool.delete(socket);
          };
          socket.once('close', drop);
          this.leavePool.set(socket, drop);
          this.idle.push(socket);
        } else socket.destroy();
        resolve(answer!);
      };
      const onData = (chunk: string) => {
        buffered += chunk;
        const end = buffered.indexOf('\n');
        if (end < 0) return;
        const answer = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        finish(undefined, answer);
      };
      const onError = (err: Error) => finish(new ConnectionLost(err.message, buffered.length > 0));
      const onClose = () => finish(new ConnectionLost('anvil closed the connection', buffered.length > 0));
      const timer = setTimeout(
        () => finish(new Error(`anvil did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const drop = this.leavePool.get(socket);
      if (drop) {
        socket.off('close', drop);
        this.leavePool.delete(socket);
      }
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.write(body);
    });
  }
}

/** A line from anvil longer than this is not a block header: the watch gives up. */
const MAX_NOTIFICATION_CHARS = 1_000_000;

/**
 * Calls `onBlock` with each new block's number as anvil mines it, pushed over a connection of
 * its own (eth_subscribe to newHeads), so that nothing has to poll for it. `onLost` is called
 * once if the subscription is refused or the connection fails or closes (anvil went away);
 * nothing is called after that, nor after `close()`.
 */
export function watchNewHeads(
  socketPath: string,
  onBlock: (blockNumber: number) => void,
  onLost: () => void,
): { close(): void } {
  let ended = false;
  let buffered = '';
  const socket = net.connect(socketPath);
  socket.setEncoding('utf8');
  const lose = () => {
    if (ended) return;
    ended = true;
    socket.destroy();
    onLost();
  };
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0 && !ended; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      let message: { id?: unknown; error?: unknown; method?: unknown; params?: { result?: { number?: unknown } } };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return lose();
      }
      if (message.id === 1 && message.error !== undefined) return lose();
      const number = message.method === 'eth_subscription' ? message.params?.result?.number : undefined;
      if (typeof number === 'string') onBlock(Number(number));
    }
    if (buffered.length > MAX_NOTIFICATION_CHARS) lose();
  });
  socket.on('error', lose);
  socket.on('close', lose);
  socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] })}\n`);
  return {
    close() {
      ended = true;
      socket.destroy();
    },
  };
}

class ConnectionLost extends Error {
  readonly answered: boolean;
  constructor(message: string, answered: boolean) {
    super(`the chain connection was lost: ${message}`);
    this.answered = answered;
  }
}

/**
 * An ethers provider over any function that carries a JSON-RPC body and returns the answer:
 * anvil's IPC socket (nodes, tests) or the host's gateway in process. Tuned as
 * localChainProvider is (no network detection, no cache, no batching, fast polling).
 */
export class BodyRpcProvider extends JsonRpcProvider {
  private readonly sendBody: (body: string) => Promise<string>;
  private readonly onDestroy: () => void;

  /** `label` names the path in error messages (it is never fetched). */
  constructor(
    label: string,
    sendBody: (body: string) => Promise<string>,
    chainId: number | bigint,
    pollingIntervalMs = 50,
    onDestroy: () => void = () => undefined,
  ) {
    const network = Network.from(chainId);
    super(label, network, {
      staticNetwork: network,
      cacheTimeout: -1,
      batchMaxCount: 1,
      pollingInterval: pollingIntervalMs,
    });
    this.pollingInterval = pollingIntervalMs;
    this.sendBody = sendBody;
    this.onDestroy = onDestroy;
  }

  // ethers types the answers as results, though it handles the errors among them too.
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const answer: unknown = JSON.parse(await this.sendBody(JSON.stringify(payload)));
    return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
  }

  override destroy(): void {
    super.destroy();
    this.onDestroy();
  }
}

/** A provider straight to anvil over its IPC socket: for Litbox's own processes only. */
export function ipcChainProvider(
  socketPath: string,
  chainId: number | bigint,
  pollingIntervalMs = 50,
): BodyRpcProvider {
  const client = new IpcRpcClient(socketPath);
  return new BodyRpcProvider(
    `ipc:${socketPath}`,
    (body) => client.request(body),
    chainId,
    pollingIntervalMs,
    () => client.close(),
  );
}
