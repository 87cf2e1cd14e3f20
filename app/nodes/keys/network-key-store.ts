import type Database from 'better-sqlite3';
import { NodeRequestError } from '../node-request-error.ts';
import type { SealedBox } from '../sealed-box.ts';

/**
 * This node's share of the network's BLS12-381 key (made once, at genesis, by DKG). Only one
 * key ever becomes ready: a second DKG (two leaders for a moment) cannot replace it.
 */
export class NetworkKeyStore {
  private readonly db: Database.Database;
  private readonly box: SealedBox;
  private cached: { publicKey: string; share: bigint } | undefined;

  constructor(db: Database.Database, box: SealedBox) {
    this.db = db;
    this.box = box;
    db.exec(`
      CREATE TABLE IF NOT EXISTS network_key_shares (
        session TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        sealed_share BLOB NOT NULL,
        ready INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS one_ready_network_key ON network_key_shares (ready) WHERE ready = 1;
    `);
  }

  savePending(session: string, publicKey: string, share: bigint): void {
    this.db
      .prepare(
        'INSERT INTO network_key_shares (session, public_key, sealed_share, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(session, publicKey, this.box.seal(Buffer.from(share.toString(16)), `network-key:${session}`), Date.now());
  }

  markReady(session: string, publicKey: string): void {
    const ready = this.ready();
    if (ready) {
      if (ready.publicKey === publicKey) return;
      throw new NodeRequestError(409, 'network_key_exists', 'this network already has its BLS key');
    }
    const changed = this.db
      .prepare('UPDATE network_key_shares SET ready = 1 WHERE session = ? AND public_key = ?')
      .run(session, publicKey).changes;
    if (changed !== 1)
      throw new NodeRequestError(409, 'disagreement', 'the confirmed network key is not the one this node holds');
  }

  /** The ready key and this node's share, or undefined before genesis finished. */
  ready(): { publicKey: string; share: bigint } | undefined {
    if (this.cached) return this.cached;
    const row = this.db
      .prepare('SELECT session, public_key, sealed_share FROM network_key_shares WHERE ready = 1')
      .get() as { session: string; public_key: string; sealed_share: Buffer } | undefined;
    if (!row) return undefined;
    const share = BigInt(`0x${this.box.open(row.sealed_share, `network-key:${row.session}`).toString('utf8')}`);
    this.cached = { publicKey: row.public_key, share };
    return this.cached;
  }
}
