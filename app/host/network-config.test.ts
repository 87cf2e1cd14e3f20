import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateNetworkConfig, readNetworkConfig, writeNetworkConfig } from './network-config.ts';

const dirs: string[] = [];
function networkFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-network-config-'));
  dirs.push(dir);
  return path.join(dir, 'network.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('network.json and --lit-local', () => {
  it('marks a new network made with --lit-local, and keeps the mark on later starts without the flag', async () => {
    const file = networkFile();
    const { config, created } = await loadOrCreateNetworkConfig(file, undefined, 3, true);
    expect(created).toBe(true);
    expect(config.litLocal).toBe(true);
    expect(config.nodeCount).toBe(3);
    writeNetworkConfig(file, config);
    expect((await loadOrCreateNetworkConfig(file, undefined, 7)).config.litLocal).toBe(true);
    expect((await loadOrCreateNetworkConfig(file, undefined, 3, true)).created).toBe(false);
  });

  it('refuses --lit-local on a network made without it (its contracts are elsewhere), changing nothing', async () => {
    const file = networkFile();
    const { config } = await loadOrCreateNetworkConfig(file, undefined, 7);
    expect(config.litLocal).toBeUndefined();
    writeNetworkConfig(file, config);
    const before = fs.readFileSync(file, 'utf8');
    await expect(loadOrCreateNetworkConfig(file, undefined, 3, true)).rejects.toThrow(
      /made without --lit-local .* use a new --data-dir/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(readNetworkConfig(file)?.litLocal).toBeUndefined();
  });
});
