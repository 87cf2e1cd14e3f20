import { randomBytes } from 'node:crypto';
import { PROVIDER_ERRORS } from '../../shared/provider/provider-wire.ts';
import { chainRpcError, invalidParams, ProviderRpcError } from './provider-error.ts';

/** What the subscriptions read the chain through (the host's own chain client). */
export interface ChainReader {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** Subscriptions one WebSocket may hold at once. */
const MAX_PER_SOCKET = 32;
/** Blocks one poll reports at most (a long pause, a cheat that mined thousands): the newest ones. */
const MAX_CATCH_UP = 64;

type Subscription =
  | { kind: 'newHeads'; push: (result: unknown) => void }
  | { kind: 'logs'; filter: { address?: unknown; topics?: unknown }; push: (result: unknown) => void };

/**
 * `eth_subscribe` over the provider's WebSocket (newHeads, logs), as geth and anvil answer it:
 * `eth_subscription` notifications with the header, or each log. The host reaches the chain by
 * request only (anvil's own socket is out of everyone's reach), so while any subscription is
 * open one poll of eth_blockNumber runs every `pollMs`; a new block is read once and its header
 * and logs go to every subscriber. Nothing polls while nobody subscribes.
 */
export class ChainSubscriptions {
  readonly reader: ChainReader;
  private readonly pollMs: number;
  private readonly all = new Map<string, Subscription>();
  private lastBlock: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(chain: ChainReader, pollMs = 250) {
    this.reader = chain;
    this.pollMs = pollMs;
  }

  /** One socket's subscriptions: `end()` when the socket closes. */
  session(notify: (subscription: string, result: unknown) => void): SubscriptionSession {
    return new SubscriptionSession(this, notify);
  }

  get count(): number {
    return this.all.size;
  }

  async add(subscription: Subscription): Promise<string> {
    if (this.closed) throw new ProviderRpcError(PROVIDER_ERRORS.disconnected, 'Litbox is shutting down');
    if (this.lastBlock === undefined) this.lastBlock = Number(await this.reader.send('eth_blockNumber', []));
    const id = `0x${randomBytes(16).toString('hex')}`;
    this.all.set(id, subscription);
    this.schedule();
    return id;
  }

  remove(id: string): boolean {
    const had = this.all.delete(id);
    if (this.all.size === 0) this.stop();
    return had;
  }

  close(): void {
    this.closed = true;
    this.all.clear();
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // The next first subscription starts from the head of then, not from a block long past.
    this.lastBlock = undefined;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const timer = setTimeout(() => {
      void this.poll()
        .catch(() => undefined) // the chain restarting: the next poll catches up
        .finally(() => {
          if (this.timer !== timer) return; // stopped meanwhile; a new round may be running
          this.timer = undefined;
          if (this.all.size > 0) this.schedule();
        });
    }, this.pollMs);
    timer.unref();
    this.timer = timer;
  }

  private async poll(): Promise<void> {
    const head = Number(await this.reader.send('eth_blockNumber', []));
    const last = this.lastBlock;
    if (last === undefined || this.all.size === 0) return;
    if (head < last) {
      // The chain went back (evm_revert with cheats on): report from the new head on.
      this.lastBlock = head;
      return;
    }
    if (head === last) return;
    const from = Math.max(last + 1, head - MAX_CATCH_UP + 1);
    const subscribers = [...this.all.values()];
    // One that ended while this poll waited for the chain hears nothing more.
    const live = (s: Subscription) => [...this.all.values()].includes(s);
    if (subscribers.some((s) => s.kind === 'newHeads'))
      for (let n = from; n <= head; n++) {
        const block = (await this.reader.send('eth_getBlockByNumber', [hex(n), false])) as Record<
          string,
          unknown
        > | null;
        if (!block) continue;
        const { transactions: _t, uncles: _u, ...header } = block;
        for (const s of subscribers) if (s.kind === 'newHeads' && live(s)) s.push(header);
      }
    for (const s of subscribers)
      if (s.kind === 'logs') {
        let logs: unknown[];
        try {
          logs = (await this.reader.send('eth_getLogs', [
            { ...s.filter, fromBlock: hex(from), toBlock: hex(head) },
          ])) as unknown[];
        } catch {
          continue; // this filter alone; its check at eth_subscribe makes it rare
        }
        if (live(s)) for (const log of logs) s.push(log);
      }
    this.lastBlock = head;
  }
}

/** The subscriptions of one WebSocket. */
export class SubscriptionSession {
  private readonly hub: ChainSubscriptions;
  private readonly notify: (subscription: string, result: unknown) => void;
  private readonly mine = new Set<string>();

  constructor(hub: ChainSubscriptions, notify: (subscription: string, result: unknown) => void) {
    this.hub = hub;
    this.notify = notify;
  }

  /** eth_subscribe's params: ["newHeads"] or ["logs", { address?, topics? }]. */
  async subscribe(params: unknown[]): Promise<string> {
    if (this.mine.size >= MAX_PER_SOCKET)
      throw new ProviderRpcError(
        PROVIDER_ERRORS.limitExceeded,
        `a connection holds at most ${MAX_PER_SOCKET} subscriptions; eth_unsubscribe some first`,
      );
    const [kind, filter] = params;
    let id: string;
    const push = (result: unknown) => this.notify(id, result);
    if (kind === 'newHeads') id = await this.hub.add({ kind, push });
    else if (kind === 'logs') {
      if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter)))
        throw invalidParams('eth_subscribe("logs") takes a filter object { address?, topics? }');
      const { address, topics } = (filter ?? {}) as { address?: unknown; topics?: unknown };
      // The chain judges the filter once, so a bad one is refused here and not at every block.
      try {
        await this.hub.reader.send('eth_getLogs', [{ address, topics, fromBlock: 'latest', toBlock: 'latest' }]);
      } catch (err) {
        throw invalidParams(`the logs filter: ${chainRpcError(err, 'eth_getLogs').message}`);
      }
      id = await this.hub.add({ kind, filter: { address, topics }, push });
    } else
      throw invalidParams(
        `Litbox's sandbox offers the "newHeads" and "logs" subscriptions, not ${JSON.stringify(kind) ?? 'nothing'}`,
      );
    this.mine.add(id);
    return id;
  }

  /** false for an id this socket does not hold (another socket's stays untouched). */
  unsubscribe(id: unknown): boolean {
    if (typeof id !== 'string' || !this.mine.delete(id)) return false;
    return this.hub.remove(id);
  }

  end(): void {
    for (const id of this.mine) this.hub.remove(id);
    this.mine.clear();
  }
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
