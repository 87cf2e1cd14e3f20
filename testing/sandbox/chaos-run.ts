import { ethers, hexlify, randomBytes } from 'ethers';
import { createApiClient, type ApiClient } from '../../app/shared/api/client.ts';
import type { RunningHost } from '../../app/host/host.ts';
import { waitFor } from './network-probe.ts';

/**
 * Chaos under load (`npm run chaos`, and a short run in the integration tests): a steady,
 * open-loop load of pkpSign and executeJs through the host API while nodes are stopped, killed
 * and restarted at random, never more than N−T at a time; then N−T+1 nodes stopped (every
 * request must fail fast with "not enough nodes"), then the nodes started again (service must
 * resume by itself). Every signature that comes back is checked with ethers.
 */

export interface ChaosOptions {
  host: RunningHost;
  /** Requests started per second, alternating pkpSign and executeJs. */
  ratePerSecond: number;
  /** Phase lengths in ms. */
  phases: { allUpMs: number; chaosMs: number; outageMs: number; recoveryMs: number };
  /** Seeds which node goes down when, and how (printed, so a run can be repeated). */
  seed: number;
  /** How long a stopped node stays down, ms (a killed one comes back when the supervisor restarts it). */
  downMs?: { min: number; max: number };
  /** Pause between chaos events, ms. */
  pauseMs?: { min: number; max: number };
  /** A request that takes longer than this is given up and counted as failed. */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export type PhaseName = 'all up' | 'chaos: ≤ N−T down' | 'N−T+1 down' | 'nodes starting' | 'nodes back';
const PHASES: readonly PhaseName[] = ['all up', 'chaos: ≤ N−T down', 'N−T+1 down', 'nodes starting', 'nodes back'];

export interface PhaseFigures {
  phase: PhaseName;
  seconds: number;
  requests: number;
  succeeded: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** p50 and p95 of each kind of request apart (executeJs runs the action at every node first). */
  byKind: Record<Sample['kind'], { p50Ms: number; p95Ms: number }>;
  /** Failure messages (first line, digits masked) and how often each came. */
  failures: Record<string, number>;
}

export interface ChaosReport {
  nodeCount: number;
  threshold: number;
  ratePerSecond: number;
  seed: number;
  phases: PhaseFigures[];
  /** Chaos events: what was done to which node, when (ms from the start of the load). */
  events: { atMs: number; node: number; action: 'stop' | 'kill' | 'start' }[];
  /** The most nodes down at once during the chaos phase. */
  maxDownAtOnce: number;
  /** The most requests in flight at once (the host API refuses calls beyond its limit). */
  maxInFlight: number;
  /** Restarted nodes that found their port taken and moved to another. */
  portMoves: number;
  /** Restarts the supervisor made beyond the SIGKILLs the chaos sent: nodes that died by themselves. */
  unexpectedRestarts: number;
  /** The slowest requests, and the first that failed while they should not, with what happened to them. */
  slowest: { phase: PhaseName; kind: string; atMs: number; ms: number; error?: string }[];
  /** How long the stopped nodes took to start again (until every one reported ready). */
  restartMs: number;
  /** Every request: [ms from the start of the load, kind, ms it took, error if it failed] (for CHAOS_JSON). */
  requests: [number, Sample['kind'], number, string?][];
  /** Every 250 ms: [ms from the start of the load, requests in flight, fewest fresh presignatures a node up holds]. */
  timeline: [number, number, number][];
  /** From the moment the stopped nodes were started again to the end of the first request that succeeded. */
  resumedAfterMs: number | null;
}

interface Sample {
  phase: PhaseName;
  kind: 'pkpSign' | 'executeJs';
  startedAt: number;
  ms: number;
  error?: string;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same chaos. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The action the executeJs load runs: one signature, by the owner of the PKP. */
export const CHAOS_ACTION = 'await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: "sig" });';

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { host, ratePerSecond, phases } = options;
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const between = (r: { min: number; max: number }) => r.min + random() * (r.max - r.min);
  const supervisor = host.supervisor;
  const nodeCount = supervisor.nodeCount;
  const threshold = supervisor.threshold;
  const tolerated = nodeCount - threshold;
  const requestTimeoutMs = options.requestTimeoutMs ?? 45_000;
  const api: ApiClient = createApiClient({
    baseUrl: host.url,
    token: host.token,
    fetch: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) }),
  });

  // What the load signs with: a PKP of the wallet, and an action stored on the host.
  const pkp = await api.call('pkpMint', {});
  const { ipfsId } = await api.call('actionSave', { code: CHAOS_ACTION });

  let phase: PhaseName = 'all up';
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  let maxInFlight = 0;

  const oneRequest = async (kind: Sample['kind']): Promise<void> => {
    const started = performance.now();
    const sample: Sample = { phase, kind, startedAt: started, ms: 0 };
    const toSign = hexlify(randomBytes(32));
    try {
      const signature =
        kind === 'pkpSign'
          ? (await api.call('pkpSign', { publicKey: pkp.publicKey, toSign })).signature
          : (
              await api.call('actionRun', {
                ipfsId,
                jsParams: { toSign: Array.from(ethers.getBytes(toSign)), publicKey: pkp.publicKey },
              })
            ).signatures.sig?.signature;
      if (!signature || ethers.recoverAddress(toSign, signature) !== pkp.ethAddress)
        throw new Error('the signature does not recover to the PKP address');
    } catch (err) {
      sample.error = (err as Error).message;
    }
    sample.ms = performance.now() - started;
    samples.push(sample);
  };

  // Open-loop load: one request every 1/rate seconds, whether earlier ones finished or not.
  // Paused only between phases, so that no request runs across two of them.
  let loadRunning = true;
  let paused = false;
  const load = (async () => {
    const interval = 1000 / ratePerSecond;
    const start = performance.now();
    for (let k = 0; loadRunning; k++) {
      const wait = start + k * interval - performance.now();
      if (wait > 0) await sleep(wait);
      if (!loadRunning) break;
      if (paused) continue;
      const request = oneRequest(k % 2 === 0 ? 'pkpSign' : 'executeJs');
      inFlight.add(request);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      void request.finally(() => inFlight.delete(request));
    }
  })();

  const betweenPhases = async (next: () => Promise<void>) => {
    paused = true;
    await Promise.all([...inFlight]);
    await next();
    paused = false;
  };
  const nodeUp = (index: number) => supervisor.status().nodes[index - 1]!.up;
  const restartsBefore = supervisor.status().nodes.reduce((sum, n) => sum + n.restarts, 0);
  // A node that restarts and finds its port taken moves to another (and says so in Staking).
  let portMoves = 0;
  for (const node of supervisor.nodes)
    node.on('port', (port) => {
      portMoves++;
      log(`  node ${node.index} moved to port ${port}`);
    });
  const allUp = () => supervisor.status().nodes.every((n) => n.up);

  // Measured phase lengths (the nominal ones, plus whatever stopping and starting took).
  const lengths: Record<PhaseName, number> = {
    'all up': 0,
    'chaos: ≤ N−T down': 0,
    'N−T+1 down': 0,
    'nodes starting': 0,
    'nodes back': 0,
  };
  const loadStart = performance.now();
  const timeline: ChaosReport['timeline'] = [];
  // A node that has not reported its count yet (null) is left out, not read as 0.
  const fewestFresh = () =>
    Math.min(
      ...supervisor
        .status()
        .nodes.flatMap((n) => (n.up && typeof n.presignaturesFresh === 'number' ? [n.presignaturesFresh] : [])),
    );
  const watch = setInterval(
    () => timeline.push([Math.round(performance.now() - loadStart), inFlight.size, fewestFresh()]),
    250,
  );
  log(`phase "all up": ${phases.allUpMs / 1000} s`);
  await sleep(phases.allUpMs);

  // Chaos: at random moments take a random node down (stop it for a while, or SIGKILL it and
  // let the supervisor bring it back), never more than N−T down at once.
  phase = 'chaos: ≤ N−T down';
  log(`phase "${phase}": ${phases.chaosMs / 1000} s, at most ${tolerated} of ${nodeCount} nodes down at once`);
  const chaosStart = performance.now();
  lengths['all up'] = chaosStart - loadStart;
  const events: ChaosReport['events'] = [];
  const taken = new Set<number>();
  let maxDownAtOnce = 0;
  const recoveries: Promise<void>[] = [];
  const note = (node: number, action: 'stop' | 'kill' | 'start') => {
    events.push({ atMs: Math.round(performance.now() - loadStart), node, action });
    log(`  ${((performance.now() - loadStart) / 1000).toFixed(1)} s: ${action} node ${node}`);
  };
  while (performance.now() - chaosStart < phases.chaosMs) {
    await sleep(between(options.pauseMs ?? { min: 300, max: 2_500 }));
    if (performance.now() - chaosStart >= phases.chaosMs) break;
    // A node counts as down from the moment it is acted on until it is up again.
    const down = new Set([
      ...taken,
      ...supervisor
        .status()
        .nodes.filter((n) => !n.up)
        .map((n) => n.index),
    ]);
    if (down.size >= tolerated) continue;
    const candidates = supervisor
      .status()
      .nodes.filter((n) => n.up && !down.has(n.index))
      .map((n) => n.index);
    if (candidates.length === 0) continue;
    const index = candidates[Math.floor(random() * candidates.length)]!;
    const node = supervisor.node(index);
    taken.add(index);
    maxDownAtOnce = Math.max(maxDownAtOnce, down.size + 1);
    if (random() < 0.5) {
      const downFor = between(options.downMs ?? { min: 500, max: 4_000 });
      note(index, 'stop');
      recoveries.push(
        (async () => {
          await node.stop();
          await sleep(downFor);
          note(index, 'start');
          await node.start();
          taken.delete(index);
        })(),
      );
    } else {
      const pid = node.pid;
      note(index, 'kill');
      if (pid) process.kill(pid, 'SIGKILL');
      recoveries.push(
        (async () => {
          await waitFor(`node ${index} restarted after SIGKILL`, () => node.pid !== pid && nodeUp(index), 60_000);
          taken.delete(index);
        })(),
      );
    }
  }
  await Promise.all(recoveries);
  await waitFor('every node up after the chaos phase', allUp, 60_000);
  lengths['chaos: ≤ N−T down'] = performance.now() - chaosStart;

  // One node more than the network tolerates: every request must fail, fast and clearly.
  const victims = Array.from({ length: tolerated + 1 }, (_, i) => nodeCount - i);
  let outageAt = 0;
  await betweenPhases(async () => {
    phase = 'N−T+1 down';
    log(`phase "${phase}": nodes ${victims.join(', ')} stopped for ${phases.outageMs / 1000} s`);
    outageAt = performance.now();
    await Promise.all(victims.map((i) => supervisor.node(i).stop()));
  });
  await sleep(phases.outageMs);

  // The nodes come back; the service must resume without anyone doing anything else.
  let startingAt = 0;
  await betweenPhases(async () => {
    phase = 'nodes starting';
    startingAt = performance.now();
    lengths['N−T+1 down'] = startingAt - outageAt;
    log(`phase "${phase}": nodes ${victims.join(', ')} started again`);
  });
  await Promise.all(victims.map((i) => supervisor.node(i).start()));
  phase = 'nodes back';
  const backAt = performance.now();
  lengths['nodes starting'] = backAt - startingAt;
  log(
    `phase "${phase}": every node ready after ${((backAt - startingAt) / 1000).toFixed(1)} s; ${phases.recoveryMs / 1000} s`,
  );
  await sleep(phases.recoveryMs);
  loadRunning = false;
  await load;
  lengths['nodes back'] = performance.now() - backAt;
  clearInterval(watch);
  await Promise.all([...inFlight]);

  const firstSuccess = samples
    .filter((s) => s.startedAt >= startingAt && !s.error)
    .reduce<number | null>((min, s) => (min === null || s.startedAt + s.ms < min ? s.startedAt + s.ms : min), null);
  return {
    nodeCount,
    threshold,
    ratePerSecond,
    seed: options.seed,
    phases: PHASES.map((name) => figures(name, lengths[name], samples)),
    events,
    maxDownAtOnce,
    maxInFlight,
    portMoves,
    unexpectedRestarts:
      supervisor.status().nodes.reduce((sum, n) => sum + n.restarts, 0) -
      restartsBefore -
      events.filter((e) => e.action === 'kill').length,
    slowest: [
      ...[...samples].sort((a, b) => b.ms - a.ms).slice(0, 8),
      // And every failure where none should be, to see what the chaos had just done.
      ...samples.filter((s) => s.error && (s.phase === 'chaos: ≤ N−T down' || s.phase === 'all up')).slice(0, 10),
    ].map((s) => ({
      phase: s.phase,
      kind: s.kind,
      atMs: Math.round(s.startedAt - loadStart),
      ms: Math.round(s.ms),
      ...(s.error ? { error: s.error.slice(0, 160) } : {}),
    })),
    restartMs: Math.round(backAt - startingAt),
    requests: samples.map((s): ChaosReport['requests'][number] =>
      s.error
        ? [Math.round(s.startedAt - loadStart), s.kind, Math.round(s.ms), s.error.slice(0, 160)]
        : [Math.round(s.startedAt - loadStart), s.kind, Math.round(s.ms)],
    ),
    timeline,
    resumedAfterMs: firstSuccess === null ? null : Math.round(firstSuccess - startingAt),
  };
}

function figures(phase: PhaseName, lengthMs: number, samples: readonly Sample[]): PhaseFigures {
  const mine = samples.filter((s) => s.phase === phase);
  const sorted = mine.map((s) => s.ms).sort((a, b) => a - b);
  const failures: Record<string, number> = {};
  for (const s of mine) {
    if (!s.error) continue;
    const key = s.error.split('\n')[0]!.replace(/\d+/g, '#').slice(0, 200);
    failures[key] = (failures[key] ?? 0) + 1;
  }
  return {
    phase,
    seconds: Math.round(lengthMs / 100) / 10,
    requests: mine.length,
    succeeded: mine.filter((s) => !s.error).length,
    failed: mine.filter((s) => s.error).length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted.at(-1) ?? NaN,
    byKind: {
      pkpSign: kindFigures(mine, 'pkpSign'),
      executeJs: kindFigures(mine, 'executeJs'),
    },
    failures,
  };
}

function kindFigures(samples: readonly Sample[], kind: Sample['kind']): { p50Ms: number; p95Ms: number } {
  const sorted = samples
    .filter((s) => s.kind === kind)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

/** The report as a Markdown table, one row per phase, and what the chaos did. */
export function chaosTable(report: ChaosReport): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
  const lines = [
    `N = ${report.nodeCount}, T = ${report.threshold}, ${report.ratePerSecond} requests/s (pkpSign and executeJs alternating), seed ${report.seed}`,
    '',
    '| phase | seconds | requests | failed | p50 (ms) | p95 (ms) | max (ms) |',
    '|---|---|---|---|---|---|---|',
    ...report.phases.map(
      (p) =>
        `| ${p.phase} | ${p.seconds} | ${p.requests} | ${p.failed} | ${f(p.p50Ms)} | ${f(p.p95Ms)} | ${f(p.maxMs)} |`,
    ),
    '',
    `Chaos: ${report.events.filter((e) => e.action === 'stop').length} stops and ${report.events.filter((e) => e.action === 'kill').length} SIGKILLs, at most ${report.maxDownAtOnce} nodes down at once; at most ${report.maxInFlight} requests in flight; ${report.portMoves} restarted nodes found their port taken and moved; ${report.unexpectedRestarts} nodes died by themselves.`,
    `The ${report.nodeCount - report.threshold + 1} stopped nodes took ${(report.restartMs / 1000).toFixed(1)} s to start again; the first request succeeded ${report.resumedAfterMs === null ? 'never (!)' : `${(report.resumedAfterMs / 1000).toFixed(1)} s`} after they were started.`,
  ];
  for (const p of report.phases)
    lines.push(
      `  ${p.phase}: pkpSign p50 ${f(p.byKind.pkpSign.p50Ms)} ms, p95 ${f(p.byKind.pkpSign.p95Ms)} ms; executeJs p50 ${f(p.byKind.executeJs.p50Ms)} ms, p95 ${f(p.byKind.executeJs.p95Ms)} ms`,
    );
  for (const p of report.phases)
    for (const [message, count] of Object.entries(p.failures)) lines.push(`  ${p.phase}: ${count}× ${message}`);
  lines.push('Slowest requests, and failures where none should be:');
  for (const s of report.slowest)
    lines.push(
      `  ${s.ms} ms, ${s.kind} at ${(s.atMs / 1000).toFixed(1)} s (${s.phase})${s.error ? `: ${s.error}` : ''}`,
    );
  return lines.join('\n');
}
