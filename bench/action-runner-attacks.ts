import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { ethers, hexlify, randomBytes } from 'ethers';
import { startHost } from '../app/host/host.ts';
import { waitForPools } from '../testing/sandbox/network-probe.ts';

/**
 * `scripts/with-test-keyring.sh node --no-node-snapshot bench/action-runner-attacks.ts`:
 * executeJs + signEcdsa latency (p50/p95), then the Lit Action attacks of issue 13 sent to
 * node 1 without auth, as another program on the machine would: time until the node answers,
 * the memory the node (and its runner processes) hold, whether the node still runs an
 * action, and the network still signs. Prints one table. BENCH_NODES (default 7).
 */

const NODES = Number(process.env.BENCH_NODES ?? 7);
const ANSWER_CAP_MS = 45_000;

const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? NaN;
};

/** RSS (MB) of a process and all its descendants (Linux /proc). */
function treeRssMb(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return;
    }
    let children = '';
    try {
      children = execFileSync('pgrep', ['-P', String(p)], { encoding: 'utf8' });
    } catch {
      children = '';
    }
    for (const c of children.split('\n').filter(Boolean)) visit(Number(c));
  };
  visit(pid);
  return Math.round(total);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-runner-attacks-'));
const host = await startHost({
  dataDir,
  nodeCount: NODES,
  port: 0,
  pools: { keys: 4, presignatures: 300 },
  askPassphrase: async () => 'litbox bench passphrase',
});
const rows: string[][] = [];
try {
  const node1 = host.supervisor.node(1);
  const waitFresh = async (n: number) => {
    const deadline = Date.now() + 900_000;
    while (Math.min(...host.supervisor.status().nodes.map((x) => x.presignaturesFresh ?? 0)) < n) {
      if (Date.now() > deadline) throw new Error('bench: presignatures did not fill');
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const code = 'await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: "sig" });';
  const ipfsId = host.wallet.actions.save(code);
  await waitForPools(host, 2, 120, 600_000);
  const bound = await host.wallet.pkps.mintGrantAndBurn(ipfsId);
  const execute = async () => {
    const toSign = randomBytes(32);
    const result = await host.wallet.lit.executeJs({
      code,
      ipfsId,
      jsParams: { toSign: Array.from(toSign), publicKey: bound.publicKey },
    });
    const sig = result.signatures.sig!;
    const recovered = ethers.recoverAddress(hexlify(toSign), sig.signature);
    if (recovered !== bound.ethAddress) throw new Error(`bench: the signature recovers to ${recovered}`);
    return result;
  };
  await waitFresh(120);
  for (let i = 0; i < 10; i++) await execute();
  const latencies: number[] = [];
  for (let i = 0; i < 100; i++) {
    const started = performance.now();
    await execute();
    latencies.push(performance.now() - started);
  }
  console.log(
    `executeJs + signEcdsa (N=${NODES}, 100 runs): p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms; uptime: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  /** executeJs on node 1 without auth, straight over HTTP. */
  const attack = async (actionCode: string, authSig?: unknown): Promise<{ ms: number; answer: string }> => {
    const started = performance.now();
    try {
      const res = await fetch(`${node1.url}/web/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          requestId: cryptoRandomBytes(12).toString('base64url'),
          code: actionCode,
          participants: [1],
          presignatureIds: [],
          ...(authSig ? { authSig } : {}),
        }),
        signal: AbortSignal.timeout(ANSWER_CAP_MS),
      });
      const text = await res.text();
      return { ms: performance.now() - started, answer: `${res.status} ${text.slice(0, 160)}` };
    } catch (err) {
      return { ms: performance.now() - started, answer: `no answer (${(err as Error).name})` };
    }
  };
  /** One normal executeJs on node 1 alone (no signature), by the wallet: how long it waits behind the attack. */
  const walletAuthSig = await host.wallet.account.authSig();
  const probe = async () => {
    const { ms, answer } = await attack('Lit.Actions.setResponse({ response: "ok" });', walletAuthSig);
    return `${ms.toFixed(0)} ms (${answer.slice(0, 40)})`;
  };
  const pid = node1.pid!;
  const measure = async (name: string, actionCode: string, copies = 1) => {
    const before = treeRssMb(node1.pid ?? pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(node1.pid ?? pid))), 100);
    const runs = Array.from({ length: copies }, () => attack(actionCode));
    await new Promise((r) => setTimeout(r, 300));
    const probed = await probe();
    const results = await Promise.all(runs);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 1_500));
    const after = treeRssMb(node1.pid ?? pid);
    const endMs = Math.max(...results.map((r) => r.ms));
    rows.push([
      name,
      `${(endMs / 1000).toFixed(1)} s`,
      results[0]!.answer.replace(/\|/g, '/').slice(0, 110),
      `${before} → peak ${peak} → ${after} MB`,
      probed,
      `${node1.pid === pid ? 'same' : 'restarted'} node process`,
    ]);
    console.log(rows.at(-1)!.join(' | '));
  };

  await measure('`new Array(1e9).fill(0)`', 'new Array(1e9).fill(0);');
  await measure('tight loop `for(;;){}`', 'for (;;) {}');
  await measure('memory bomb (arrays of doubles)', 'const a = []; for (;;) a.push(new Array(1e6).fill(1.5));');
  await measure('4 idle 15 s actions', 'await new Promise((r) => setTimeout(r, 15000));', 4);

  // A flood: 40 idle actions at once; how many are refused busy, and how fast.
  const floodStarted = performance.now();
  const flood = await Promise.all(
    Array.from({ length: 40 }, () => attack('await new Promise((r) => setTimeout(r, 5000));')),
  );
  const busy = flood.filter((f) => f.answer.startsWith('429'));
  rows.push([
    'flood of 40 idle 5 s actions',
    `${((performance.now() - floodStarted) / 1000).toFixed(1)} s`,
    `${busy.length} busy (first in ${busy.length ? Math.min(...busy.map((b) => b.ms)).toFixed(0) : '-'} ms); ${flood.length - busy.length} ran`,
    '',
    '',
    '',
  ]);
  console.log(rows.at(-1)!.join(' | '));

  const afterStarted = performance.now();
  await execute();
  console.log(
    `afterwards: executeJs + signEcdsa on the network ${(performance.now() - afterStarted).toFixed(0)} ms, signature recovers to the PKP`,
  );
  const after: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    await execute();
    after.push(performance.now() - started);
  }
  console.log(
    `executeJs + signEcdsa after the attacks (50 runs): p50 ${pct(after, 50).toFixed(1)} ms, p95 ${pct(after, 95).toFixed(1)} ms`,
  );
  console.log(`node 1 health: ${JSON.stringify(await (await fetch(`${node1.url}/health`)).json())}`);
} finally {
  console.log(
    '\n| attack | time to end | node answer | node 1 memory (RSS with children) | a normal run meanwhile | node |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  await host.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
