import type Database from 'better-sqlite3';
import type { Presignature } from '../../shared/threshold/presign.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { SealedBox } from '../sealed-box.ts';
import { WalFlusher } from '../wal-flush.ts';
import { BootRecord } from './boot-record.ts';

export interface BoundPresignature {
  id: string;
  R: Uint8Array;
  w: bigint;
  z2: bigint;
}

/**
 * This node's presignatures. The life of one: 'fresh' → 'bound' to exactly one (key,
 * digest), committed before any binding statement leaves the node → 'released' once its
 * share went out (its secret values are then wiped). A bound presignature is never bound
 * again to anything else, across crashes too: the binding is a committed row, and a machine
 * crash that could have lost one retires every fresh presignature (see startServing). A
 * fresh one that other nodes used without this one ('retired', see retire) goes to 'released'
 * with no binding: wiped, never bindable, and its row kept so that no replayed message adds it
 * again.
 */
export class PresignStore {
  private readonly db: Database.Database;
  private readonly box: SealedBox;
  private readonly bindStmt: Database.Statement;
  private readonly readStmt: Database.Statement;
  private readonly pendingBinds: {
    id: string;
    tokenId: string;
    digest: string;
    resolve: () => void;
    reject: (err: unknown) => void;
  }[] = [];
  private readonly releasedIds: string[] = [];
  /** Bound in the WAL, not yet flushed to disk: no share of these may leave the node. */
  private readonly notDurable = new Set<string>();
  /** Saved in the WAL, not yet flushed: listed nowhere until they are on disk. */
  private readonly savedNotDurable = new Set<string>();
  private readonly wal: WalFlusher;
  private freshByAgeStmt: Database.Statement | undefined;
  // Prepared once: preparing a statement costs more than running these (health polls and
  // every wipe and commit ran prepare, ~0.1–0.2 ms each, on the node's only thread).
  private readonly insertStmt: Database.Statement;
  private readonly freshIdsStmt: Database.Statement;
  private readonly countFreshStmt: Database.Statement;
  private readonly wipeStmt: Database.Statement;
  private readonly retireStmt: Database.Statement;
  private readonly synchronousNormal: Database.Statement;
  private readonly synchronousFull: Database.Statement;
  /** Kept by the node that serves from this file (startServing); not by readers such as audits. */
  private bootRecord: BootRecord | undefined;
  /** Whether a bind waits for its WAL flush before it resolves (see startServing). */
  private flushBinds = true;

  constructor(db: Database.Database, box: SealedBox) {
    this.db = db;
    this.box = box;
    this.wal = new WalFlusher(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS presignatures (
        id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL,
        big_r BLOB NOT NULL,
        sealed_secret BLOB,
        participants TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('fresh', 'bound', 'released')),
        bound_token TEXT,
        bound_digest TEXT,
        created_at INTEGER NOT NULL,
        bound_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS presignatures_fresh ON presignatures (status, created_at);
    `);
    this.bindStmt = db.prepare(
      `UPDATE presignatures SET status = 'bound', bound_token = ?, bound_digest = ?, bound_at = ?
       WHERE id = ? AND status = 'fresh'`,
    );
    this.readStmt = db.prepare(
      'SELECT id, big_r, sealed_secret, status, bound_token, bound_digest FROM presignatures WHERE id = ?',
    );
    this.insertStmt = db.prepare(
      `INSERT INTO presignatures (id, batch_id, big_r, sealed_secret, participants, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'fresh', ?) ON CONFLICT(id) DO NOTHING`,
    );
    this.freshIdsStmt = db.prepare(
      `SELECT id FROM presignatures WHERE status = 'fresh' ORDER BY created_at DESC LIMIT ?`,
    );
    this.countFreshStmt = db.prepare(`SELECT count(*) AS n FROM presignatures WHERE status = 'fresh'`);
    this.wipeStmt = db.prepare(`UPDATE presignatures SET status = 'released', sealed_secret = NULL WHERE id = ?`);
    this.retireStmt = db.prepare(
      `UPDATE presignatures SET status = 'released', sealed_secret = NULL WHERE id = ? AND status = 'fresh'`,
    );
    this.synchronousNormal = db.prepare('PRAGMA synchronous = NORMAL');
    this.synchronousFull = db.prepare('PRAGMA synchronous = FULL');
  }

  /**
   * Called by the node that serves from this file, before its first bind, with
   * machineBootId(). With a boot id, a binding is final once committed, without waiting for
   * its flush: a killed node loses no write (the OS holds it), and the machine going down is
   * found at the next start, which retires every fresh presignature, any of which a lost write
   * may have bound (BootRecord). The flush was 2 ms of every pkpSign on a quiet machine, and
   * more under load. Without one (another OS), every bind is flushed before it resolves, as
   * readers' (audits') binds are. Returns how many fresh presignatures were retired because the
   * machine went down since the node last ran.
   */
  startServing(bootId: string | undefined): number {
    this.bootRecord = new BootRecord(this.db);
    let retired = 0;
    this.bootRecord.begin(bootId, () => {
      retired = this.db
        .prepare(`UPDATE presignatures SET status = 'released', sealed_secret = NULL WHERE status = 'fresh'`)
        .run().changes;
    });
    this.flushBinds = bootId === undefined;
    return retired;
  }

  /**
   * At the node's clean stop: binds flush again from now on, and the stop is recorded with a
   * flush that puts every earlier commit on disk, so the next start keeps the fresh ones.
   */
  stopCleanly(): void {
    this.flushBinds = true;
    this.bootRecord?.endCleanly();
  }

  /**
   * Runs `write` as one commit without a flush of its own (synchronous=NORMAL): it reaches the
   * WAL file, and a WAL flush (or a later FULL commit) puts it on disk. The connection is back
   * at synchronous=FULL afterwards, for everything else.
   */
  private commitWithoutFlush(write: () => void): void {
    this.synchronousNormal.run();
    try {
      this.db.transaction(write)();
    } finally {
      this.synchronousFull.run();
    }
  }

  /**
   * Stores a batch durably. The commit goes to the WAL and its flush runs on libuv's thread
   * pool, as for binds: an inline fsync held the node's event loop (and every signing request
   * on it) for 2 ms quiet and up to 60 ms under load, once per batch. Until the flush is done
   * the batch is listed nowhere, so no client is offered a presignature a crash could take.
   * If the flush fails, the batch stays unlisted until the node restarts and reads the disk.
   */
  async saveBatch(presignatures: readonly Presignature[]): Promise<void> {
    const ids = presignatures.map((p) => p.id);
    for (const id of ids) this.savedNotDurable.add(id);
    try {
      this.commitWithoutFlush(() => {
        for (const p of presignatures) {
          const secret = Buffer.from(`${p.w.toString(16)}:${p.z2.toString(16)}`);
          this.insertStmt.run(
            p.id,
            p.batchId,
            Buffer.from(p.R),
            this.box.seal(secret, `presig:${p.id}`),
            p.participants.join(','),
            Date.now(),
          );
        }
      });
    } catch (err) {
      for (const id of ids) this.savedNotDurable.delete(id); // rolled back: nothing to hide
      throw err;
    }
    await this.wal.flush();
    for (const id of ids) this.savedNotDurable.delete(id);
  }

  /**
   * The newest fresh presignatures first. A node that was down while others used presignatures
   * still holds those as fresh (it never saw their bindings); they are the older ones, so
   * listing the newest keeps them from crowding out the ones the other nodes still hold.
   */
  freshIds(limit: number): string[] {
    const rows = this.freshIdsStmt.all(limit + this.savedNotDurable.size) as { id: string }[];
    return rows.flatMap((r) => (this.savedNotDurable.has(r.id) ? [] : [r.id])).slice(0, limit);
  }

  /**
   * The oldest fresh presignature made among (at least) every node of `members`, skipping
   * `skip`: what a leader proposes to a signing set that it does not choose (Lit's SDK names
   * it). The oldest, because the host's client takes the newest (freshIds): the two rarely meet.
   */
  oldestFreshHeldBy(members: readonly number[], skip: ReadonlySet<string>): string | undefined {
    this.freshByAgeStmt ??= this.db.prepare(
      `SELECT id, participants FROM presignatures WHERE status = 'fresh' ORDER BY created_at ASC`,
    );
    for (const row of this.freshByAgeStmt.iterate() as Iterable<{ id: string; participants: string }>) {
      if (skip.has(row.id) || this.savedNotDurable.has(row.id)) continue;
      const participants = new Set(row.participants.split(',').map(Number));
      if (members.every((m) => participants.has(m))) return row.id;
    }
    return undefined;
  }

  countFresh(): number {
    // Every presignature not yet durable is fresh (a client cannot bind what is listed nowhere).
    return Math.max(0, (this.countFreshStmt.get() as { n: number }).n - this.savedNotDurable.size);
  }

  /**
   * Binds a presignature to (token, digest): the promise resolves once the binding is
   * committed, and, without a boot id (see startServing), on disk. Binds that arrive
   * together share one commit and one flush (group commit), and the flush runs off the event
   * loop, so the node goes on answering meanwhile. Binding again to the same pair is allowed
   * (a retry); to anything else is refused.
   */
  bind(id: string, tokenId: string, digest: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingBinds.push({ id, tokenId, digest, resolve, reject });
      if (this.pendingBinds.length === 1) setImmediate(() => this.commitBinds());
    });
  }

  private commitBinds(): void {
    const batch = this.pendingBinds.splice(0);
    const outcomes: (NodeRequestError | undefined)[] = [];
    try {
      // Committed without a flush of its own; the WAL flush below makes it durable.
      this.commitWithoutFlush(() => {
        for (const b of batch) outcomes.push(this.bindOne(b.id, b.tokenId, b.digest));
      });
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    const bound = batch.filter((_, i) => !outcomes[i]);
    batch.forEach((b, i) => outcomes[i] && b.reject(outcomes[i]));
    if (!this.flushBinds) {
      for (const b of bound) b.resolve();
      return;
    }
    for (const b of bound) this.notDurable.add(b.id);
    this.wal.flush().then(
      () => {
        for (const b of bound) {
          this.notDurable.delete(b.id);
          b.resolve();
        }
      },
      // Whether the bindings reached the disk is unknown: they stay unreleasable (notDurable)
      // until the node restarts and reads what the disk kept.
      (err: unknown) => bound.forEach((b) => b.reject(err)),
    );
  }

  private bindOne(id: string, tokenId: string, digest: string): NodeRequestError | undefined {
    if (this.bindStmt.run(tokenId, digest, Date.now(), id).changes === 1) return undefined;
    const row = this.readStmt.get(id) as
      { status: string; bound_token: string | null; bound_digest: string | null } | undefined;
    if (!row) return new NodeRequestError(404, 'unknown_presignature', `this node has no presignature ${id}`);
    if (row.bound_token === tokenId && row.bound_digest === digest) return undefined;
    if (row.bound_token === null)
      return new NodeRequestError(
        409,
        'presignature_used',
        `presignature ${id} was used by other nodes (retired here)`,
      );
    return new NodeRequestError(409, 'presignature_used', `presignature ${id} is already bound to another message`);
  }

  /** The secret values of a presignature bound to exactly this (token, digest). */
  boundTo(id: string, tokenId: string, digest: string): BoundPresignature {
    const row = this.readStmt.get(id) as
      | {
          id: string;
          big_r: Buffer;
          sealed_secret: Buffer | null;
          status: string;
          bound_token: string | null;
          bound_digest: string | null;
        }
      | undefined;
    if (!row) throw new NodeRequestError(404, 'unknown_presignature', `this node has no presignature ${id}`);
    if (row.status === 'fresh' || this.notDurable.has(id))
      throw new NodeRequestError(409, 'not_bound', `presignature ${id} is not bound yet`);
    if (row.bound_token !== tokenId || row.bound_digest !== digest)
      throw new NodeRequestError(409, 'presignature_used', `presignature ${id} is bound to another message`);
    if (!row.sealed_secret)
      throw new NodeRequestError(410, 'released', `presignature ${id} was already used and wiped`);
    const [w, z2] = this.box.open(row.sealed_secret, `presig:${id}`).toString('utf8').split(':');
    return { id, R: new Uint8Array(row.big_r), w: BigInt(`0x${w}`), z2: BigInt(`0x${z2}`) };
  }

  /**
   * Fresh presignatures that other nodes used while this one took no part (the host's client ran
   * an action at T + 1 nodes, say): they can never gather T bindings again, and left fresh they
   * would crowd the pool's listings. Wiped and never bindable; those not fresh here are left as
   * they are. Without a flush of its own, like the wipes: a retirement lost to a power cut only
   * leaves a presignature that nobody can use listed again. Returns how many were retired.
   */
  retire(ids: readonly string[]): number {
    let retired = 0;
    this.commitWithoutFlush(() => {
      for (const id of ids) if (!this.savedNotDurable.has(id)) retired += this.retireStmt.run(id).changes;
    });
    return retired;
  }

  /**
   * After the share went out: wipe the secret values (the binding record stays forever).
   * Wipes are batched: they protect no invariant, so they need not cost a commit each.
   */
  markReleased(id: string): void {
    this.releasedIds.push(id);
    if (this.releasedIds.length === 1)
      setTimeout(() => {
        const ids = this.releasedIds.splice(0);
        // The node stopped in the meantime: its bindings stand, and the secrets stay sealed.
        if (!this.db.open) return;
        try {
          // Without a flush of its own: it is on disk with the next binding's flush, and a wipe
          // lost to a power cut only leaves a secret to wipe again. An fsync per wipe held every
          // node's event loop up to 15 ms under load.
          this.commitWithoutFlush(() => ids.forEach((i) => this.wipeStmt.run(i)));
        } catch (err) {
          // Not a safety matter (the bindings stand); the secrets are wiped on a later try.
          this.releasedIds.push(...ids);
          console.error(`presignature store: wiping used presignatures failed: ${(err as Error).message}`);
        }
      }, 50).unref();
  }

  /**
   * Every binding this node ever made, and whether its share went out (for audits: no
   * presignature gave shares for two messages).
   */
  bindings(): { id: string; tokenId: string; digest: string; released: boolean }[] {
    return (
      this.db
        .prepare(`SELECT id, bound_token, bound_digest, status FROM presignatures WHERE bound_token IS NOT NULL`)
        .all() as {
        id: string;
        bound_token: string;
        bound_digest: string;
        status: string;
      }[]
    ).map((r) => ({ id: r.id, tokenId: r.bound_token, digest: r.bound_digest, released: r.status === 'released' }));
  }
}
