import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Opens the host's SQLite file (WAL) and makes sure `schema` exists: the activity log, PKP names
 * and provider connections each keep their own table in it.
 */
export function openHostDatabase(file: string, schema: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(schema);
  return db;
}
