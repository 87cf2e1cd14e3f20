import type Database from 'better-sqlite3';
import { openHostDatabase } from '../host-database.ts';

export type ActivityKind =
  | 'mint'
  | 'grant'
  | 'revoke'
  | 'permission'
  | 'signature'
  | 'message'
  | 'typed-data'
  | 'transaction'
  | 'action'
  | 'encryption'
  | 'decryption'
  /** A dapp or tool connected to (or disconnected from) the wallet provider. */
  | 'connection'
  | 'faucet';

export interface ActivityEntry {
  id: number;
  at: number;
  kind: ActivityKind;
  /** The PKP's address, when the entry is about one. */
  pkp: string | null;
  result: 'ok' | 'failed';
  /** What happened, in words (an error message when it failed). */
  detail: string;
  transactionHash: string | null;
  digest: string | null;
}

export interface KnownPkp {
  tokenId: string;
  publicKey: string;
  ethAddress: string;
}

/**
 * The wallet's own record, in the host's SQLite file: every mint, grant, revoke, signature,
 * transaction and decryption with its time, PKP, result and hashes, and every PKP the wallet
 * ever made (PKPs that own themselves included), kept across restarts.
 */
export class ActivityLog {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openHostDatabase(
      file,
      `
      CREATE TABLE IF NOT EXISTS activity (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        pkp TEXT,
        result TEXT NOT NULL CHECK (result IN ('ok', 'failed')),
        detail TEXT NOT NULL,
        transaction_hash TEXT,
        digest TEXT
      );
      CREATE INDEX IF NOT EXISTS activity_at ON activity (at DESC);
      CREATE TABLE IF NOT EXISTS pkps (
        token_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        eth_address TEXT NOT NULL,
        added_at INTEGER NOT NULL
      );
    `,
    );
  }

  record(entry: Omit<ActivityEntry, 'id' | 'at'>): void {
    this.db
      .prepare(
        'INSERT INTO activity (at, kind, pkp, result, detail, transaction_hash, digest) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        Date.now(),
        entry.kind,
        entry.pkp,
        entry.result,
        entry.detail.slice(0, 2_000),
        entry.transactionHash,
        entry.digest,
      );
  }

  rememberPkp(pkp: KnownPkp): void {
    this.db
      .prepare(
        'INSERT INTO pkps (token_id, public_key, eth_address, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(pkp.tokenId, pkp.publicKey, pkp.ethAddress, Date.now());
  }

  knownPkps(): KnownPkp[] {
    return (
      this.db.prepare('SELECT token_id, public_key, eth_address FROM pkps ORDER BY added_at').all() as {
        token_id: string;
        public_key: string;
        eth_address: string;
      }[]
    ).map((r) => ({ tokenId: r.token_id, publicKey: r.public_key, ethAddress: r.eth_address }));
  }

  /** Newest first; `query` matches kind, PKP, detail or hashes (case-blind). */
  search(query: string | undefined, limit = 200): ActivityEntry[] {
    const like = `%${(query ?? '').toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const rows = this.db
      .prepare(
        `SELECT * FROM activity
         WHERE ? = '%%' OR lower(kind || ' ' || ifnull(pkp, '') || ' ' || detail || ' ' || ifnull(transaction_hash, '') || ' ' || ifnull(digest, '')) LIKE ? ESCAPE '\\'
         ORDER BY id DESC LIMIT ?`,
      )
      .all(like, like, limit) as {
      id: number;
      at: number;
      kind: ActivityKind;
      pkp: string | null;
      result: 'ok' | 'failed';
      detail: string;
      transaction_hash: string | null;
      digest: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      pkp: r.pkp,
      result: r.result,
      detail: r.detail,
      transactionHash: r.transaction_hash,
      digest: r.digest,
    }));
  }

  close(): void {
    this.db.close();
  }
}
