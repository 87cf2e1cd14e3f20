// The node's Lit Action runner. Actions run in isolated-vm inside runner processes
// (runner-child.ts), never in the node's own process: a run that does not end in its time
// (isolated-vm cannot interrupt a long native builtin such as `new Array(1e9).fill(0)`) or a
// process over the hard memory limit (its resident memory, watched from here) is ended by
// killing the process, which frees everything it held, and a replacement starts at once.
// Two lanes, one runner process each, several runs at once in it (one isolate each):
// - the host's: runs of the host's own Lit client (it showed the host client key). Its process
//   starts with the node, before the node answers, so no request waits for one; it has slots
//   and a queue (64, 30 s) of its own that outsiders cannot touch, and no requester's share
//   (it carries every user of the wallet, and the host API bounds it already).
// - outsiders': everyone else. Its process starts at the first such run; its slots are shared
//   with at most maxRunsPerRequester per requester, in a bounded queue; beyond that the answer
//   is "busy" (error kind 'busy'). A kill caused by an outsider's run never touches the host's.
import { fileURLToPath } from 'node:url';
import type { ActionRunnerHealth } from '../../shared/node-ipc.ts';
import { compileAllowList, type AllowList } from './fetch-allow-list.ts';
import type { IsolateRunnerStats } from './isolate-runner.ts';
import { Buffer } from 'node:buffer';
import { DEFAULT_ACTION_LIMITS, formatBytes, type ActionLimits } from './limits.ts';
import { RunnerProcess, type RunnerEndReason } from './runner-process.ts';
import type { ActionError, ActionExecution, ActionResult } from './types.ts';

export type ActionRunnerStats = IsolateRunnerStats;

export interface ActionRunnerOptions {
  readonly limits?: Partial<ActionLimits>;
  /** URL prefixes an action may fetch (see fetch-allow-list.ts); default none. */
  readonly fetchAllowList?: readonly string[];
  /** The host's lane: runs at the same time (default 3), waiting runs (64), wait (30 s). */
  readonly maxHostRuns?: number;
  readonly maxHostQueued?: number;
  readonly maxHostQueueWaitMs?: number;
  /** Outsiders' lane: runs at the same time (default 2), and for one requester (default 1). */
  readonly maxRuns?: number;
  readonly maxRunsPerRequester?: number;
  /** Outsiders' runs waiting for a free slot, in all (default 16) and per requester (default 4). */
  readonly maxQueued?: number;
  readonly maxQueuedPerRequester?: number;
  /** How long an outsider's run may wait for a slot before it is answered "busy" (default 5 s). */
  readonly maxQueueWaitMs?: number;
  /**
   * Resident memory of a runner process at which it is ended with its runs, MB (default the
   * isolate's memory limit per slot of its lane, plus 256 MB for the process itself and what
   * isolated-vm does not count).
   */
  readonly hardMemoryLimitMb?: number;
  /** Time past the run's timeout before its process is killed (default 1 s). */
  readonly killGraceMs?: number;
  /** An isolate is replaced after this many executions (default 1000). */
  readonly maxRunsPerIsolate?: number;
  /** Compiled actions kept per isolate (default 32). */
  readonly scriptCacheSize?: number;
  /** The runner process's program (default runnerEntry()). */
  readonly entry?: string;
}

/** The runner process's program: the bundle's sibling when the node runs bundled, else the source. */
export function runnerEntry(): string {
  const here = import.meta.url;
  const bundled = here.endsWith('.mjs') ? RUNNER_BUNDLE_NAME : RUNNER_SOURCE_NAME;
  return fileURLToPath(new URL(bundled, here));
}
/** scripts/bundle-nodes.ts writes the runner beside out/nodes/main.mjs under this name. */
export const RUNNER_BUNDLE_NAME = './action-runner-child.mjs';
const RUNNER_SOURCE_NAME = './runner-child.ts';

const ANONYMOUS = 'anonymous';
const MEMORY_POLL_MS = 50;
/** A run this far past its kill deadline means a runner process that will not die. */
const OVERDUE_MS = 2_000;
/** Starts that failed in a row before waiting runs are refused and the runner reports stuck. */
const MAX_START_FAILURES = 3;
/** How long a host-lane runner sent to the background waits idle before a fresh one replaces it. */
const RETIRE_IDLE_MS = 2_000;

interface Waiter {
  readonly requester: string;
  readonly admit: (admitted: boolean) => void;
}

type LaneName = 'host' | 'outside';

/** One lane: its runner process, its slots, its queue. */
interface Lane {
  readonly name: LaneName;
  readonly maxRuns: number;
  readonly maxRunsPerRequester: number;
  readonly maxQueued: number;
  readonly maxQueuedPerRequester: number;
  readonly maxQueueWaitMs: number;
  readonly hardMemoryLimitMb: number;
  /**
   * Its runners run below the node from the start (outsiders'). The host's run at the node's
   * priority until one of their runs is CPU-bound (runner-child.ts), and are replaced once
   * idle: the wallet's everyday actions are the network's own work, and beside other busy
   * programs a niced runner got a tenth of a core.
   */
  readonly background: boolean;
  retireTimer: NodeJS.Timeout | undefined;
  process: RunnerProcess | undefined;
  running: number;
  readonly runningBy: Map<string, number>;
  readonly queue: Waiter[];
  startFailuresInARow: number;
}

export class ActionRunner {
  readonly limits: ActionLimits;
  private readonly allowList: AllowList;
  private readonly killGraceMs: number;
  private readonly isolateOptions: { maxRunsPerIsolate?: number; scriptCacheSize?: number };
  private readonly fetchAllowList: readonly string[];
  private readonly entry: string;
  private readonly lanes: Record<LaneName, Lane>;
  /** Every live runner process (a lane's current one, and one being killed). */
  private readonly processes = new Set<RunnerProcess>();
  private memoryPoll: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Isolate counters of processes that have ended. */
  private readonly endedStats: IsolateRunnerStats = {
    executions: 0,
    isolatesCreated: 0,
    isolatesDisposed: 0,
    contextsCreated: 0,
    scriptCompiles: 0,
    scriptCacheHits: 0,
  };
  private readonly counters = {
    runnersStarted: 0,
    runnersReplaced: 0,
    endedAtTimeout: 0,
    endedAtMemory: 0,
    crashed: 0,
    busyRefusals: 0,
    startFailures: 0,
  };
  private lastReplaced: { reason: RunnerEndReason; at: number } | null = null;

  constructor(options: ActionRunnerOptions = {}) {
    this.limits = Object.freeze({ ...DEFAULT_ACTION_LIMITS, ...options.limits });
    this.fetchAllowList = [...(options.fetchAllowList ?? [])];
    this.allowList = compileAllowList(this.fetchAllowList);
    this.killGraceMs = options.killGraceMs ?? 1_000;
    this.entry = options.entry ?? runnerEntry();
    this.isolateOptions = {
      ...(options.maxRunsPerIsolate === undefined ? {} : { maxRunsPerIsolate: options.maxRunsPerIsolate }),
      ...(options.scriptCacheSize === undefined ? {} : { scriptCacheSize: options.scriptCacheSize }),
    };
    const lane = (name: LaneName, maxRuns: number, rest: Partial<Lane>): Lane => ({
      name,
      maxRuns,
      maxRunsPerRequester: maxRuns,
      maxQueuedPerRequester: Infinity,
      maxQueued: 16,
      maxQueueWaitMs: 5_000,
      hardMemoryLimitMb: options.hardMemoryLimitMb ?? this.limits.memoryLimitMb * maxRuns + 256,
      background: true,
      retireTimer: undefined,
      process: undefined,
      running: 0,
      runningBy: new Map(),
      queue: [],
      startFailuresInARow: 0,
      ...rest,
    });
    const hostRuns = Math.max(1, options.maxHostRuns ?? 3);
    const outsideRuns = Math.max(1, options.maxRuns ?? 2);
    this.lanes = {
      host: lane('host', hostRuns, {
        background: false,
        maxQueued: Math.max(0, options.maxHostQueued ?? 64),
        maxQueueWaitMs: options.maxHostQueueWaitMs ?? 30_000,
      }),
      outside: lane('outside', outsideRuns, {
        maxRunsPerRequester: Math.max(1, options.maxRunsPerRequester ?? 1),
        maxQueued: Math.max(0, options.maxQueued ?? 16),
        maxQueuedPerRequester: Math.max(0, options.maxQueuedPerRequester ?? 4),
        maxQueueWaitMs: options.maxQueueWaitMs ?? 5_000,
      }),
    };
  }

  /** Isolate counters summed over every runner process this runner started. */
  get stats(): IsolateRunnerStats {
    const sum = { ...this.endedStats };
    for (const p of this.processes)
      for (const key of Object.keys(sum) as (keyof IsolateRunnerStats)[]) sum[key] += p.stats[key];
    return sum;
  }

  /** Runs, queues and replaced runner processes, for /health. */
  health(): ActionRunnerHealth {
    const now = performance.now();
    const { host, outside } = this.lanes;
    const overdue = [...this.processes].filter((p) => p.overdueBy(now) > OVERDUE_MS).length;
    return {
      capacity: host.maxRuns + outside.maxRuns,
      running: host.running + outside.running,
      queued: host.queue.length + outside.queue.length,
      runnersAlive: this.processes.size,
      runnersIdle: [...this.processes].filter((p) => p.state === 'ready' && p.running === 0).length,
      ...this.counters,
      lastReplaced: this.lastReplaced,
      overdue,
      stuck: overdue > 0 || Object.values(this.lanes).some((l) => l.startFailuresInARow >= MAX_START_FAILURES),
    };
  }

  /** The OS process ids of the live runner processes (for tests and measurements). */
  runnerPids(): number[] {
    return [...this.processes].flatMap((p) => (p.pid === undefined || p.state === 'dead' ? [] : [p.pid]));
  }

  /**
   * Starts the host's runner process (and, with `outsiders`, theirs); resolves when ready.
   * The node calls it before it answers, so the host's runs never wait for a process start.
   */
  async warmUp(outsiders = false): Promise<void> {
    const host = this.ready(this.lanes.host);
    if (outsiders) await Promise.all([host, this.ready(this.lanes.outside)]);
    else await host;
  }

  /** Kills every runner process; running executions end with an error, waiting ones are refused. */
  /** Ends every runner process; resolves once they have exited (callers may ignore it). */
  dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.memoryPoll);
    for (const lane of Object.values(this.lanes)) {
      clearTimeout(lane.retireTimer);
      for (const waiter of lane.queue.splice(0)) waiter.admit(false);
    }
    const processes = [...this.processes];
    for (const p of processes) p.end('disposed');
    return Promise.all(processes.map((p) => p.exited)).then(() => undefined);
  }

  /** Runs one action. Never throws: errors (the action's, a limit, "busy") come back in `error`. */
  async execute(execution: ActionExecution): Promise<ActionResult> {
    const startedAt = performance.now();
    const lane = execution.fromHost === true ? this.lanes.host : this.lanes.outside;
    const requester = execution.requester ?? ANONYMOUS;
    const fail = (error: ActionError, logs = ''): ActionResult => ({
      response: undefined,
      logs,
      signRequests: [],
      error,
      ipfsId: execution.ipfsId ?? '',
      durationMs: performance.now() - startedAt,
    });
    if (this.disposed) return fail({ kind: 'thrown', message: 'the Lit Action runner has been disposed' });
    // Checked here as well as in the runner process: what cannot run is not sent (16 MB of
    // code, or jsParams too deep to copy), and takes no slot.
    const code: unknown = execution.code;
    if (typeof code !== 'string') return fail({ kind: 'syntax', message: 'The action code must be a string' });
    const codeBytes = Buffer.byteLength(code, 'utf8');
    if (codeBytes > this.limits.maxCodeBytes)
      return fail({
        kind: 'limit',
        message: `The action's code is ${codeBytes} bytes, over the ${formatBytes(this.limits.maxCodeBytes)} limit`,
      });
    let jsParamsJson: string | null = null;
    if (execution.jsParams !== undefined && execution.jsParams !== null) {
      try {
        jsParamsJson = JSON.stringify(execution.jsParams);
      } catch (error) {
        return fail({ kind: 'thrown', message: `jsParams must be JSON data: ${(error as Error).message}` });
      }
    }

    // Admitted means counted against the lane's slots and the requester's share.
    const refusal = await this.admit(lane, requester);
    if (refusal) {
      this.counters.busyRefusals++;
      return fail({ kind: 'busy', message: refusal });
    }
    let runner: RunnerProcess | undefined;
    try {
      try {
        runner = await this.ready(lane);
      } catch (error) {
        return fail({ kind: 'thrown', message: `The Lit Action runner could not start: ${(error as Error).message}` });
      }
      this.watchMemory();
      const outcome = await runner.run(execution, jsParamsJson);
      if (outcome.kind === 'ended') return fail(this.endedError(outcome.reason, lane));
      const { result } = outcome;
      return {
        response: result.response,
        logs: result.logs,
        signRequests: result.signRequests,
        ...(result.error ? { error: result.error } : {}),
        ipfsId: result.ipfsId,
        durationMs: performance.now() - startedAt,
      };
    } finally {
      lane.running--;
      const mine = (lane.runningBy.get(requester) ?? 1) - 1;
      if (mine === 0) lane.runningBy.delete(requester);
      else lane.runningBy.set(requester, mine);
      this.dispatch(lane);
      if (runner) this.retireWhenIdle(lane, runner);
    }
  }

  /**
   * A host-lane runner that went to the background cannot come back (raising a priority needs
   * privileges): once it has been idle for RETIRE_IDLE_MS, a fresh one takes its place.
   */
  private retireWhenIdle(lane: Lane, runner: RunnerProcess): void {
    if (lane.background || !runner.background || lane.process !== runner || runner.running > 0) return;
    clearTimeout(lane.retireTimer);
    lane.retireTimer = setTimeout(() => {
      if (this.disposed || lane.process !== runner || runner.state !== 'ready') return;
      if (runner.running > 0 || lane.running > 0) return;
      this.spawn(lane);
      runner.end('retired');
    }, RETIRE_IDLE_MS);
    lane.retireTimer.unref();
  }

  private endedError(reason: RunnerEndReason, lane: Lane): ActionError {
    switch (reason) {
      case 'timeout':
        return {
          kind: 'timeout',
          message: `The action exceeded the maximum runtime of ${this.limits.timeoutMs} ms and was terminated (its runner process was killed)`,
        };
      case 'memory':
        return {
          kind: 'memory',
          message: `The action exceeded the maximum memory of ${this.limits.memoryLimitMb} MB (its runner process went over ${lane.hardMemoryLimitMb} MB) and was terminated`,
        };
      case 'collateral':
        return {
          kind: 'thrown',
          message:
            'The node ended this run: another Lit Action in the same runner process went over its time or memory limit',
        };
      case 'disposed':
        return { kind: 'thrown', message: 'The node stopped its Lit Action runner during the run' };
      default:
        return { kind: 'thrown', message: 'The Lit Action runner process failed during the run and was replaced' };
    }
  }

  /** Waits for a slot in the lane within the requester's share; a refusal message when there is none. */
  private admit(lane: Lane, requester: string): Promise<string | undefined> {
    // Whoever waits could not run when it came (a freed slot goes to the first waiter that
    // may take it), so a run that may start now goes at once.
    if (this.mayRun(lane, requester)) {
      this.count(lane, requester);
      return Promise.resolve(undefined);
    }
    const mineQueued = lane.queue.filter((w) => w.requester === requester).length;
    if (lane.queue.length >= lane.maxQueued)
      return Promise.resolve(
        `This node is busy: ${lane.running} Lit Actions are running and ${lane.queue.length} are waiting; try again shortly`,
      );
    if (mineQueued >= lane.maxQueuedPerRequester)
      return Promise.resolve(
        `This node is busy with your other Lit Actions (${lane.runningBy.get(requester) ?? 0} running, ${mineQueued} waiting); try again when they have finished`,
      );
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const at = lane.queue.indexOf(waiter);
        if (at >= 0) lane.queue.splice(at, 1);
        resolve(`This node is busy: no Lit Action slot came free within ${lane.maxQueueWaitMs} ms; try again shortly`);
      }, lane.maxQueueWaitMs);
      const waiter: Waiter = {
        requester,
        admit: (admitted) => {
          clearTimeout(timer);
          resolve(admitted ? undefined : 'The Lit Action runner has been disposed');
        },
      };
      lane.queue.push(waiter);
    });
  }

  private mayRun(lane: Lane, requester: string): boolean {
    return lane.running < lane.maxRuns && (lane.runningBy.get(requester) ?? 0) < lane.maxRunsPerRequester;
  }

  /** Lets waiting runs start, oldest first, each within its requester's share. */
  private dispatch(lane: Lane): void {
    for (let i = 0; i < lane.queue.length && lane.running < lane.maxRuns;) {
      const waiter = lane.queue[i]!;
      if (!this.mayRun(lane, waiter.requester)) {
        i++;
        continue;
      }
      lane.queue.splice(i, 1);
      this.count(lane, waiter.requester);
      waiter.admit(true);
    }
  }

  private count(lane: Lane, requester: string): void {
    lane.running++;
    lane.runningBy.set(requester, (lane.runningBy.get(requester) ?? 0) + 1);
  }

  /** The lane's runner process once it is ready: the live one, or a new one. */
  private async ready(lane: Lane): Promise<RunnerProcess> {
    for (;;) {
      if (this.disposed) throw new Error('the Lit Action runner has been disposed');
      const current = lane.process && lane.process.state !== 'dead' ? lane.process : this.spawn(lane);
      try {
        await current.ready;
      } catch (error) {
        if (lane.startFailuresInARow >= MAX_START_FAILURES) throw error;
        await new Promise((r) => setTimeout(r, 200 * lane.startFailuresInARow));
        continue;
      }
      if (current.state === 'ready') return current;
    }
  }

  private spawn(lane: Lane): RunnerProcess {
    const runner = new RunnerProcess({
      entry: this.entry,
      isolate: {
        limits: this.limits,
        ...this.isolateOptions,
        maxIsolates: lane.maxRuns,
        fetchAllowList: this.fetchAllowList,
      },
      limits: this.limits,
      allowList: this.allowList,
      hardMemoryLimitMb: lane.hardMemoryLimitMb,
      killGraceMs: this.killGraceMs,
      background: lane.background,
    });
    lane.process = runner;
    this.processes.add(runner);
    this.counters.runnersStarted++;
    let wasReady = false;
    runner.ready.then(
      () => {
        wasReady = true;
        lane.startFailuresInARow = 0;
        if (this.disposed) runner.end('disposed');
      },
      (error: Error) => {
        this.counters.startFailures++;
        lane.startFailuresInARow++;
        if (!this.disposed) console.error(`Lit Action runner: ${error.message}`);
      },
    );
    // However it ends (a kill for a run's time or memory, a crash, a kill from outside), it
    // is counted at once, and the lane gets a new one if it has runs or is the host's.
    void runner.ended.then((reason) => {
      if (reason === 'disposed' || reason === 'retired' || this.disposed || !wasReady) return;
      this.counters.runnersReplaced++;
      if (reason === 'timeout') this.counters.endedAtTimeout++;
      else if (reason === 'memory') this.counters.endedAtMemory++;
      else this.counters.crashed++;
      this.lastReplaced = { reason, at: Date.now() };
      if (lane.process === runner && (lane.name === 'host' || lane.running > 0 || lane.queue.length > 0))
        this.spawn(lane);
    });
    void runner.exited.then(() => {
      if (runner.state !== 'dead') runner.end('crashed');
      this.processes.delete(runner);
      for (const key of Object.keys(this.endedStats) as (keyof IsolateRunnerStats)[])
        this.endedStats[key] += runner.stats[key];
      this.endedStats.isolatesDisposed += runner.stats.isolatesCreated - runner.stats.isolatesDisposed;
    });
    return runner;
  }

  /** Polls the runner processes' memory while any run is under way. */
  private watchMemory(): void {
    if (this.memoryPoll) return;
    this.memoryPoll = setInterval(() => {
      let busy = 0;
      for (const p of this.processes) {
        if (p.running === 0) continue;
        busy++;
        p.checkMemory();
      }
      if (busy === 0) {
        clearInterval(this.memoryPoll);
        this.memoryPoll = undefined;
      }
    }, MEMORY_POLL_MS);
    this.memoryPoll.unref();
  }
}
