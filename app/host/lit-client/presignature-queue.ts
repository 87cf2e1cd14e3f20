import { PresignaturesAvailable } from '../../shared/node-api.ts';
import { callNode, type NodeEndpoint } from './node-request.ts';

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
   */
  async take(
    waitMs = 15_000,
    usable: (choice: PresignatureChoice) => boolean = () => true,
  ): Promise<PresignatureChoice | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.queue.length < 32) {
        this.refilling ??= this.refill().finally(() => (this.refilling = undefined));
        if (this.queue.length === 0) await this.refilling;
      }
      let choice = this.queue.shift();
      while (choice && !usable(choice)) choice = this.queue.shift();
      if (choice) {
        this.handedOut.add(choice.id);
        return choice;
      }
      // Fewer than T nodes answering will not change by waiting for presignatures.
      if (Date.now() >= deadline || this.lastAnswered < this.threshold) return undefined;
      await new Promise((r) => setTimeout(r, 250));
    }
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

  private async refill(): Promise<void> {
    const reports = await Promise.allSettled(
      this.nodes().map((node) =>
        // Down nodes refuse at once; busy ones get as long as any node request.
        callNode<unknown>(node, '/presign/available?limit=400', undefined, 5_000).then((r) =>
          PresignaturesAvailable.parse(r),
        ),
      ),
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
