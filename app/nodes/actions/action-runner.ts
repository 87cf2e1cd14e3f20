// The node's Lit Action runner. Actions run in isolated-vm inside runner processes
// (runner-child.ts), one run per process at a time, never in the node's own process: a run
// that does not end in its time (isolated-vm cannot interrupt a long native builtin such as
// `new Array(1e9).fill(0)`) or goes over the hard memory limit (the process's resident memory,
// watched from here) is ended by killing its process, which frees everything it held, and a
// replacement starts at once. The processes start with the node (before it reports ready), so
// no request waits for one. Capacity: at most maxRuns at once. The host's own Lit client (it
// showed the host client key) has a lane of its own: it may use every slot, waits in a queue
// of its own that outsiders cannot fill, and is not held to a requester's share. Outsiders
// together may hold all slots but one (kept for the host), each requester at most
// maxRunsPerRequester, in a bounded queue; beyond that the answer is "busy" (error kind 'busy').
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
  /** Runs at the same time, each in its own runner process (default 3). */
  readonly maxRuns?: number;
  /**
   * Slots only the host's own client may use (default 1): outsiders together hold at most
   * maxRuns minus this, so idle runs of theirs never take the wallet's last slot.
   */
  readonly reservedForHost?: number;
  /** Runs at the same time for one outside requester (default 1). */
  readonly maxRunsPerRequester?: number;
  /** Outside runs waiting for a free slot, in all (default 16) and per requester (default 4). */
  readonly maxQueued?: number;
  readonly maxQueuedPerRequester?: number;
  /** How long an outside run may wait for a slot before it is answered "busy" (default 5 s). */
  readonly maxQueueWaitMs?: number;
  /** The host's own queue: runs waiting (default 64) and how long each may wait (default 30 s). */
  readonly maxHostQueued?: number;
  readonly maxHostQueueWaitMs?: number;
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

interface Waiter {
  readonly requester: string;
  readonly host: boolean;
  readonly admit: (admitted: boolean) => void;
}

export class ActionRunner {
  readonly limits: ActionLimits;
  private readonly allowList: AllowList;
  private readonly maxRuns: number;
  private readonly maxOutsideRuns: number;
  private readonly maxRunsPerRequester: number;
  private readonly maxQueued: number;
  private readonly maxQueuedPerRequester: number;
  private readonly maxQueueWaitMs: number;
  private readonly maxHostQueued: number;
  private readonly maxHostQueueWaitMs: number;
  private readonly hardMemoryLimitMb: number;
  private readonly killGraceMs: number;
  private readonly isolateOptions: { maxRunsPerIsolate?: number; scriptCacheSize?: number };
  private readonly fetchAllowList: readonly string[];
  private readonly entry: string;

  /** Started, ready and idle, or busy; dead ones are dropped. */
  private readonly processes = new Set<RunnerProcess>();
  private readonly idle: RunnerProcess[] = [];
  private readonly processWaiters: { resolve: (p: RunnerProcess) => void; reject: (e: Error) => void }[] = [];
  private starting = 0;
  private startFailuresInARow = 0;
  private running = 0;
  private runningOutside = 0;
  private readonly runningBy = new Map<string, number>();
  /** Outsiders' runs waiting for a slot, and the host's (served first). */
  private readonly queue: Waiter[] = [];
  private readonly hostQueue: Waiter[] = [];
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
    this.maxRuns = Math.max(1, options.maxRuns ?? 3);
    const reserved = Math.min(this.maxRuns - 1, Math.max(0, options.reservedForHost ?? 1));
    this.maxOutsideRuns = this.maxRuns - reserved;
    this.maxRunsPerRequester = Math.max(1, options.maxRunsPerRequester ?? 1);
    this.maxQueued = Math.max(0, options.maxQueued ?? 16);
    this.maxQueuedPerRequester = Math.max(0, options.maxQueuedPerRequester ?? 4);
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 5_000;
    this.maxHostQueued = Math.max(0, options.maxHostQueued ?? 64);
    this.maxHostQueueWaitMs = options.maxHostQueueWaitMs ?? 30_000;
    this.hardMemoryLimitMb = options.hardMemoryLimitMb ?? this.limits.memoryLimitMb + 256;
    this.killGraceMs = options.killGraceMs ?? 1_000;
    this.entry = options.entry ?? runnerEntry();
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
    const overdue = [...this.processes].filter((p) => p.overdueBy(now) > OVERDUE_MS).length;
    return {
      capacity: this.maxRuns,
      running: this.running,
      queued: this.queue.length + this.hostQueue.length,
      runnersAlive: this.processes.size,
      runnersIdle: this.idle.length,
      ...this.counters,
      lastReplaced: this.lastReplaced,
      overdue,
      stuck: overdue > 0 || this.startFailuresInARow >= MAX_START_FAILURES,
    };
  }

  /** The OS process ids of the live runner processes (for tests and measurements). */
  runnerPids(): number[] {
    return [...this.processes].flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
  }

  /**
   * Starts the runner processes (one per slot); resolves when the first is ready for a run.
   * The others start one after another behind it, so N nodes starting at once on a small
   * machine do not all load their runners at the same moment.
   */
  async warmUp(): Promise<void> {
    const missing = this.maxRuns - this.processes.size;
    if (missing <= 0) {
      await Promise.any([...this.processes].map((p) => p.ready)).catch(() => undefined);
      return;
    }
    const first = this.spawn();
    if (!first) return;
    void first.ready
      .catch(() => undefined)
      .then(async () => {
        for (let i = 1; i < missing && !this.disposed && this.processes.size < this.maxRuns; i++)
          await this.spawn()?.ready.catch(() => undefined);
      });
    await first.ready;
  }

  /** Kills every runner process; running executions end with an error, waiting ones are refused. */
  dispose(): void {
    this.disposed = true;
    clearInterval(this.memoryPoll);
    for (const waiter of [...this.queue.splice(0), ...this.hostQueue.splice(0)]) waiter.admit(false);
    for (const waiter of this.processWaiters.splice(0))
      waiter.reject(new Error('the Lit Action runner has been disposed'));
    for (const p of [...this.processes]) p.end('disposed');
  }

  /** Runs one action. Never throws: errors (the action's, a limit, "busy") come back in `error`. */
  async execute(execution: ActionExecution): Promise<ActionResult> {
    const startedAt = performance.now();
    const host = execution.fromHost === true;
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

    // Admitted means counted against the slots (and an outsider's against its share).
    const refusal = await this.admit(requester, host);
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
      if (!host) {
        this.runningOutside--;
        const mine = (this.runningBy.get(requester) ?? 1) - 1;
        if (mine === 0) this.runningBy.delete(requester);
        else this.runningBy.set(requester, mine);
      }
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

  /** Waits for a slot in the run's lane; a refusal message when there is none. */
  private admit(requester: string, host: boolean): Promise<string | undefined> {
    // Whoever waits could not run when it came (a freed slot goes to the first waiter that
    // may take it, the host's first), so a run that may start now goes at once.
    if (this.mayRun(requester, host)) {
      this.count(requester, host);
      return Promise.resolve(undefined);
    }
    if (host) {
      if (this.hostQueue.length >= this.maxHostQueued)
        return Promise.resolve(
          `This node is busy: ${this.running} Lit Actions are running and ${this.hostQueue.length} of the wallet's are waiting; try again shortly`,
        );
    } else {
      const mineQueued = this.queue.filter((w) => w.requester === requester).length;
      if (this.queue.length >= this.maxQueued)
        return Promise.resolve(
          `This node is busy: ${this.running} Lit Actions are running and ${this.queue.length} are waiting; try again shortly`,
        );
      if (mineQueued >= this.maxQueuedPerRequester)
        return Promise.resolve(
          `This node is busy with your other Lit Actions (${this.runningBy.get(requester) ?? 0} running, ${mineQueued} waiting); try again when they have finished`,
        );
    }
    const queue = host ? this.hostQueue : this.queue;
    const waitMs = host ? this.maxHostQueueWaitMs : this.maxQueueWaitMs;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        resolve(`This node is busy: no Lit Action slot came free within ${waitMs} ms; try again shortly`);
      }, waitMs);
      const waiter: Waiter = {
        requester,
        host,
        admit: (admitted) => {
          clearTimeout(timer);
          resolve(admitted ? undefined : 'The Lit Action runner has been disposed');
        },
      };
      queue.push(waiter);
    });
  }

  private mayRun(requester: string, host: boolean): boolean {
    if (this.running >= this.maxRuns) return false;
    if (host) return true;
    return this.runningOutside < this.maxOutsideRuns && (this.runningBy.get(requester) ?? 0) < this.maxRunsPerRequester;
  }

  /** Lets waiting runs start: the host's first, then outsiders' oldest first within their share. */
  private dispatch(): void {
    while (this.hostQueue.length > 0 && this.running < this.maxRuns) {
      const waiter = this.hostQueue.shift()!;
      this.count(waiter.requester, true);
      waiter.admit(true);
    }
    for (let i = 0; i < this.queue.length && this.running < this.maxRuns;) {
      const waiter = this.queue[i]!;
      if (!this.mayRun(waiter.requester, false)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.count(waiter.requester, false);
      waiter.admit(true);
    }
  }

  private count(requester: string, host: boolean): void {
    this.running++;
    if (host) return;
    this.runningOutside++;
    this.runningBy.set(requester, (this.runningBy.get(requester) ?? 0) + 1);
  }

  /** An idle runner process, or the next one to become ready (one is started if none is coming). */
  private takeProcess(): Promise<RunnerProcess> {
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    return new Promise<RunnerProcess>((resolve, reject) => {
      this.processWaiters.push({ resolve, reject });
      // Processes are one per slot, so a run without one finds it busy-to-be-freed, starting,
      // or gone (killed, not yet replaced): only in the last case is one started here.
      if (this.processes.size < this.maxRuns) this.spawn();
    });
  }

  private giveBack(runner: RunnerProcess): void {
    const waiter = this.processWaiters.shift();
    if (waiter) waiter.resolve(runner);
    else this.idle.push(runner);
  }

  /** A process that ended: counted, dropped, replaced at once. */
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
    if (this.processes.size < this.maxRuns) this.spawn();
  }

  private spawn(): RunnerProcess | undefined {
    if (this.disposed) return undefined;
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
        if (this.startFailuresInARow >= MAX_START_FAILURES) {
          for (const waiter of this.processWaiters.splice(0)) waiter.reject(error);
          return;
        }
        // Another try, a little later (the slot must not stay without a process).
        setTimeout(() => {
          if (this.processes.size < this.maxRuns) this.spawn();
        }, 200 * this.startFailuresInARow).unref();
      },
    );
    // A process that dies while idle (or is killed from outside) is replaced too.
    void runner.exited.then(() => {
      if (runner.state !== 'dead') runner.end('crashed');
      if (this.idle.includes(runner) || (runner.endReason === 'crashed' && this.processes.has(runner)))
        this.retire(runner);
    });
    return runner;
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
