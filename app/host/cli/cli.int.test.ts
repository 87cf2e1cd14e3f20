import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess, tempDataDir } from '../testing/spawn-cli.ts';

/** Processes whose command line mentions a path: what a failed start could leave behind. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(text)) found.push(`${pid}: ${cmd}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('litbox CLI on bad input', () => {
  it('refuses an unknown flag with one line and exit code 2', async () => {
    const result = await runCliProcess(['up', '--nodez', '7']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/^litbox: Unknown option '--nodez'/);
  });

  it('refuses an unknown command', async () => {
    const result = await runCliProcess(['fly']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "fly"/);
  });

  it('refuses a node count out of range and starts nothing', async () => {
    const dataDir = tempDataDir();
    for (const nodes of ['2', '21', 'many']) {
      const result = await runCliProcess(['up', '--nodes', nodes, '--data-dir', dataDir]);
      expect(result.code).toBe(2);
      expect(oneLine(result.stderr)).toMatch(/--nodes must be a whole number from 3 to 20/);
    }
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a port in use and leaves no process or lock behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = tempDataDir();
    try {
      const result = await runCliProcess(['up', '--nodes', '3', '--port', String(port), '--data-dir', dataDir]);
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toBe(
        `litbox: port ${port} is already in use; choose another with --port, or leave it out to pick a free one`,
      );
    } finally {
      blocker.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'host.lock'))).toBe(false);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('refuses a data directory that cannot be written', async () => {
    const parent = tempDataDir();
    const file = path.join(parent, 'a-file');
    fs.writeFileSync(file, '');
    const result = await runCliProcess(['up', '--data-dir', path.join(file, 'litbox')]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(
      /the data directory .* is not writable \(ENOTDIR\); choose another with --data-dir/,
    );
  });

  it('reports that no host is running, with exit code 1', async () => {
    const dataDir = tempDataDir();
    const result = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toContain(`no Litbox host is running on ${dataDir}`);
    expect(result.stdout).toBe('');
  });
});
