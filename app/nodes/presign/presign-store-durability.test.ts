import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presignature } from '../../shared/threshold/presign.ts';
import { NodeStore } from '../node-store.ts';
import { machineBootId } from './boot-record.ts';
import { PresignStore } from './presign-store.ts';

// The durable commit behind the bind-once rule, on a real SQLite file in a temp folder: a bind
// that resolved is committed (another connection sees it; a SIGKILL right after cannot undo
// it), a commit that fails binds nothing and answers every bind in it with the failure, and
// the wipes' cheaper commits leave the store's commits at synchronous=FULL.

const here = path.dirname(fileURLToPath(import.meta.url));
const key = randomBytes(32);
let dir: string;
let stores: NodeStore[] = [];

/** The store as a reader (an audit) opens it. */
function open(): { store: NodeStore; presigs: PresignStore } {
  const store = new NodeStore(dir, key);
  stores.push(store);
  return { store, presigs: new PresignStore(store.db, store.box) };
}

/** The store as a node serving from it opens it, in boot `bootId` of the machine (undefined: none to read). */
function serve(bootId: string | undefined): { presigs: PresignStore; retired: number } {
  const { presigs } = open();
  return { presigs, retired: presigs.startServing(bootId) };
}

/** Closes every connection without a clean stop: what a node killed (or a machine crash) leaves. */
function closeAll(): void {
  for (const s of stores) s.close();
  stores = [];
}

function presignature(position: number): Presignature {
  return {
    id: `ps-test:${position}`,
    batchId: 'ps-test',
    position,
    participants: [1, 2, 3],
    t: 1,
    R: new Uint8Array(65).fill(position),
    w: BigInt(position + 7),
    z2: BigInt(position + 11),
  };
}

/** The rows as a separate connection to the file reads them (what a restarted node would find). */
function rowsOnDisk(): { id: string; status: string; bound_digest: string | null }[] {
  const reader = new Database(path.join(dir, 'node.sqlite'), { readonly: true });
  try {
    return reader.prepare('SELECT id, status, bound_digest FROM presignatures ORDER BY id').all() as {
      id: string;
      status: string;
      bound_digest: string | null;
    }[];
  } finally {
    reader.close();
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-presign-durable-'));
});

afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('presignature store: durable commit', () => {
  it('a bind that resolved is committed: another connection to the file sees it bound', async () => {
    const { presigs } = open();
    await presigs.saveBatch([presignature(0), presignature(1)]);
    const binding = presigs.bind('ps-test:0', '42', '0xaa');
    await binding;
    expect(rowsOnDisk()).toEqual([
      { id: 'ps-test:0', status: 'bound', bound_digest: '0xaa' },
      { id: 'ps-test:1', status: 'fresh', bound_digest: null },
    ]);
  });

  it.each([
    ['flushed before they resolve (no boot id)', undefined],
    ['committed without a flush (a boot id)', 'boot-a'],
  ])('binds that resolved survive the process being SIGKILLed right after: %s', async (_, bootId) => {
    const { presigs } = serve(bootId);
    await presigs.saveBatch(Array.from({ length: 40 }, (_, i) => presignature(i)));
    closeAll();
    // A separate node process binds 40 presignatures in one burst (group commits), says so
    // the moment the binds resolved, and kills itself before anything else can run.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        const { NodeStore } = await import(${JSON.stringify(path.join(here, '../node-store.ts'))});
        const { PresignStore } = await import(${JSON.stringify(path.join(here, 'presign-store.ts'))});
        const store = new NodeStore(process.argv[1], Buffer.from(process.argv[2], 'hex'));
        const presigs = new PresignStore(store.db, store.box);
        presigs.startServing(process.argv[3] || undefined);
        await Promise.all(Array.from({ length: 40 }, (_, i) => presigs.bind('ps-test:' + i, '42', '0x' + i)));
        process.stdout.write('bound\\n', () => process.kill(process.pid, 'SIGKILL'));
        `,
        dir,
        key.toString('hex'),
        bootId ?? '',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(said).toBe('bound\n');
    expect(signal).toBe('SIGKILL');

    // Reopened in the same boot of the machine: a killed process lost nothing, so nothing is retired.
    const { presigs: reopened, retired } = serve(bootId);
    expect(retired).toBe(0);
    expect(reopened.freshIds(100)).toEqual([]);
    expect(reopened.bindings()).toHaveLength(40);
    await expect(reopened.bind('ps-test:7', '42', '0xother')).rejects.toMatchObject({ code: 'presignature_used' });
    await reopened.bind('ps-test:7', '42', '0x7'); // the same pair again is a retry
  });

  it('a commit that fails binds nothing and answers every bind in it with the failure; the store goes on', async () => {
    const { store, presigs } = open();
    await presigs.saveBatch([presignature(0), presignature(1)]);
    // The disk refusing the write, as SQLite would report it, for one bind of the batch.
    store.db.exec(`CREATE TRIGGER fail_bind BEFORE UPDATE ON presignatures WHEN NEW.bound_digest = '0xfail'
                   BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    const together = await Promise.allSettled([
      presigs.bind('ps-test:0', '42', '0xaa'),
      presigs.bind('ps-test:1', '42', '0xfail'),
    ]);
    expect(together.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(rowsOnDisk().map((r) => r.status)).toEqual(['fresh', 'fresh']);
    expect(presigs.bindings()).toEqual([]);

    store.db.exec('DROP TRIGGER fail_bind');
    await presigs.bind('ps-test:0', '42', '0xbb'); // nothing was bound: another digest is fine
    expect(rowsOnDisk()[0]).toMatchObject({ status: 'bound', bound_digest: '0xbb' });
  });

  it('wipes of released presignatures leave the connection at synchronous=FULL for the next bind', async () => {
    const { store, presigs } = open();
    await presigs.saveBatch([presignature(0), presignature(1)]);
    await presigs.bind('ps-test:0', '42', '0xaa');
    presigs.markReleased('ps-test:0');
    await new Promise((r) => setTimeout(r, 150));
    expect(presigs.bindings()).toEqual([{ id: 'ps-test:0', tokenId: '42', digest: '0xaa', released: true }]);
    const FULL = 2;
    expect(store.db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('presignature store: bindings committed without a flush, and the machine going down', () => {
  /** Whether `id`'s binding counts yet: its share can be released (boundTo) only once it does. */
  function releasable(presigs: PresignStore, id: string, digest: string): boolean {
    try {
      presigs.boundTo(id, '42', digest);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'not_bound') return false;
      throw err;
    }
  }

  /** Binds, and looks right after the bind's commit, before any flush of it could have ended. */
  async function bindAndLookAtCommit(presigs: PresignStore, id: string, digest: string): Promise<boolean> {
    const bound = presigs.bind(id, '42', digest);
    await new Promise((r) => setImmediate(r)); // the commit ran in this tick's earlier setImmediate
    const atCommit = releasable(presigs, id, digest);
    await bound;
    expect(releasable(presigs, id, digest)).toBe(true);
    return atCommit;
  }

  it('serving in a known boot, a bind counts at its commit; with no boot id, as a reader, or after a clean stop, once flushed', async () => {
    const { presigs: serving } = serve('boot-a');
    await serving.saveBatch([0, 1].map(presignature));
    expect(await bindAndLookAtCommit(serving, 'ps-test:0', '0xaa')).toBe(true);
    serving.stopCleanly();
    expect(await bindAndLookAtCommit(serving, 'ps-test:1', '0xbb')).toBe(false);
    closeAll();

    const { presigs: reader } = open();
    await reader.saveBatch([presignature(2)]);
    expect(await bindAndLookAtCommit(reader, 'ps-test:2', '0xcc')).toBe(false);
    closeAll();

    const { presigs: noBootId } = serve(undefined);
    await noBootId.saveBatch([presignature(3)]);
    expect(await bindAndLookAtCommit(noBootId, 'ps-test:3', '0xdd')).toBe(false);
  });

  it('a start in another boot after a stop that was not clean retires every fresh presignature; bound ones keep their binding', async () => {
    const { presigs } = serve('boot-a');
    await presigs.saveBatch([0, 1, 2].map(presignature));
    await presigs.bind('ps-test:0', '42', '0xaa');
    closeAll(); // the machine went down: no clean stop recorded

    const { presigs: afterReboot, retired } = serve('boot-b');
    expect(retired).toBe(2);
    expect(afterReboot.freshIds(10)).toEqual([]);
    expect(afterReboot.countFresh()).toBe(0);
    // A lost write may have bound these: they are never bound again.
    await expect(afterReboot.bind('ps-test:1', '42', '0xbb')).rejects.toMatchObject({ code: 'presignature_used' });
    // The binding that reached the file stands, and gives a share for its own message alone.
    expect(afterReboot.boundTo('ps-test:0', '42', '0xaa').id).toBe('ps-test:0');
    expect(() => afterReboot.boundTo('ps-test:0', '42', '0xbb')).toThrow(/bound to another message/);
    await afterReboot.saveBatch([presignature(3)]); // made after the start: kept at the next one
    closeAll();

    // This boot was recorded with the retirement: killed now (same boot), nothing more is retired.
    const { presigs: killedAfter, retired: retiredAgain } = serve('boot-b');
    expect(retiredAgain).toBe(0);
    expect(killedAfter.freshIds(10)).toEqual(['ps-test:3']);
  });

  it('a start in the same boot (the node was killed) or after a clean stop keeps the fresh ones', async () => {
    const { presigs } = serve('boot-a');
    await presigs.saveBatch([0, 1].map(presignature));
    closeAll(); // killed: the next start is in the same boot
    const { presigs: restarted, retired } = serve('boot-a');
    expect(retired).toBe(0);
    restarted.stopCleanly();
    closeAll();

    const { presigs: afterReboot, retired: afterCleanStop } = serve('boot-b');
    expect(afterCleanStop).toBe(0);
    expect(afterReboot.freshIds(10).sort()).toEqual(['ps-test:0', 'ps-test:1']);
  });

  it('a reader changes nothing; with no boot id to read, a stop that was not clean still retires the fresh ones', async () => {
    const { presigs } = serve('boot-a');
    await presigs.saveBatch([0, 1].map(presignature));
    closeAll();
    open(); // an audit, say
    closeAll();
    // The file came to a machine with no boot id to read (or one that hides it).
    const { presigs: elsewhere, retired } = serve(undefined);
    expect(retired).toBe(2);
    expect(elsewhere.freshIds(10)).toEqual([]);
    await elsewhere.saveBatch([presignature(2)]);
    closeAll();
    // Its binds were flushed, so nothing it did can be lost: no record is left to act on.
    expect(serve('boot-c').retired).toBe(0);
  });

  it.runIf(process.platform === 'linux')('machineBootId reads this boot of the machine: the same at every call', () => {
    const id = machineBootId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(machineBootId()).toBe(id);
  });
});
