import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'ethers';
import { startHost } from '../app/host/host.ts';
import { fmt, percentile } from './report.ts';

/**
 * `scripts/with-test-keyring.sh node --no-node-snapshot bench/action-latency.ts`: the cost of
 * one warm Lit Action on a 7-node sandbox, the figure the runner processes must not raise:
 * executeJs with one signEcdsa, one at a time (p50, p95) and 4 in flight (per second).
 * ACTION_RUNS sets the sequential runs (default 60). Prints `uptime` beside the figures.
 */

const RUNS = Number(process.env.ACTION_RUNS ?? 60);
const NODES = Number(process.env.ACTION_NODES ?? 7);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-action-latency-'));
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

const host = await startHost({
  dataDir,
  nodeCount: NODES,
  port: 0,
  pools: { keys: 2, presignatures: 150 },
  askPassphrase: async () => 'litbox bench passphrase',
});
try {
  await host.supervisor.untilUsable(() => undefined, 180_000);
  const code = 'await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: "sig" });';
  const ipfsId = host.wallet.actions.save(code);
  const bound = await host.wallet.pkps.mintGrantAndBurn(ipfsId);
  const execute = () =>
    host.wallet.lit.executeJs({
      code,
      ipfsId,
      jsParams: { toSign: Array.from(randomBytes(32)), publicKey: bound.publicKey },
    });
  const fresh = () => Math.min(...host.supervisor.status().nodes.map((n) => n.presignaturesFresh ?? 0));
  for (let waited = 0; fresh() < 100 && waited < 180_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < 10; i++) await execute();
  console.log(`before: ${uptime()}`);
  const latencies: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await execute();
    latencies.push(performance.now() - t);
  }
  let done = 0;
  let failed = 0;
  const burstStarted = performance.now();
  const until = Date.now() + 8_000;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < until)
        await execute().then(
          () => done++,
          () => failed++,
        );
    }),
  );
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  console.log(`after:  ${uptime()}`);
  console.log(
    `N=${NODES} executeJs + one signEcdsa, warm: p50 ${fmt(percentile(latencies, 50))} ms, p95 ${fmt(percentile(latencies, 95))} ms (${RUNS} runs); 4 in flight: ${fmt(done / burstSeconds)}/s, ${failed} failed`,
  );
} finally {
  await host.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
