import { PresignaturesAvailable } from '../../shared/node-api.ts';
import { callNode, type NodeEndpoint } from './node-request.ts';
import { settleWithQuorum } from './quorum.ts';

export interface PresignatureChoice {
  id: string;
  /** Nodes that hold it. */
  holders: number[];
}

/**
 * The client's view of which presignatures the nodes hold: ids that at least T reachable
 * nodes report as fresh, handed out once each. Which presignature a request uses is the
 * client's choice; the nodes' bindings, not this queue, make reuse impossible.
 */
export class PresignatureQueue {
  private queue: PresignatureChoice[] = [];
  private handedOut = new Set<string>();
  private refilling: Promise<void> | undefined;
  /** How many nodes answered the last availability query. */
  private lastAnswered = 0;
  private readonly nodes: () => readonly NodeEndpoint[];
  private readonly threshold: number;

  constructor(nodes: () => readonly NodeEndpoint[], threshold: number) {
    this.nodes = nodes;
    this.threshold = threshold;
  }

  /**
   * The next presignature; when none is known, asks the nodes again until `waitMs` passed
   * (right after start-up the nodes are still making the first batch). Choices `usable` refuses
   * (say, too many of their holders are down now) are dropped; the next refill offers them again.
   * With `score`, the best-scoring of the next few is taken (say, the one most live nodes hold).
   */
  async take(
    waitMs = 15_000,
    usable: (choice: PresignatureChoice) => boolean = () => true,
    score?: (choice: PresignatureChoice) => number,
  ): Promise<PresignatureChoice | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.queue.length < 32) {
        this.refilling ??= this.refill().finally(() => (this.refilling = undefined));
        if (this.queue.length === 0) await this.refilling;
      }
      const choice = this.pick(usable, score);
      if (choice) {
        this.handedOut.add(choice.id);
        return choice;
      }
      // Fewer than T nodes answering will not change by waiting for presignatures.
      if (Date.now() >= deadline || this.lastAnswered < this.threshold) return undefined;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private pick(
    usable: (choice: PresignatureChoice) => boolean,
    score: ((choice: PresignatureChoice) => number) | undefined,
  ): PresignatureChoice | undefined {
    this.queue = this.queue.filter((c, i) => i >= 64 || usable(c));
    let best = 0;
    if (score)
      for (let i = 1; i < Math.min(this.queue.length, 64); i++)
        if (score(this.queue[i]!) > score(this.queue[best]!)) best = i;
    return this.queue.splice(best, 1)[0];
  }

  /** Presignatures offered but not used (an action signed less than offered) go back first. */
  giveBack(choices: readonly PresignatureChoice[]): void {
    for (const c of choices) this.handedOut.delete(c.id);
    this.queue.unshift(...choices);
  }

  /** Forget what we believed (after a node restarted, say). */
  reset(): void {
    this.queue = [];
  }

  /** Learns which presignatures the nodes hold now, so the first request does not wait for it. */
  async prefetch(): Promise<void> {
    if (this.queue.length > 0) return;
    this.refilling ??= this.refill().finally(() => (this.refilling = undefined));
    await this.refilling;
  }

  private async refill(): Promise<void> {
    // Down nodes refuse at once; once T answered, a busy one gets a second more, not the whole
    // timeout (a presignature it holds is then offered without it).
    const reports = await settleWithQuorum(
      this.nodes().map((node) =>
        callNode<unknown>(node, '/presign/available?limit=400', undefined, 5_000).then((r) =>
          PresignaturesAvailable.parse(r),
        ),
      ),
      this.threshold,
      1_000,
    );
    this.lastAnswered = reports.filter((r) => r.status === 'fulfilled').length;
    const holders = new Map<string, number[]>();
    for (const report of reports) {
      if (report.status !== 'fulfilled') continue;
      for (const id of report.value.ids) {
        const list = holders.get(id) ?? [];
        list.push(report.value.node);
        holders.set(id, list);
      }
    }
    const queued = new Set(this.queue.map((c) => c.id));
    for (const [id, nodes] of holders) {
      if (nodes.length >= this.threshold && !queued.has(id) && !this.handedOut.has(id))
        this.queue.push({ id, holders: nodes });
    }
    if (this.handedOut.size > 100_000) this.handedOut = new Set();
  }
}
