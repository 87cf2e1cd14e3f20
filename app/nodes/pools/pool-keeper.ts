import { KEY_TYPE } from '../../shared/contracts/index.ts';
import type { NodeContext } from '../node-context.ts';
import { runDkgBatch } from '../protocols/dkg-protocol.ts';
import { NETWORK_KEY, PKP_KEYS } from '../protocols/dkg-purposes.ts';
import { askPresignAvailable, runPresignBatch } from '../protocols/presign-protocol.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';
import { presignBatchInBackground, presignBatchSize, presignBatchWanted } from './presign-batch-policy.ts';

export interface PoolTargets {
  /** Routed, unminted PKP keys the network keeps ready, so minting is one transaction. */
  keys: number;
  keyBatch: number;
  /** Fresh presignatures each node keeps; a batch starts when the smallest pool is below half. */
  presignatures: number;
  presignBatch: number;
}

export const DEFAULT_POOL_TARGETS: PoolTargets = { keys: 8, keyBatch: 8, presignatures: 400, presignBatch: 100 };

/** How soon the leader tries again after a round of upkeep failed. */
const RETRY_AFTER_FAILURE_MS = 100;

/**
 * The background work of the network. The leader is the lowest-indexed node that answers;
 * only it starts DKG and presignature batches (two leaders for a moment are harmless: their
 * batches are independent). Keys need all N nodes up; presignatures need T.
 */
export class PoolKeeper {
  private readonly ctx: NodeContext;
  private readonly targets: PoolTargets;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private presignCheckedAt = 0;
  private presignAgain = false;
  /** Whether this node led at its last look (it then looks at the pools more often). */
  private leading = false;
  /** Whether, at the leader's last look, the network key was made and the key pool full. */
  private keysFull = false;
  /** Set by start(). */
  private intervals: { intervalMs: number; followerIntervalMs: number; quietIntervalMs: number } | undefined;
  /** lookNow() came during a look: look again right after it. */
  private lookWanted = false;
  /** The live nodes at the last look at the presignature pools ("1,2,4,..."). */
  private presignLive = '';

  constructor(ctx: NodeContext, targets: PoolTargets) {
    this.ctx = ctx;
    this.targets = targets;
  }

  /**
   * `intervalMs`: how often the leader looks at the pools while the network key or the key pool
   * is short (genesis, after mints); `quietIntervalMs` once both are full, as presignatures are
   * looked at once a second anyway. The other nodes only check, every `followerIntervalMs`,
   * whether a lower-indexed node answers (then it leads): each look costs requests to every
   * node, and N nodes looking 4 times a second kept a 2-core machine a third busy idling; the
   * leader alone looking 4 times a second was a fifth of an idle network's CPU.
   */
  start(intervalMs = 250, followerIntervalMs = 1_000, quietIntervalMs = 1_000): void {
    this.intervals = { intervalMs, followerIntervalMs, quietIntervalMs };
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * A node went down or came back (the host says so): look now, not at the next turn. The
   * presignatures the live nodes share may have become none, and requests wait for a batch
   * among them; at the quiet pace that look came up to a second late, and a second of requests
   * piled up behind it.
   */
  lookNow(): void {
    if (this.stopped || !this.intervals) return;
    if (this.running) this.lookWanted = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(), ms);
  }

  private async loop(): Promise<void> {
    if (this.stopped || !this.intervals) return;
    let again = false;
    let failed = false;
    try {
      again = await this.tick();
    } catch (err) {
      failed = true;
      this.ctx.log(`pool keeper: ${(err as Error).message.slice(0, 500)}`);
    }
    again ||= this.lookWanted;
    this.lookWanted = false;
    const { intervalMs, followerIntervalMs, quietIntervalMs } = this.intervals;
    const every = !this.leading ? followerIntervalMs : this.keysFull ? quietIntervalMs : intervalMs;
    // A batch that failed (a node in it went down midway) is tried again soon among the nodes
    // live then, not at the next turn: requests may be waiting for it.
    this.schedule(again ? 0 : failed && this.leading ? Math.min(every, RETRY_AFTER_FAILURE_MS) : every);
  }

  /** One round of upkeep; true when more work is waiting right away. */
  private async tick(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    try {
      this.leading = false;
      this.keysFull = false;
      if (await this.ctx.peers.anyLiveBelow(this.ctx.index)) return false;
      const { live, joining } = await this.ctx.peers.liveAndJoining();
      const leader = live.reduce<PeerInfo | undefined>((min, p) => (!min || p.index < min.index ? p : min), undefined);
      if (leader?.index !== this.ctx.index) return false;
      this.leading = true;
      return (
        (await this.keepNetworkKey(live)) ||
        (await this.keepKeys(live)) ||
        (await this.keepPresignatures(live, joining))
      );
    } finally {
      this.running = false;
    }
  }

  /** Genesis: the network's BLS key, once, with all N nodes. */
  private async keepNetworkKey(live: PeerInfo[]): Promise<boolean> {
    if (this.ctx.networkKey.ready()) return false;
    if ((await this.everyNode(live)).length < this.ctx.nodeCount) return false;
    const started = Date.now();
    const [publicKey] = await runDkgBatch(this.ctx, NETWORK_KEY, 1);
    this.ctx.log(`made the network BLS key ${publicKey} by DKG in ${Date.now() - started} ms`);
    return true;
  }

  private async keepKeys(live: PeerInfo[]): Promise<boolean> {
    // Genesis order: the network key first. Keys made before it let a caller that waited for the
    // key pool find encryption still refused (CI saw that once, with one node slow to answer).
    if (!this.ctx.networkKey.ready()) return false;
    const unminted = Number(await this.ctx.chain.contracts.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA));
    const missing = this.targets.keys - unminted;
    this.keysFull = missing <= 0;
    if (missing <= 0) return false;
    if ((await this.everyNode(live)).length < this.ctx.nodeCount) return false;
    const count = Math.min(missing, this.targets.keyBatch);
    const started = Date.now();
    await runDkgBatch(this.ctx, PKP_KEYS, count);
    this.ctx.log(`made and routed ${count} PKP keys by DKG in ${Date.now() - started} ms`);
    return true;
  }

  /**
   * The live nodes, asked again with more patience when some did not answer: a DKG needs every
   * node, and a node busy with presignature work (or on a loaded machine) may miss the 1 s health
   * check; without this, genesis and the key pool would wait behind every presignature batch.
   */
  private async everyNode(live: PeerInfo[]): Promise<PeerInfo[]> {
    return live.length < this.ctx.nodeCount ? this.ctx.peers.live(5_000) : live;
  }

  /**
   * Presignatures are usable only while T live nodes hold them fresh. A node's own count is not
   * that: a node that was down while the others signed still counts the presignatures they used
   * as fresh. So the leader looks at which ids the live nodes list and counts those T of them
   * share; presign-batch-policy.ts decides from that whether a batch starts.
   */
  private async keepPresignatures(live: PeerInfo[], joining: number): Promise<boolean> {
    if (live.length < this.ctx.threshold) return false;
    // Listing the pools costs every node a query: once a second is enough, unless a batch just ran
    // or the live nodes changed (then the presignatures they share may be none).
    const liveNow = live.map((p) => p.index).join(',');
    const sameLive = liveNow === this.presignLive;
    if (!this.presignAgain && sameLive && Date.now() - this.presignCheckedAt < 1_000) return false;
    this.presignCheckedAt = Date.now();
    this.presignLive = liveNow;
    this.presignAgain = false;
    const lists = await Promise.all(
      live.map(async (p) => {
        try {
          return (await askPresignAvailable(this.ctx, p, this.targets.presignatures)).ids;
        } catch {
          return undefined; // a node that does not answer says nothing about the pools
        }
      }),
    );
    const known = lists.filter((ids): ids is string[] => Array.isArray(ids));
    if (known.length < this.ctx.threshold) return false;
    const holders = new Map<string, number>();
    for (const ids of known) for (const id of ids) holders.set(id, (holders.get(id) ?? 0) + 1);
    const usable = [...holders.values()].filter((n) => n >= this.ctx.threshold).length;
    const fewestHeld = Math.min(
      ...known.map((ids) => ids.filter((id) => holders.get(id)! >= this.ctx.threshold).length),
    );
    const wanted = presignBatchWanted({
      usable,
      fewestHeld,
      live: live.length,
      joining,
      threshold: this.ctx.threshold,
      nodeCount: this.ctx.nodeCount,
      target: this.targets.presignatures,
    });
    if (!wanted) return false;
    const count = presignBatchSize(usable, this.targets.presignBatch);
    const started = performance.now();
    this.presignAgain = true; // should the batch fail, the next look goes ahead
    const background = presignBatchInBackground(usable, this.targets.presignatures);
    await runPresignBatch(this.ctx, live, count, background);
    const ms = performance.now() - started;
    this.ctx.log(
      `made ${count} presignatures among ${live.length} nodes in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each)${background ? ' in the background' : ''}`,
    );
    this.presignAgain = usable + count < this.targets.presignatures;
    return this.presignAgain;
  }
}
