import Database from 'better-sqlite3';
import path from 'node:path';
import fs from 'node:fs';
import { Wallet } from 'ethers';

/**
 * The node's own SQLite file. WAL mode with synchronous=FULL: a write that returned is on
 * disk, so a crash right after it can never lose a share or forget a used presignature.
 */
export class NodeStore {
  readonly db: Database.Database;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.db = new Database(path.join(dir, 'node.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        private_key TEXT NOT NULL,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  }

  /** The node's identity key: made once, then the same across every restart. */
  identity(): Wallet {
    const row = this.db.prepare('SELECT private_key FROM identity WHERE id = 1').get() as
      { private_key: string } | undefined;
    if (row) return new Wallet(row.private_key);
    const wallet = Wallet.createRandom();
    this.db
      .prepare('INSERT INTO identity (id, private_key, address, created_at) VALUES (1, ?, ?, ?)')
      .run(wallet.privateKey, wallet.address, Date.now());
    return new Wallet(wallet.privateKey);
  }

  close(): void {
    this.db.close();
  }
}
