import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Presignature } from '../../shared/threshold/presign.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { NodeStore } from '../node-store.ts';
import { PresignStore } from './presign-store.ts';

// The bind-once rule on a real SQLite file: a presignature is bound to one (key, digest), for
// good, across a reopen (a restart); binding it to anything else is refused with what happened.

const key = randomBytes(32);
let dir: string;
let stores: NodeStore[] = [];

function open(): PresignStore {
  const store = new NodeStore(dir, key);
  stores.push(store);
  return new PresignStore(store.db, store.box);
}

function presignature(id: string, at: number): Presignature {
  return {
    id,
    batchId: 'ps-test',
    position: at,
    participants: [1, 2, 3],
    t: 1,
    R: new Uint8Array(65).fill(at),
    w: BigInt(at + 7),
    z2: BigInt(at + 11),
  } as Presignature;
}

async function refusal(p: Promise<unknown>): Promise<NodeRequestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NodeRequestError);
  return err as NodeRequestError;
}

afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('presignature store', () => {
  it('binds a presignature once: the same pair again is a retry, another pair is refused, for good', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-presign-store-'));
    const presigs = open();
    await presigs.saveBatch([presignature('ps-test:0', 0), presignature('ps-test:1', 1)]);
    expect(presigs.freshIds(10).sort()).toEqual(['ps-test:0', 'ps-test:1']);

    await presigs.bind('ps-test:0', '42', '0xaa');
    await presigs.bind('ps-test:0', '42', '0xaa'); // a retry of the same binding
    const other = await refusal(presigs.bind('ps-test:0', '42', '0xbb'));
    expect(other.status).toBe(409);
    expect(other.code).toBe('presignature_used');
    expect((await refusal(presigs.bind('ps-test:0', '43', '0xaa'))).code).toBe('presignature_used');
    const unknown = await refusal(presigs.bind('ps-nope:0', '42', '0xaa'));
    expect([unknown.status, unknown.code]).toEqual([404, 'unknown_presignature']);
    expect(presigs.freshIds(10)).toEqual(['ps-test:1']);
    expect(presigs.boundTo('ps-test:0', '42', '0xaa').w).toBe(7n);
    expect(() => presigs.boundTo('ps-test:0', '42', '0xbb')).toThrow(/bound to another message/);

    // Binds that arrive together share a commit; each still gets its own answer.
    const together = await Promise.allSettled([
      presigs.bind('ps-test:1', '42', '0xcc'),
      presigs.bind('ps-test:1', '42', '0xdd'),
    ]);
    expect(together.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);

    // A restart (the file reopened) keeps every binding: nothing can be bound anew.
    for (const s of stores) s.close();
    stores = [];
    const reopened = open();
    expect(reopened.freshIds(10)).toEqual([]);
    expect((await refusal(reopened.bind('ps-test:0', '42', '0xbb'))).code).toBe('presignature_used');
    await reopened.bind('ps-test:1', '42', '0xcc');
    expect(reopened.bindings().sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      { id: 'ps-test:0', tokenId: '42', digest: '0xaa', released: false },
      { id: 'ps-test:1', tokenId: '42', digest: '0xcc', released: false },
    ]);
  });

  it('lets no share out before the binding is on disk: the flush runs after the commit, and only then may it be released', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-presign-store-'));
    const presigs = open();
    await presigs.saveBatch([presignature('ps-test:0', 0)]);
    const bound = presigs.bind('ps-test:0', '42', '0xaa');
    // The commit ran (the bind's own setImmediate came first); the WAL flush has not come back.
    await new Promise((r) => setImmediate(r));
    expect(presigs.freshIds(10)).toEqual([]);
    expect(() => presigs.boundTo('ps-test:0', '42', '0xaa')).toThrow(/not bound yet/);
    await bound;
    expect(presigs.boundTo('ps-test:0', '42', '0xaa').w).toBe(7n);
  });

  it('lists a new batch nowhere until its flush is done, and leaves the connection at synchronous=FULL', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-presign-store-'));
    const presigs = open();
    await presigs.saveBatch([presignature('ps-test:0', 0)]);
    const saving = presigs.saveBatch([presignature('ps-test:1', 1), presignature('ps-test:2', 2)]);
    // Committed to the WAL (saveBatch commits before it awaits the flush), not yet flushed.
    const db = stores.at(-1)!.db;
    expect((db.prepare(`SELECT count(*) AS n FROM presignatures`).get() as { n: number }).n).toBe(3);
    const FULL = 2;
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(presigs.freshIds(10)).toEqual(['ps-test:0']);
    expect(presigs.countFresh()).toBe(1);
    expect(presigs.oldestFreshHeldBy([1], new Set(['ps-test:0']))).toBeUndefined();
    await saving;
    expect(presigs.freshIds(10).sort()).toEqual(['ps-test:0', 'ps-test:1', 'ps-test:2']);
    expect(presigs.countFresh()).toBe(3);
    expect(presigs.oldestFreshHeldBy([1], new Set(['ps-test:0']))).toBe('ps-test:1');
  });

  it('wipes a released presignature: its binding stays, its secret is gone', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-presign-store-'));
    const presigs = open();
    await presigs.saveBatch([presignature('ps-test:0', 0)]);
    await presigs.bind('ps-test:0', '42', '0xaa');
    presigs.markReleased('ps-test:0');
    await new Promise((r) => setTimeout(r, 150));
    expect(presigs.bindings()).toEqual([{ id: 'ps-test:0', tokenId: '42', digest: '0xaa', released: true }]);
    expect(() => presigs.boundTo('ps-test:0', '42', '0xaa')).toThrow(/already used and wiped/);
    expect((await refusal(presigs.bind('ps-test:0', '42', '0xbb'))).code).toBe('presignature_used');
  });

  it('retires fresh presignatures others used: never bindable, gone from the pool, across a reopen; bound ones stay as they are', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-presign-store-'));
    let presigs = open();
    await presigs.saveBatch([0, 1, 2].map((k) => presignature(`ps-test:${k}`, k)));
    await presigs.bind('ps-test:1', '42', '0xaa');
    expect(presigs.countFresh()).toBe(2);

    // ps-test:1 is bound here: retiring leaves it bound; an unknown id changes nothing.
    expect(presigs.retire(['ps-test:0', 'ps-test:1', 'ps-test:9'])).toBe(1);
    expect(presigs.retire(['ps-test:0'])).toBe(0);
    expect(presigs.freshIds(10)).toEqual(['ps-test:2']);
    expect(presigs.countFresh()).toBe(1);
    const retired = await refusal(presigs.bind('ps-test:0', '42', '0xbb'));
    expect([retired.status, retired.code]).toEqual([409, 'presignature_used']);
    expect(retired.message).toMatch(/retired/);
    expect(presigs.boundTo('ps-test:1', '42', '0xaa').id).toBe('ps-test:1');
    // An audit sees the one binding, not the retired presignature.
    expect(presigs.bindings().map((b) => b.id)).toEqual(['ps-test:1']);

    // A replayed batch does not make it fresh again, and a restart keeps it retired.
    await presigs.saveBatch([presignature('ps-test:0', 0)]);
    stores.pop()!.close();
    presigs = open();
    expect(presigs.freshIds(10)).toEqual(['ps-test:2']);
    expect((await refusal(presigs.bind('ps-test:0', '42', '0xbb'))).code).toBe('presignature_used');
  });
});
