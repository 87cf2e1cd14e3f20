import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { CLI_ENTRY, REPO_ROOT, runCliProcess, tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

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

/** A `node` on PATH outside node_modules older than 24 (the bare `node` on this machine is v20). */
function olderSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const node = path.join(dir, 'node');
    if (dir.includes('node_modules') || !fs.existsSync(node)) continue;
    const version = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim();
    return version && Number(version.split('.')[0]) < 24 ? node : undefined;
  }
  return undefined;
}

describe('litbox launcher (bin/litbox.mjs, what npx litbox runs)', () => {
  it('prints the usage with every command, wait included', async () => {
    const result = await runCliProcess(['help'], 60_000, { via: 'launcher' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('litbox wait [--timeout S]');
    expect(result.stdout).toContain('litbox pkp sign');
  });

  it('runs the source when asked, with the same answer', async () => {
    const dataDir = tempDataDir();
    const result = await runCliProcess(['status', '--data-dir', dataDir], 60_000, {
      via: 'launcher',
      env: { LITBOX_CLI_ENTRY: 'source' },
    });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toContain(`no Litbox host is running on ${dataDir}`);
  });

  it.runIf(olderSystemNode())('started by an older Node, runs itself on the project Node 24', async () => {
    const dataDir = tempDataDir();
    // The TypeScript source runs only on Node 24 (type stripping): an answer proves the re-run.
    const result = await runCliProcess(['status', '--json', '--data-dir', dataDir], 60_000, {
      via: 'launcher',
      node: olderSystemNode(),
      env: { LITBOX_CLI_ENTRY: 'source' },
    });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toContain(`no Litbox host is running on ${dataDir}`);
  });
});

describe('litbox wait', () => {
  it('gives up after --timeout with a JSON line saying not ready, and exit code 1', async () => {
    const dataDir = tempDataDir();
    const result = await runCliProcess(['wait', '--timeout', '0.5', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    const line = JSON.parse(result.stdout.trim()) as { ready: boolean; waitedMs: number };
    expect(line.ready).toBe(false);
    expect(line.waitedMs).toBeGreaterThanOrEqual(500);
    expect(result.stderr).toContain(`waiting for a Litbox host to start on ${dataDir}`);
  });

  it('refuses a timeout that is not a number of seconds', async () => {
    const result = await runCliProcess(['wait', '--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/--timeout takes a number of seconds/);
  });
});

describe('litbox up stopped during its start', () => {
  // The app quit while the network started (Ctrl+C, the desktop window closed). Once, a stop in
  // these moments left the host process running for good: two stops of the chain at once
  // failed the clean-up, which then left the local issuer listening and the data directory locked.
  for (const step of ['starting the chain', 'genesis: deploying the contracts']) {
    it(`exits at once, with nothing left, when stopped at "${step}"`, async () => {
      const dataDir = tempDataDir('litbox-cli-stop-');
      const child = spawn(
        process.execPath,
        ['--no-node-snapshot', CLI_ENTRY, 'up', '--nodes', '3', '--port', '0', '--data-dir', dataDir],
        { cwd: REPO_ROOT },
      );
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${step}" in 60 s:\n${stderr}`)), 60_000);
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes(`litbox: ${step}`)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      const stoppedIn = performance.now();
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
      if (code === 'still running') child.kill('SIGKILL');
      expect(code, stderr).toBe(0);
      expect(performance.now() - stoppedIn).toBeLessThan(15_000);
      expect(fs.existsSync(path.join(dataDir, 'host.lock'))).toBe(false);
      expect(processesMentioning(dataDir)).toEqual([]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
  }
});
