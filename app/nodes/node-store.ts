import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { identityFromSecrets, newIdentitySecrets, type NodeIdentity } from './node-identity.ts';
import { SealedBox } from './sealed-box.ts';

/**
 * The node's own SQLite file. WAL mode with synchronous=FULL: a write that returned is on
 * disk, so a crash right after it can never lose a share. (Presignature bindings commit without
 * a flush: see PresignStore.startServing.) Every secret is sealed with the node's storage key
 * before it is written.
 */
export class NodeStore {
  readonly db: Database.Database;
  readonly box: SealedBox;

  constructor(dir: string, storageKey: Buffer) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.db = new Database(path.join(dir, 'node.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.box = new SealedBox(storageKey);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        sealed_secrets BLOB NOT NULL,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  }

  /** The node's identity: made once, then the same across every restart. */
  identity(): NodeIdentity {
    const row = this.db.prepare('SELECT sealed_secrets FROM identity WHERE id = 1').get() as
      { sealed_secrets: Buffer } | undefined;
    if (row) {
      const json = JSON.parse(this.box.open(row.sealed_secrets, 'identity').toString('utf8')) as {
        chainKey: string;
        signingKey: string;
        encryptionKey: string;
      };
      return identityFromSecrets({
        chainKey: json.chainKey,
        signingKey: Buffer.from(json.signingKey, 'base64'),
        encryptionKey: Buffer.from(json.encryptionKey, 'base64'),
      });
    }
    const secrets = newIdentitySecrets();
    const sealed = this.box.seal(
      Buffer.from(
        JSON.stringify({
          chainKey: secrets.chainKey,
          signingKey: secrets.signingKey.toString('base64'),
          encryptionKey: secrets.encryptionKey.toString('base64'),
        }),
      ),
      'identity',
    );
    const identity = identityFromSecrets(secrets);
    this.db
      .prepare('INSERT INTO identity (id, sealed_secrets, address, created_at) VALUES (1, ?, ?, ?)')
      .run(sealed, identity.chainAddress, Date.now());
    return identity;
  }

  close(): void {
    this.db.close();
  }
}
