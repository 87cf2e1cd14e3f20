import type Database from 'better-sqlite3';
import type { SealedBox } from '../sealed-box.ts';

export type KeyShareStatus = 'pending' | 'ready';

export interface StoredKeyShare {
  tokenId: string;
  publicKey: string;
  share: bigint;
  status: KeyShareStatus;
}

/**
 * This node's shares of PKP keys, sealed at rest. A share is 'pending' after DKG and
 * 'ready' once every node confirmed the same public key; only ready shares sign.
 */
export class KeyShareStore {
  private readonly db: Database.Database;
  private readonly box: SealedBox;
  private readonly cache = new Map<string, StoredKeyShare>();
  private countReadyStmt: Database.Statement | undefined;

  constructor(db: Database.Database, box: SealedBox) {
    this.db = db;
    this.box = box;
    db.exec(`
      CREATE TABLE IF NOT EXISTS key_shares (
        token_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        sealed_share BLOB NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'ready')),
        session TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  }

  /** Stores the shares of one DKG batch in one transaction (all or nothing). */
  savePending(session: string, shares: readonly { tokenId: string; publicKey: string; share: bigint }[]): void {
    const insert = this.db.prepare(
      `INSERT INTO key_shares (token_id, public_key, sealed_share, status, session, created_at)
       VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT(token_id) DO NOTHING`,
    );
    this.db.transaction(() => {
      for (const s of shares)
        insert.run(
          s.tokenId,
          s.publicKey,
          this.box.seal(Buffer.from(s.share.toString(16), 'utf8'), `share:${s.tokenId}`),
          session,
          Date.now(),
        );
    })();
  }

  markReady(tokenIds: readonly string[]): void {
    const update = this.db.prepare(`UPDATE key_shares SET status = 'ready' WHERE token_id = ?`);
    this.db.transaction(() => {
      for (const id of tokenIds) update.run(id);
    })();
    for (const id of tokenIds) this.cache.delete(id);
  }

  get(tokenId: string): StoredKeyShare | undefined {
    const hit = this.cache.get(tokenId);
    if (hit) return hit;
    const row = this.db
      .prepare('SELECT token_id, public_key, sealed_share, status FROM key_shares WHERE token_id = ?')
      .get(tokenId) as
      { token_id: string; public_key: string; sealed_share: Buffer; status: KeyShareStatus } | undefined;
    if (!row) return undefined;
    const share = BigInt(`0x${this.box.open(row.sealed_share, `share:${row.token_id}`).toString('utf8')}`);
    const stored = { tokenId: row.token_id, publicKey: row.public_key, share, status: row.status };
    if (stored.status === 'ready') this.cache.set(tokenId, stored);
    return stored;
  }

  countReady(): number {
    // Prepared once: /health asks for it on every poll.
    this.countReadyStmt ??= this.db.prepare(`SELECT count(*) AS n FROM key_shares WHERE status = 'ready'`);
    return (this.countReadyStmt.get() as { n: number }).n;
  }
}
