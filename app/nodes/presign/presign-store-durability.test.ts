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
import { PresignStore } from './presign-store.ts';

// The durable commit behind the bind-once rule, on a real SQLite file in a temp folder: a bind
// that resolved is committed (another connection sees it; a SIGKILL right after cannot undo
// it), a commit that fails binds nothing and answers every bind in it with the failure, and
// the wipes' cheaper commits leave the store's commits at synchronous=FULL.

const here = path.dirname(fileURLToPath(import.meta.url));
const key = randomBytes(32);
let dir: string;
let stores: NodeStore[] = [];

function open(): { store: NodeStore; presigs: PresignStore } {
  const store = new NodeStore(dir, key);
  stores.push(store);
  return { store, presigs: new PresignStore(store.db, store.box) };
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

  it('binds that resolved survive the process being SIGKILLed right after', async () => {
    const { presigs } = open();
    await presigs.saveBatch(Array.from({ length: 40 }, (_, i) => presignature(i)));
    for (const s of stores) s.close();
    stores = [];
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
        await Promise.all(Array.from({ length: 40 }, (_, i) => presigs.bind('ps-test:' + i, '42', '0x' + i)));
        process.stdout.write('bound\\n', () => process.kill(process.pid, 'SIGKILL'));
        `,
        dir,
        key.toString('hex'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(said).toBe('bound\n');
    expect(signal).toBe('SIGKILL');

    const { presigs: reopened } = open();
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
