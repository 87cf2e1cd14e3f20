// The node's Lit Action runner. Actions run in isolated-vm inside runner processes
// (runner-child.ts), one run per process at a time, never in the node's own process: a run
// that does not end in its time (isolated-vm cannot interrupt a long native builtin such as
// `new Array(1e9).fill(0)`) or goes over the hard memory limit (the process's resident memory,
// watched from here) is ended by killing its process, which frees everything it held, and a
// warm spare takes its place. Capacity is shared: at most maxRuns at once, at most
// maxRunsPerRequester of them for one requester, a bounded queue, and a "busy" answer (error
// kind 'busy') instead of an unbounded wait.
import { fileURLToPath } from 'node:url';
import type { ActionRunnerHealth } from '../../shared/node-ipc.ts';
import { compileAllowList, type AllowList } from './fetch-allow-list.ts';
import type { IsolateRunnerStats } from './isolate-runner.ts';
import { Buffer } from 'node:buffer';
import { DEFAULT_ACTION_LIMITS, formatBytes, type ActionLimits } from './limits.ts';
import { RunnerProcess, type RunnerEndReason } from './runner-process.ts';
import type { ActionError, ActionExecution, ActionResult } from './types.ts';

export { RESERVED_GLOBALS } from './isolate-runner.ts';
export type ActionRunnerStats = IsolateRunnerStats;

export interface ActionRunnerOptions {
  readonly limits?: Partial<ActionLimits>;
  /** URL prefixes an action may fetch (see fetch-allow-list.ts); default none. */
  readonly fetchAllowList?: readonly string[];
  /** Runs at the same time, each in its own runner process (default 2). */
  readonly maxRuns?: number;
  /** Runs at the same time for one requester (default half of maxRuns, at least 1). */
  readonly maxRunsPerRequester?: number;
  /** Runs waiting for a free slot, in all (default 16) and per requester (default 4). */
  readonly maxQueued?: number;
  readonly maxQueuedPerRequester?: number;
  /** Runs of the host's own client waiting for a slot, kept apart from outsiders' (default 64, the host API's call limit). */
  readonly maxQueuedFromHost?: number;
  /** How long a run of the host's client may wait for a slot (default 30 s, within its own 40 s timeout). */
  readonly maxQueueWaitFromHostMs?: number;
  /** How long a run may wait for a slot before it is answered "busy" (default 5 s). */
  readonly maxQueueWaitMs?: number;
  /**
   * Resident memory of a runner process at which its run is ended, MB (default the isolate's
   * memory limit plus 256 MB for the process itself and what isolated-vm does not count).
   */
  readonly hardMemoryLimitMb?: number;
  /** Time past the run's timeout before its process is killed (default 1 s). */
  readonly killGraceMs?: number;
  /** An isolate is replaced after this many executions (default 1000). */
  readonly maxRunsPerIsolate?: number;
  /** Compiled actions kept per isolate (default 32). */
  readonly scriptCacheSize?: number;
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

interface Waiter {
  readonly requester: string;
  readonly fromHost: boolean;
  readonly admit: (admitted: boolean) => void;
}

export class ActionRunner {
  readonly limits: ActionLimits;
  private readonly allowList: AllowList;
  private readonly maxRuns: number;
  private readonly maxRunsPerRequester: number;
  private readonly maxQueued: number;
  private readonly maxQueuedPerRequester: number;
  private readonly maxQueuedFromHost: number;
  private readonly maxQueueWaitFromHostMs: number;
  private readonly maxQueueWaitMs: number;
  private readonly hardMemoryLimitMb: number;
  private readonly killGraceMs: number;
  private readonly isolateOptions: { maxRunsPerIsolate?: number; scriptCacheSize?: number };
  private readonly fetchAllowList: readonly string[];
  private readonly entry = runnerEntry();

  /** Started, ready and idle, or busy; dead ones are dropped. */
  private readonly processes = new Set<RunnerProcess>();
  private readonly idle: RunnerProcess[] = [];
  private readonly processWaiters: { resolve: (p: RunnerProcess) => void; reject: (e: Error) => void }[] = [];
  private starting = 0;
  private startFailuresInARow = 0;
  private running = 0;
  private readonly runningBy = new Map<string, number>();
  private readonly queue: Waiter[] = [];
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
    this.maxRuns = Math.max(1, options.maxRuns ?? 2);
    this.maxRunsPerRequester = Math.max(1, options.maxRunsPerRequester ?? Math.ceil(this.maxRuns / 2));
    this.maxQueued = Math.max(0, options.maxQueued ?? 16);
    this.maxQueuedPerRequester = Math.max(0, options.maxQueuedPerRequester ?? 4);
    this.maxQueuedFromHost = Math.max(0, options.maxQueuedFromHost ?? 64);
    this.maxQueueWaitFromHostMs = Math.max(0, options.maxQueueWaitFromHostMs ?? 30_000);
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 5_000;
    this.hardMemoryLimitMb = options.hardMemoryLimitMb ?? this.limits.memoryLimitMb + 256;
    this.killGraceMs = options.killGraceMs ?? 1_000;
    this.isolateOptions = {
      ...(options.maxRunsPerIsolate === undefined ? {} : { maxRunsPerIsolate: options.maxRunsPerIsolate }),
      ...(options.scriptCacheSize === undefined ? {} : { scriptCacheSize: options.scriptCacheSize }),
    };
  }

  /** Isolate counters summed over every runner process this runner started. */
  get stats(): IsolateRunnerStats {
    const sum = { ...this.endedStats };
    for (const p of this.processes)
      for (const key of Object.keys(sum) as (keyof IsolateRunnerStats)[]) sum[key] += p.stats[key];
    return sum;
  }

  /** Runs, queue and replaced runner processes, for /health. */
  health(): ActionRunnerHealth {
    const now = performance.now();
    const overdue = [...this.processes].filter((p) => p.overdueBy(now) > 2_000).length;
    return {
      capacity: this.maxRuns,
      running: this.running,
      queued: this.queue.length,
      runnersAlive: this.processes.size,
      runnersIdle: this.idle.length,
      ...this.counters,
      lastReplaced: this.lastReplaced,
      overdue,
      stuck: overdue > 0 || (this.processes.size === 0 && this.startFailuresInARow > 0),
    };
  }

  /** The OS process ids of the live runner processes (for tests and measurements). */
  runnerPids(): number[] {
    return [...this.processes].flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
  }

  /** Starts the first runner process; resolves when it is ready for a run. */
  async warmUp(): Promise<void> {
    if (this.processes.size === 0) this.spawn();
    await Promise.all([...this.processes].map((p) => p.ready));
  }

  /** Kills every runner process; running executions end with an error, waiting ones are refused. */
  dispose(): void {
    this.disposed = true;
    clearInterval(this.memoryPoll);
    for (const waiter of this.queue.splice(0)) waiter.admit(false);
    for (const waiter of this.processWaiters.splice(0))
      waiter.reject(new Error('the Lit Action runner has been disposed'));
    for (const p of [...this.processes]) p.end('disposed');
  }

  /** Runs one action. Never throws: errors (the action's, a limit, "busy") come back in `error`. */
  async execute(execution: ActionExecution): Promise<ActionResult> {
    const startedAt = performance.now();
    const requester = execution.requester ?? ANONYMOUS;
    const fromHost = execution.fromHost === true;
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

    // Admitted means counted against the slots and the requester's share.
    const refusal = await this.admit(requester, fromHost);
    if (refusal) {
      this.counters.busyRefusals++;
      return fail({ kind: 'busy', message: refusal });
    }
    try {
      let runner: RunnerProcess;
      try {
        runner = await this.takeProcess();
      } catch (error) {
        return fail({ kind: 'thrown', message: `The Lit Action runner could not start: ${(error as Error).message}` });
      }
      this.watchMemory();
      const outcome = await runner.run(execution, jsParamsJson);
      if (runner.state === 'dead') this.retire(runner);
      else this.giveBack(runner);
      if (outcome.kind === 'ended') return fail(this.endedError(outcome.reason));
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
      this.running--;
      const mine = (this.runningBy.get(requester) ?? 1) - 1;
      if (mine === 0) this.runningBy.delete(requester);
      else this.runningBy.set(requester, mine);
      this.dispatch();
    }
  }

  private endedError(reason: RunnerEndReason): ActionError {
    switch (reason) {
      case 'timeout':
        return {
          kind: 'timeout',
          message: `The action exceeded the maximum runtime of ${this.limits.timeoutMs} ms and was terminated (its runner process was killed)`,
        };
      case 'memory':
        return {
          kind: 'memory',
          message: `The action exceeded the maximum memory of ${this.limits.memoryLimitMb} MB (its runner process went over ${this.hardMemoryLimitMb} MB) and was terminated`,
        };
      case 'disposed':
        return { kind: 'thrown', message: 'The node stopped its Lit Action runner during the run' };
      default:
        return { kind: 'thrown', message: 'The Lit Action runner process failed during the run and was replaced' };
    }
  }

  /** Waits for a slot within this requester's share; a refusal message when there is none. */
  private admit(requester: string, fromHost: boolean): Promise<string | undefined> {
    // Whoever waits is over its share or there is no free slot (a freed slot goes to the
    // first waiter that may take it at once), so a requester within its share goes first.
    if (this.mayRun(requester, fromHost)) {
      this.count(requester);
      return Promise.resolve(undefined);
    }
    if (fromHost) {
      const hostQueued = this.queue.filter((w) => w.fromHost).length;
      if (hostQueued >= this.maxQueuedFromHost)
        return Promise.resolve(
          `This node is busy: ${this.running} Lit Actions are running and ${hostQueued} of the host's are waiting; try again shortly`,
        );
    } else {
      const outsidersQueued = this.queue.filter((w) => !w.fromHost).length;
      if (outsidersQueued >= this.maxQueued)
        return Promise.resolve(
          `This node is busy: ${this.running} Lit Actions are running and ${outsidersQueued} are waiting; try again shortly`,
        );
    }
    const mineQueued = this.queue.filter((w) => w.requester === requester && !w.fromHost).length;
    if (!fromHost && mineQueued >= this.maxQueuedPerRequester)
      return Promise.resolve(
        `This node is busy with your other Lit Actions (${this.runningBy.get(requester) ?? 0} running, ${mineQueued} waiting); try again when they have finished`,
      );
    const waitMs = fromHost ? this.maxQueueWaitFromHostMs : this.maxQueueWaitMs;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        resolve(`This node is busy: no Lit Action slot came free within ${waitMs} ms; try again shortly`);
      }, waitMs);
      const waiter: Waiter = {
        requester,
        fromHost,
        admit: (admitted) => {
          clearTimeout(timer);
          resolve(admitted ? undefined : 'The Lit Action runner has been disposed');
        },
      };
      this.queue.push(waiter);
    });
  }

  private mayRun(requester: string, fromHost: boolean): boolean {
    if (this.running >= this.maxRuns) return false;
    return fromHost || (this.runningBy.get(requester) ?? 0) < this.maxRunsPerRequester;
  }

  /** Lets waiting runs start, oldest first, each within its requester's share. */
  private dispatch(): void {
    for (let i = 0; i < this.queue.length && this.running < this.maxRuns;) {
      const waiter = this.queue[i]!;
      if (!this.mayRun(waiter.requester, waiter.fromHost)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.count(waiter.requester);
      waiter.admit(true);
    }
  }

  private count(requester: string): void {
    this.running++;
    this.runningBy.set(requester, (this.runningBy.get(requester) ?? 0) + 1);
  }

  /** An idle runner process, or the next one to become ready. */
  private takeProcess(): Promise<RunnerProcess> {
    const ready = this.idle.pop();
    const taken = ready
      ? Promise.resolve(ready)
      : new Promise<RunnerProcess>((resolve, reject) => {
          this.processWaiters.push({ resolve, reject });
          if (this.starting < this.processWaiters.length) this.spawn();
        });
    // Keep a warm spare, started after this run has been handed over.
    setImmediate(() => this.keepSpare());
    return taken;
  }

  private keepSpare(): void {
    if (this.disposed) return;
    if (this.idle.length + this.starting === 0 && this.processes.size < this.maxRuns + 1) this.spawn();
  }

  private giveBack(runner: RunnerProcess): void {
    const waiter = this.processWaiters.shift();
    if (waiter) waiter.resolve(runner);
    else this.idle.push(runner);
  }

  /** A process that ended: counted, dropped, replaced. */
  private retire(runner: RunnerProcess): void {
    if (!this.processes.delete(runner)) return;
    const at = this.idle.indexOf(runner);
    if (at >= 0) this.idle.splice(at, 1);
    for (const key of Object.keys(this.endedStats) as (keyof IsolateRunnerStats)[])
      this.endedStats[key] += runner.stats[key];
    // Its isolates went with the process.
    this.endedStats.isolatesDisposed += runner.stats.isolatesCreated - runner.stats.isolatesDisposed;
    const reason = runner.endReason ?? 'crashed';
    if (reason === 'disposed') return;
    this.counters.runnersReplaced++;
    if (reason === 'timeout') this.counters.endedAtTimeout++;
    else if (reason === 'memory') this.counters.endedAtMemory++;
    else this.counters.crashed++;
    this.lastReplaced = { reason, at: Date.now() };
    this.keepSpare();
  }

  private spawn(): void {
    if (this.disposed) return;
    const runner = new RunnerProcess({
      entry: this.entry,
      isolate: { limits: this.limits, ...this.isolateOptions, fetchAllowList: this.fetchAllowList },
      limits: this.limits,
      allowList: this.allowList,
      hardMemoryLimitMb: this.hardMemoryLimitMb,
      killGraceMs: this.killGraceMs,
    });
    this.processes.add(runner);
    this.starting++;
    this.counters.runnersStarted++;
    runner.ready.then(
      () => {
        this.starting--;
        this.startFailuresInARow = 0;
        if (this.disposed) return runner.end('disposed');
        this.giveBack(runner);
      },
      (error: Error) => {
        this.starting--;
        this.processes.delete(runner);
        this.counters.startFailures++;
        this.startFailuresInARow++;
        if (!this.disposed) console.error(`Lit Action runner: ${error.message}`);
        if (this.processWaiters.length === 0) return;
        if (this.startFailuresInARow >= 3) {
          for (const waiter of this.processWaiters.splice(0)) waiter.reject(error);
          return;
        }
        setTimeout(() => this.spawn(), 200 * this.startFailuresInARow).unref();
      },
    );
    // A process that dies while idle (or is killed from outside) is replaced too.
    void runner.exited.then(() => {
      if (runner.state !== 'dead') runner.end('crashed');
      if (this.idle.includes(runner) || (runner.endReason === 'crashed' && this.processes.has(runner)))
        this.retire(runner);
    });
  }

  /** Polls the busy processes' memory while any run is under way. */
  private watchMemory(): void {
    if (this.memoryPoll) return;
    this.memoryPoll = setInterval(() => {
      let busy = 0;
      for (const p of this.processes) {
        if (p.state !== 'busy') continue;
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
