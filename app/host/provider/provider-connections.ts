import type Database from 'better-sqlite3';
import { openHostDatabase } from '../host-database.ts';
import type { ConnectedClient, ProviderAccount } from '../../shared/provider/provider-wire.ts';

/**
 * Which sites and local clients the person connected, and the PKPs each may see: a table in the
 * host's SQLite file, so connections survive a restart (as they do in any wallet) until the
 * person disconnects them in Settings or the client revokes them.
 */
export class ProviderConnections {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openHostDatabase(
      file,
      `
      CREATE TABLE IF NOT EXISTS provider_connections (
        client TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        accounts TEXT NOT NULL,
        connected_at INTEGER NOT NULL
      );
    `,
    );
  }

  get(client: string): ConnectedClient | undefined {
    if (!this.db.open) return undefined; // the host is stopping
    const row = this.db.prepare('SELECT * FROM provider_connections WHERE client = ?').get(client) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(): ConnectedClient[] {
    if (!this.db.open) return [];
    return (this.db.prepare('SELECT * FROM provider_connections ORDER BY connected_at').all() as Row[]).map(fromRow);
  }

  connect(client: string, label: string, accounts: ProviderAccount[]): ConnectedClient {
    const connectedAt = Date.now();
    this.db
      .prepare(
        `INSERT INTO provider_connections (client, label, accounts, connected_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (client) DO UPDATE SET label = excluded.label, accounts = excluded.accounts, connected_at = excluded.connected_at`,
      )
      .run(client, label, JSON.stringify(accounts), connectedAt);
    return { client, clientLabel: label, accounts, connectedAt };
  }

  /** True when there was a connection to forget. */
  disconnect(client: string): boolean {
    return this.db.prepare('DELETE FROM provider_connections WHERE client = ?').run(client).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}

interface Row {
  client: string;
  label: string;
  accounts: string;
  connected_at: number;
}

function fromRow(row: Row): ConnectedClient {
  return {
    client: row.client,
    clientLabel: row.label,
    accounts: JSON.parse(row.accounts) as ProviderAccount[],
    connectedAt: row.connected_at,
  };
}
