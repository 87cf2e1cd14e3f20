import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ethers, hexlify, randomBytes } from 'ethers';
import { connectContracts, KEY_TYPE, localChainProvider } from '../app/shared/contracts/index.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { benchDecryption, type DecryptionFigures } from './decryption-bench.ts';
import { measureStartup } from './startup-time.ts';

/**
 * `npm run bench`: threshold signing figures for N = 7 and N = 10 on this machine, printed as
 * a table. Every figure comes from the real network: node processes, anvil, HTTP, SQLite.
 * Run it on a quiet machine; it takes a few minutes.
 */

const SUSTAIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function waitUntil(probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('bench: timed out waiting for the network');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freshPresignatures(host: RunningHost): number {
  return Math.min(...host.supervisor.status().nodes.map((n) => n.presignaturesFresh ?? 0));
}

/** Per-presignature cost from the leader's own log lines (batches it ran). */
function presignMsFromLog(dataDir: string): number {
  const log = fs.readFileSync(path.join(dataDir, 'logs', 'node-1.log'), 'utf8');
  const each = [...log.matchAll(/\((\d+\.\d+) ms each\)/g)].map((m) => Number(m[1]));
  return each.length ? each.reduce((a, b) => a + b, 0) / each.length : NaN;
}

async function benchNetwork(nodeCount: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `litbox-bench-${nodeCount}-`));
  const host = await startHost({
    dataDir,
    nodeCount,
    port: 0,
    pools: { keys: 8, presignatures: 800 },
    askPassphrase: async () => 'litbox bench passphrase',
  });
  try {
    const provider = localChainProvider(host.supervisor.chain!.rpcUrl, 31337);
    const { PKPNFT } = connectContracts(host.supervisor.contracts!, provider);
    const unminted = async () => Number(await PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA));
    await waitUntil(async () => (await unminted()) >= 8, 120_000);

    // Mint with a ready pool.
    const mintMs: number[] = [];
    const pkps = [];
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      pkps.push(await host.wallet.pkps.mint());
      mintMs.push(performance.now() - started);
    }
    // DKG: time for the pool to make and route 8 new keys (votes included).
    const dkgStarted = performance.now();
    await waitUntil(async () => (await unminted()) >= 8, 120_000);
    const dkgPerKey = (performance.now() - dkgStarted) / 8;

    await waitUntil(() => freshPresignatures(host) >= 400, 180_000);
    const pkp = pkps[0]!;
    const authSig = await host.wallet.account.authSig();
    const sign = () => host.wallet.lit.pkpSign({ publicKey: pkp.publicKey, toSign: hexlify(randomBytes(32)), authSig });

    // Latency: one request at a time.
    for (let i = 0; i < 20; i++) await sign();
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const sig = await sign();
      latencies.push(performance.now() - started);
      if (
        i === 0 &&
        ethers.recoverAddress(
          sig.dataSigned.startsWith('0x') ? sig.dataSigned : `0x${sig.dataSigned}`,
          sig.signature,
        ) !== pkp.ethAddress
      )
        throw new Error('bench: a signature did not recover to the PKP address');
    }
    latencies.sort((a, b) => a - b);

    // Sustained: CONCURRENCY requests in flight for SUSTAIN_SECONDS, presignatures made meanwhile.
    let done = 0;
    let failed = 0;
    const until = Date.now() + SUSTAIN_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          try {
            await sign();
            done++;
          } catch {
            failed++;
          }
        }
      }),
    );
    // executeJs with one signEcdsa, the action granted by Mint/Grant/Burn.
    const code = 'await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: "sig" });';
    const ipfsId = host.wallet.actions.save(code);
    const bound = await host.wallet.pkps.mintGrantAndBurn(ipfsId);
    const execute = () =>
      host.wallet.lit.executeJs({
        code,
        ipfsId,
        jsParams: { toSign: Array.from(randomBytes(32)), publicKey: bound.publicKey },
      });
    await waitUntil(() => freshPresignatures(host) >= 300, 180_000);
    for (let i = 0; i < 10; i++) await execute();
    const actionLatencies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      await execute();
      actionLatencies.push(performance.now() - started);
    }
    actionLatencies.sort((a, b) => a - b);
    let actionsDone = 0;
    const actionSeconds = Math.max(5, Math.round(SUSTAIN_SECONDS / 3));
    const actionsUntil = Date.now() + actionSeconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < actionsUntil) {
          await execute().then(
            () => actionsDone++,
            () => failed++,
          );
        }
      }),
    );
    // Access-controlled decryption (issue 8's figures), measured at N = 7 only.
    const decryption = nodeCount === 7 ? await benchDecryption(host) : undefined;
    provider.destroy();
    return {
      decryption,
      actionP50: percentile(actionLatencies, 50),
      actionP95: percentile(actionLatencies, 95),
      actionsPerSecond: actionsDone / actionSeconds,
      nodeCount,
      threshold: host.supervisor.threshold,
      dkgPerKey,
      presignMs: presignMsFromLog(dataDir),
      mintP50: percentile(
        [...mintMs].sort((a, b) => a - b),
        50,
      ),
      signP50: percentile(latencies, 50),
      signP95: percentile(latencies, 95),
      perSecond: done / SUSTAIN_SECONDS,
      failed,
    };
  } finally {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function nobleBaseline(): number {
  const key = secp256k1.utils.randomSecretKey();
  const until = performance.now() + 2000;
  let count = 0;
  while (performance.now() < until) {
    secp256k1.sign(randomBytes(32), key, { prehash: false });
    count++;
  }
  return count / 2;
}

// Start-up first, on a machine the network benchmarks have not warmed up yet.
const startup = process.env.BENCH_STARTUP === '0' ? [] : await measureStartup();
const rows = [];
for (const n of (process.env.BENCH_NODES ?? '7,10').split(',').map(Number)) {
  console.error(`bench: N = ${n} …`);
  rows.push(await benchNetwork(n));
}
const baseline = nobleBaseline();
const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
console.log('\nThreshold ECDSA on this machine (%d cores)\n', os.cpus().length);
console.log(
  '| N | T | DKG per key (ms) | presign per sig (ms) | mint p50 (ms) | sign p50 (ms) | sign p95 (ms) | signatures/s sustained | failed |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.nodeCount} | ${r.threshold} | ${f(r.dkgPerKey, 0)} | ${f(r.presignMs, 2)} | ${f(r.mintP50)} | ${f(r.signP50)} | ${f(r.signP95)} | ${f(r.perSecond)} (${SUSTAIN_SECONDS} s, ${CONCURRENCY} in flight) | ${r.failed} |`,
  );
console.log('\n| N | executeJs with one signEcdsa p50 (ms) | p95 (ms) | per second |');
console.log('|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.nodeCount} | ${f(r.actionP50)} | ${f(r.actionP95)} | ${f(r.actionsPerSecond)} |`);
for (const r of rows) {
  const d: DecryptionFigures | undefined = r.decryption;
  if (!d) continue;
  console.log(`\nAccess-controlled decryption, N = ${r.nodeCount} (1 KiB, a balance condition, ${d.runs} runs, p50)\n`);
  console.log('| encrypt (ms) | per-node share (ms) | client combine + decrypt p50 / p95 (ms) | whole decrypt (ms) |');
  console.log('|---|---|---|---|');
  console.log(
    `| ${f(d.encryptP50)} | ${f(d.nodeShareP50)} | ${f(d.combineP50)} / ${f(d.combineP95)} (target ≤ 40) | ${f(d.decryptP50)} |`,
  );
}
if (startup.length) {
  console.log('\nStart-up: opening the app to a usable wallet (N = 7)\n');
  console.log('| case | ms | detail |\n|---|---|---|');
  for (const r of startup) console.log(`| ${r.case} | ${r.ms} | ${r.detail ?? ''} |`);
}
console.log(`\nBaseline: one process signing with @noble/curves: ${f(baseline, 0)} signatures/s\n`);
