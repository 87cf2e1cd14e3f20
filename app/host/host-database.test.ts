import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHostDatabase } from './host-database.ts';

let dir: string;

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the host database', () => {
  it('commits without an fsync of its own (synchronous=NORMAL, WAL) on a new file and on a reopened one alike', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-host-db-'));
    const file = path.join(dir, 'host.sqlite');
    const NORMAL = 1;
    const first = openHostDatabase(file, 'CREATE TABLE IF NOT EXISTS t (v TEXT)');
    first.prepare('INSERT INTO t VALUES (?)').run('kept');
    expect(first.pragma('synchronous', { simple: true })).toBe(NORMAL);
    first.close();
    const reopened = openHostDatabase(file, 'CREATE TABLE IF NOT EXISTS t (v TEXT)');
    expect(reopened.pragma('synchronous', { simple: true })).toBe(NORMAL);
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reopened.prepare('SELECT v FROM t').all()).toEqual([{ v: 'kept' }]);
    reopened.close();
  });
});
