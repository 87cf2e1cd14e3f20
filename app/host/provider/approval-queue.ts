import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SignAs } from '../../shared/api/contract.ts';
import type { PendingApproval } from '../../shared/provider/provider-wire.ts';

/** The person's answer, or why there was none. */
export type ApprovalDecision =
  { approve: true; publicKeys?: string[]; as?: SignAs } | { approve: false; reason: 'rejected' | 'timeout' | 'closed' };

interface Waiting {
  entry: PendingApproval;
  resolve: (decision: ApprovalDecision) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests from dapps and tools that wait for the person, oldest first. Each ends exactly once:
 * approved, rejected, timed out, or closed with the host. Emits `change` whenever the list changes
 * (the host pushes the new list to the UI at once: that push is what makes the prompt appear).
 */
export class ApprovalQueue extends EventEmitter<{ change: [] }> {
  private readonly waiting = new Map<string, Waiting>();
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super();
    this.timeoutMs = timeoutMs;
  }

  add(request: Omit<PendingApproval, 'id' | 'createdAt' | 'expiresAt'>): {
    id: string;
    decision: Promise<ApprovalDecision>;
  } {
    const id = randomBytes(12).toString('hex');
    const createdAt = Date.now();
    const entry: PendingApproval = { ...request, id, createdAt, expiresAt: createdAt + this.timeoutMs };
    const decision = new Promise<ApprovalDecision>((resolve) => {
      const timer = setTimeout(() => this.finish(id, { approve: false, reason: 'timeout' }), this.timeoutMs);
      timer.unref();
      this.waiting.set(id, { entry, resolve, timer });
    });
    this.emit('change');
    return { id, decision };
  }

  /** The person's answer; false when the request is no longer waiting (answered, timed out). */
  decide(id: string, decision: ApprovalDecision): boolean {
    return this.finish(id, decision);
  }

  list(): PendingApproval[] {
    return [...this.waiting.values()].map((w) => w.entry);
  }

  countFor(client: string): number {
    let n = 0;
    for (const w of this.waiting.values()) if (w.entry.client === client) n++;
    return n;
  }

  /** A waiting connection request of this client, so repeated eth_requestAccounts share one prompt. */
  pendingConnect(client: string): string | undefined {
    for (const w of this.waiting.values())
      if (w.entry.client === client && w.entry.kind === 'connect') return w.entry.id;
    return undefined;
  }

  close(): void {
    for (const id of [...this.waiting.keys()]) this.finish(id, { approve: false, reason: 'closed' });
  }

  private finish(id: string, decision: ApprovalDecision): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    clearTimeout(w.timer);
    this.waiting.delete(id);
    w.resolve(decision);
    this.emit('change');
    return true;
  }
}
