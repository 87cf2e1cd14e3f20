import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Figure } from './report.ts';

/**
 * What one CLI call costs, whole process (start Node, load the command, ask the host, print),
 * beside a bare `node -e 0` in the same run: wall time and CPU (user + system, from
 * /usr/bin/time where there is one). Targets (issue 19): status ≤ 300 ms, pkp sign ≤ 400 ms.
 */

const LAUNCHER = fileURLToPath(new URL('../bin/litbox.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  wallMs: number;
  cpuMs: number;
  code: number | null;
}

/** Runs one command (asynchronously: the host answering it may live in this very process). */
function runOnce(command: string, args: string[]): Promise<Sample> {
  const started = performance.now();
  const child = TIME
    ? spawn(TIME, ['-f', 'cpu %U %S', command, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      resolve({
        wallMs: performance.now() - started,
        cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN,
        code,
      });
    }),
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function measure(
  label: string,
  command: string,
  args: string[],
  runs: number,
  target?: string,
): Promise<Omit<Figure, 'part'>> {
  await runOnce(command, args); // the first call fills V8's compile cache
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(command, args));
  const wall = median(samples.map((s) => s.wallMs));
  const cpu = median(samples.map((s) => s.cpuMs));
  return {
    name: label,
    value: wall,
    unit: 'ms',
    ...(target ? { target } : {}),
    detail: `median of ${runs}; CPU ${Number.isFinite(cpu) ? `${cpu.toFixed(0)} ms` : 'n/a'}; exit ${samples[0]?.code}; runs ${samples.map((s) => s.wallMs.toFixed(0)).join(', ')} ms`,
  };
}

/** The CLI's cost against a running host on `dataDir` (and, without one, on an empty directory). */
export async function measureCli(options: {
  dataDir: string;
  pkpPublicKey: string;
  runs?: number;
}): Promise<Omit<Figure, 'part'>[]> {
  const runs = options.runs ?? 7;
  const node = process.execPath;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-cli-bench-'));
  const digest = `0x${'ab'.repeat(32)}`;
  try {
    const rows = [
      await measure('node -e 0 (Node 24, for comparison)', node, ['-e', '0'], runs),
      await measure('litbox status, no host running', node, [LAUNCHER, 'status', '--data-dir', empty], runs),
      await measure('litbox status', node, [LAUNCHER, 'status', '--data-dir', options.dataDir], runs, '≤ 300'),
      await measure(
        'litbox pkp sign',
        node,
        [LAUNCHER, 'pkp', 'sign', '--pubkey', options.pkpPublicKey, '--digest', digest, '--data-dir', options.dataDir],
        runs,
        '≤ 400',
      ),
    ];
    // `npx litbox` started by an older system Node: the launcher re-runs itself on Node 24.
    const systemNode = spawnSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim();
    if (systemNode && Number(systemNode.split('.')[0]) < 24)
      rows.push(
        await measure(
          `litbox status started by the system Node ${systemNode}`,
          'node',
          [LAUNCHER, 'status', '--data-dir', options.dataDir],
          runs,
        ),
      );
    rows.push(
      await measure(
        'npm run --silent litbox -- status',
        'npm',
        ['run', '--silent', 'litbox', '--', 'status', '--data-dir', options.dataDir],
        3,
      ),
      // npm finds the checkout's own bin only after reading its whole dependency tree.
      await measure(
        'npx litbox status (in the checkout)',
        'npx',
        ['--offline', 'litbox', 'status', '--data-dir', options.dataDir],
        3,
      ),
    );
    return rows;
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

// `node bench/cli-time.ts --data-dir DIR [--runs N]` measures alone, against a sandbox already
// running on DIR (`npx litbox up --data-dir DIR`); it mints one PKP there to sign with.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string' } } });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: node bench/cli-time.ts --data-dir DIR [--runs N]');
  const minted = spawnSync(process.execPath, [LAUNCHER, 'pkp', 'mint', '--json', '--data-dir', dataDir], {
    encoding: 'utf8',
  });
  if (minted.status !== 0) throw new Error(`litbox pkp mint failed: ${minted.stderr}`);
  const { pubkey } = JSON.parse(minted.stdout) as { pubkey: string };
  const uptime = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = uptime();
  const rows = await measureCli({ dataDir, pkpPublicKey: pubkey, runs: Number(values.runs ?? 5) });
  console.log(`\nCLI, whole process (${os.cpus().length} cores; load before ${loadBefore}, after ${uptime()})\n`);
  console.log('| figure | median | target | detail |\n|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.name} | ${r.value.toFixed(0)} ms | ${r.target ?? '—'} | ${r.detail ?? ''} |`);
}
