/**
 * Values the nodes running one action exchange (runOnce results, broadcastAndCollect
 * values), per request id and name. A waiter gives up at its deadline; old requests are
 * forgotten so memory stays bounded.
 */
export class ActionMailbox {
  private readonly boxes = new Map<string, { at: number; values: Map<number, string>; waiters: (() => void)[] }>();

  private box(key: string) {
    let box = this.boxes.get(key);
    if (!box) {
      if (this.boxes.size > 2_000) {
        const cutoff = Date.now() - 120_000;
        for (const [k, b] of this.boxes) if (b.at < cutoff) this.boxes.delete(k);
      }
      box = { at: Date.now(), values: new Map(), waiters: [] };
      this.boxes.set(key, box);
    }
    return box;
  }

  put(requestId: string, name: string, from: number, value: string): void {
    const box = this.box(`${requestId}\u0000${name}`);
    if (box.values.has(from)) return; // first value wins; a node cannot change its answer
    box.values.set(from, value);
    for (const wake of box.waiters.splice(0)) wake();
  }

  /** Resolves with the values of `from` once all arrived; rejects at the deadline. */
  async collect(
    requestId: string,
    name: string,
    from: readonly number[],
    deadline: number,
  ): Promise<Map<number, string>> {
    const box = this.box(`${requestId}\u0000${name}`);
    for (;;) {
      if (from.every((i) => box.values.has(i))) return box.values;
      const left = deadline - Date.now();
      if (left <= 0) {
        const missing = from.filter((i) => !box.values.has(i));
        throw new Error(`nodes ${missing.join(', ')} did not send "${name}" in time`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        box.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Resolves with what arrived from `from` as soon as `enough` says so, all arrived, or the
   * deadline passed (then with what is there; never rejects): for exchanges where a quorum
   * suffices, so that one crashed node does not hold the others until the deadline.
   */
  async collectUntil(
    requestId: string,
    name: string,
    from: readonly number[],
    deadline: number,
    enough: (values: ReadonlyMap<number, string>) => boolean,
  ): Promise<Map<number, string>> {
    const box = this.box(`${requestId}\u0000${name}`);
    for (;;) {
      const left = deadline - Date.now();
      if (from.every((i) => box.values.has(i)) || enough(box.values) || left <= 0) return new Map(box.values);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        box.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
