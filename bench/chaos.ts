import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '../app/host/host.ts';
import { chaosTable, runChaos, type ChaosReport } from '../testing/sandbox/chaos-run.ts';
import { waitForPools } from '../testing/sandbox/network-probe.ts';
import { cpuHogsFromEnv, startCpuHogs } from './cpu-hogs.ts';

/**
 * `npm run chaos`: the network under a steady load of pkpSign and executeJs while up to N−T
 * nodes are stopped, killed and restarted at random; then N−T+1 nodes stopped (every request
 * must fail fast, saying there are not enough nodes), then started again (service must resume by
 * itself). Prints a table per phase and exits non-zero when a promise was broken.
 *
 * Settings (environment): CHAOS_NODES (7), CHAOS_RATE requests/s (20), CHAOS_SECONDS of chaos
 * (60), CHAOS_SEED (random; printed), CHAOS_JSON=<file> to keep the report (with every request
 * and a timeline of requests in flight).
 */

const nodeCount = Number(process.env.CHAOS_NODES ?? 7);
const rate = Number(process.env.CHAOS_RATE ?? 20);
const chaosSeconds = Number(process.env.CHAOS_SECONDS ?? 60);
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Requests in the N−T+1 phase must fail well within the Lit client's per-node timeout (5 s). */
const FAIL_FAST_MS = 5_000;
/**
 * CPU-bound processes to run beside the network (a busy laptop): CHAOS_CPU_HOGS=2. The targets
 * (issue 21): with at most N−T down, 0 failed and p95 at most 1 s (3 s beside the hogs); the
 * network serves again within 2 s of the stopped nodes being back.
 */
const cpuHogs = cpuHogsFromEnv('CHAOS_CPU_HOGS');
const P95_TARGET_MS = cpuHogs > 0 ? 3_000 : 1_000;
const RESUME_TARGET_MS = 2_000;

const hogs = startCpuHogs(cpuHogs);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `litbox-chaos-${nodeCount}-`));
console.error(
  `chaos: N = ${nodeCount}, ${rate} requests/s, ${chaosSeconds} s of chaos, seed ${seed}, ${cpuHogs} CPU-bound processes beside; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; data in ${dataDir}`,
);
const host = await startHost({
  dataDir,
  nodeCount,
  port: 0,
  pools: { keys: 2, presignatures: 400 },
  askPassphrase: async () => 'litbox chaos passphrase',
  onProgress: (step) => console.error(`chaos: ${step}`),
});
let report: ChaosReport;
try {
  await waitForPools(host, 2, 200, 300_000);
  report = await runChaos({
    host,
    ratePerSecond: rate,
    phases: { allUpMs: 10_000, chaosMs: chaosSeconds * 1000, outageMs: 10_000, recoveryMs: 15_000 },
    seed,
    log: (line) => console.error(`chaos: ${line}`),
  });
} finally {
  await host.stop();
  hogs.stop();
}

console.log(
  `\nChaos under load on this machine (${os.cpus().length} cores, ${cpuHogs} CPU-bound processes beside, load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')})\n`,
);
console.log(chaosTable(report));
if (process.env.CHAOS_JSON) fs.writeFileSync(process.env.CHAOS_JSON, JSON.stringify(report, null, 2));

// The promises of a threshold network, checked.
const phase = (name: string) => report.phases.find((p) => p.phase === name)!;
const broken: string[] = [];
for (const name of ['all up', 'chaos: ≤ N−T down', 'nodes back'])
  if (phase(name).failed > 0) broken.push(`${phase(name).failed} requests failed in "${name}"`);
const outage = phase('N−T+1 down');
if (outage.succeeded > 0) broken.push(`${outage.succeeded} requests succeeded with N−T+1 nodes down`);
if (Object.keys(outage.failures).some((m) => !/not enough nodes/i.test(m)))
  broken.push('a request failed with N−T+1 nodes down without saying there are not enough nodes');
if (outage.maxMs > FAIL_FAST_MS) broken.push(`a request took ${outage.maxMs.toFixed(0)} ms to fail with N−T+1 down`);
if (report.resumedAfterMs === null) broken.push('service did not resume after the nodes came back');
else if (report.resumedAfterMs - report.restartMs > RESUME_TARGET_MS)
  broken.push(
    `the first request succeeded ${((report.resumedAfterMs - report.restartMs) / 1000).toFixed(1)} s after the nodes were ready (target ${RESUME_TARGET_MS / 1000} s)`,
  );
const chaos = phase('chaos: ≤ N−T down');
if (chaos.p95Ms > P95_TARGET_MS)
  broken.push(`p95 with at most N−T down was ${chaos.p95Ms.toFixed(0)} ms (target ${P95_TARGET_MS} ms)`);
if (broken.length > 0) {
  console.log(
    `\nBROKEN (seed ${seed}; CHAOS_SEED=${seed} repeats this run): ${broken.join('; ')}\nThe nodes' logs are kept in ${dataDir}/logs.`,
  );
  process.exitCode = 1;
} else {
  console.log('\nAll promises kept.');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
