import type Database from 'better-sqlite3';
import { openHostDatabase } from '../host-database.ts';

/** Longest name a person can give a PKP (it shows in the header and tables). */
export const MAX_PKP_NAME_LENGTH = 40;

/**
 * The names people give their PKPs ("Savings", "Alice's passkey key"), kept in the host's
 * SQLite file beside the activity log, so every tab and every restart shows the same names.
 * Keyed by the PKP's address (lower case).
 */
export class PkpNames {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openHostDatabase(
      file,
      `
      CREATE TABLE IF NOT EXISTS pkp_names (
        address TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        named_at INTEGER NOT NULL
      );
    `,
    );
  }

  /** Sets a name, or removes it when `name` is empty after trimming. */
  set(address: string, name: string): string | undefined {
    const trimmed = name.trim();
    if (trimmed === '') {
      this.db.prepare('DELETE FROM pkp_names WHERE address = ?').run(address.toLowerCase());
      return undefined;
    }
    this.db
      .prepare(
        'INSERT INTO pkp_names (address, name, named_at) VALUES (?, ?, ?) ON CONFLICT (address) DO UPDATE SET name = excluded.name, named_at = excluded.named_at',
      )
      .run(address.toLowerCase(), trimmed, Date.now());
    return trimmed;
  }

  all(): Map<string, string> {
    const rows = this.db.prepare('SELECT address, name FROM pkp_names').all() as { address: string; name: string }[];
    return new Map(rows.map((r) => [r.address, r.name]));
  }

  close(): void {
    this.db.close();
  }
}
