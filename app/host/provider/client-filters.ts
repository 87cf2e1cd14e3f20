/**
 * Which client made which chain filter (eth_newFilter, eth_newBlockFilter,
 * eth_newPendingTransactionFilter). anvil keeps filters for the whole chain; through the
 * provider a client reads and removes only its own, and holds a bounded number. anvil forgets a
 * filter nobody polled for 5 minutes; so does this list.
 */
export class ClientFilters {
  private readonly byClient = new Map<string, Map<string, number>>();
  private readonly max: number;
  private readonly idleMs: number;

  constructor(max = 32, idleMs = 5 * 60_000) {
    this.max = max;
    this.idleMs = idleMs;
  }

  /** Whether the client may make one more filter now. */
  hasRoom(client: string, now = Date.now()): boolean {
    const mine = this.byClient.get(client);
    if (!mine) return true;
    for (const [id, usedAt] of mine) if (now - usedAt > this.idleMs) mine.delete(id);
    return mine.size < this.max;
  }

  add(client: string, id: string, now = Date.now()): void {
    let mine = this.byClient.get(client);
    if (!mine) this.byClient.set(client, (mine = new Map()));
    mine.set(id.toLowerCase(), now);
  }

  /** True when the client made this filter (and marks it used). */
  owns(client: string, id: unknown, now = Date.now()): boolean {
    if (typeof id !== 'string') return false;
    const mine = this.byClient.get(client);
    const key = id.toLowerCase();
    if (!mine?.has(key)) return false;
    mine.set(key, now);
    return true;
  }

  remove(client: string, id: string): void {
    const mine = this.byClient.get(client);
    mine?.delete(id.toLowerCase());
    if (mine?.size === 0) this.byClient.delete(client);
  }
}
