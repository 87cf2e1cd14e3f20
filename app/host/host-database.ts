import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Opens the host's SQLite file (WAL) and makes sure `schema` exists: the activity log, PKP names
 * and provider connections each keep their own table in it.
 *
 * synchronous=NORMAL, set on every open: a commit is in the WAL file when the call returns, so
 * it survives any process being killed (the promise of docs/RELIABILITY.md), and no commit waits
 * for an fsync on the host's event loop, which every signature passes through. Left unset, the
 * setting differed by file: NORMAL on a new file (SQLite's WAL default as better-sqlite3 builds
 * it) but FULL on a reopened one, an fsync per activity entry on the wallets people keep.
 */
export function openHostDatabase(file: string, schema: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(schema);
  return db;
}
