import Database from 'better-sqlite3';

/** One state-changing JSON-RPC request as it went to anvil, and the transactions it carried. */
export interface JournalEntry {
  seq: number;
  /** The request body exactly as sent (a single call or a batch). */
  body: string;
  /** Hashes of the raw transactions in it (empty for e.g. anvil_setBalance). */
  txHashes: string[];
  at: number;
}

/**
 * Every state-changing request the chain received, in the order anvil applied them, written
 * durably (synchronous=FULL) before the request is forwarded. anvil saves its state only
 * every second; after a crash, what the restored chain lacks is replayed from here.
 */
export class ChainJournal {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS chain_journal (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      body TEXT NOT NULL,
      tx_hashes TEXT NOT NULL,
      at INTEGER NOT NULL
    )`);
    this.db.exec('CREATE TABLE IF NOT EXISTS chain_journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  /**
   * True while the journal still holds every request since the chain was created (nothing
   * pruned): then it alone can rebuild the chain, even without anvil's state file.
   */
  reachesGenesis(): boolean {
    return this.db.prepare("SELECT value FROM chain_journal_meta WHERE key = 'pruned'").get() === undefined;
  }

  append(body: string, txHashes: readonly string[]): number {
    return Number(
      this.db
        .prepare('INSERT INTO chain_journal (body, tx_hashes, at) VALUES (?, ?, ?)')
        .run(body, JSON.stringify(txHashes), Date.now()).lastInsertRowid,
    );
  }

  /** A request anvil refused changed nothing: it must not be replayed. */
  remove(seq: number): void {
    this.db.prepare('DELETE FROM chain_journal WHERE seq = ?').run(seq);
  }

  /** Newest first. */
  entriesNewestFirst(): JournalEntry[] {
    return (
      this.db.prepare('SELECT seq, body, tx_hashes, at FROM chain_journal ORDER BY seq DESC').all() as {
        seq: number;
        body: string;
        tx_hashes: string;
        at: number;
      }[]
    ).map((r) => ({ seq: r.seq, body: r.body, txHashes: JSON.parse(r.tx_hashes) as string[], at: r.at }));
  }

  /** Drops entries up to `seq` (the chain's saved state has them). */
  forgetUpTo(seq: number): void {
    if (seq <= 0) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM chain_journal WHERE seq <= ?').run(seq);
      this.db.prepare("INSERT OR REPLACE INTO chain_journal_meta (key, value) VALUES ('pruned', ?)").run(String(seq));
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM chain_journal').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
