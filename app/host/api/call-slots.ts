/**
 * The slots calls to the nodes run in: a fixed number at once, the rest waiting first come,
 * first served, for a bounded time. Why a queue and not more slots: the nodes share the
 * machine's cores, so 64 calls at once finish no sooner than 32 do; each only gets slower,
 * until the nodes' own per-request timeouts fire and the retries add load (the chaos run saw
 * latency climb to the limit and the host then refuse calls). Waiting in line keeps the calls
 * that run fast, and a burst is served late instead of refused.
 */
export interface CallSlotLimits {
  /** Calls that run at once. */
  running: number;
  /** Calls that may wait for a slot; one more is refused at once. */
  waiting: number;
  /** A call that waited this long for a slot is refused. */
  waitMs: number;
}

/** Why a call got no slot, in words for the caller. */
export type SlotRefusal = string;

interface Waiter {
  readonly grant: (refusal: SlotRefusal | undefined) => void;
  /** Whether the caller still wants the slot (its connection may have gone meanwhile). */
  readonly wanted: () => boolean;
}

export class CallSlots {
  private readonly limits: CallSlotLimits;
  private runningNow = 0;
  private readonly queue: Waiter[] = [];

  constructor(limits: CallSlotLimits) {
    if (!(limits.running >= 1 && limits.waiting >= 0 && limits.waitMs >= 0))
      throw new RangeError('call slots need at least one running slot, and no negative waits');
    this.limits = limits;
  }

  /** Calls running now, and waiting. */
  get running(): number {
    return this.runningNow;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * A slot, now or when one frees (undefined), or why there is none. The caller must call
   * `release()` once for every slot it got. `wanted` is asked when a slot frees: a caller that
   * went away is skipped, and its slot goes to the next.
   */
  acquire(wanted: () => boolean = () => true): Promise<SlotRefusal | undefined> {
    if (this.runningNow < this.limits.running && this.queue.length === 0) {
      this.runningNow++;
      return Promise.resolve(undefined);
    }
    if (this.queue.length >= this.limits.waiting)
      return Promise.resolve(
        `the host is busy with ${this.runningNow} calls and ${this.queue.length} waiting; try again in a moment`,
      );
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        resolve(
          `the host is busy: no slot came free within ${(this.limits.waitMs / 1000).toFixed(0)} s (${this.runningNow} calls running); try again in a moment`,
        );
      }, this.limits.waitMs);
      const waiter: Waiter = {
        grant: (refusal) => {
          clearTimeout(timer);
          resolve(refusal);
        },
        wanted,
      };
      this.queue.push(waiter);
    });
  }

  /** A call ended: its slot goes to the first waiter that still wants it. */
  release(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (next.wanted()) return next.grant(undefined);
      next.grant('the caller went away');
    }
    this.runningNow = Math.max(0, this.runningNow - 1);
  }
}
