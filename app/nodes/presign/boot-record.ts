import type Database from 'better-sqlite3';
import fs from 'node:fs';

/**
 * The machine's current boot, as Linux names it (a random id made at every boot), or undefined
 * where there is none to read: a node then flushes every binding to disk before it answers.
 */
export function machineBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which boot of the machine the node last ran in, and whether it stopped cleanly, kept in the
 * node's own file. What a process wrote to a file is in the OS's page cache once the write
 * returns: a node killed by any signal loses none of it. Only the machine going down (a power
 * cut, a kernel crash) can lose what was never flushed, and then the next start is in another
 * boot. So a node may commit without flushing as long as, at its next start in another boot
 * after a stop that was not clean, it treats everything such commits may have said as lost.
 */
export class BootRecord {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS machine_boot (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        boot_id TEXT NOT NULL,
        stopped_cleanly INTEGER NOT NULL
      );
    `);
  }

  /**
   * At the node's start, before it commits anything without a flush. If the machine went down
   * since the node last ran (another boot, and no clean stop recorded), `onPossibleLoss` runs,
   * in the same transaction as the record of this boot (the connection's synchronous=FULL
   * commit): a crash between the two cannot leave the boot recorded and the loss unhandled.
   * With `bootId` undefined nothing may go unflushed, and the record is removed.
   */
  begin(bootId: string | undefined, onPossibleLoss: () => void): void {
    this.db.transaction(() => {
      const last = this.db.prepare('SELECT boot_id, stopped_cleanly FROM machine_boot WHERE id = 1').get() as
        { boot_id: string; stopped_cleanly: number } | undefined;
      if (last !== undefined && last.stopped_cleanly === 0 && last.boot_id !== bootId) onPossibleLoss();
      if (bootId === undefined) this.db.prepare('DELETE FROM machine_boot').run();
      else
        this.db
          .prepare(
            `INSERT INTO machine_boot (id, boot_id, stopped_cleanly) VALUES (1, ?, 0)
             ON CONFLICT(id) DO UPDATE SET boot_id = excluded.boot_id, stopped_cleanly = 0`,
          )
          .run(bootId);
    })();
  }

  /**
   * At a clean stop, once nothing is committed without a flush any more. A synchronous=FULL
   * commit flushes the WAL file, and with it every commit made before it.
   */
  endCleanly(): void {
    this.db.prepare('UPDATE machine_boot SET stopped_cleanly = 1 WHERE id = 1').run();
  }
}
