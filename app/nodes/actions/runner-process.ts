// One runner process as the node sees it: starts it, hands it runs (several at once, one
// isolate each), answers their binding calls with each run's real ActionBindings, and kills it
// for certain when a run outlives its time or the process its memory (its other runs end too). The process runs hostile code, so every message from it is
// parsed, every signature request is checked again here, and a result may only list
// signatures that the node's own signEcdsa binding accepted during this run.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { checkFetchUrl, type AllowList } from './fetch-allow-list.ts';
import type { IsolateRunnerOptions, IsolateRunnerStats } from './isolate-runner.ts';
import type { ActionLimits } from './limits.ts';
import { plainData } from './run-session.ts';
import { FromRunner, type RunnerResult, type ToRunner } from './runner-protocol.ts';
import type { ActionBindings, ActionExecution, ActionFetchRequest, ActionSignRequest } from './types.ts';
import { parsePublicKey, parseSigName, parseToSign } from './validate.ts';
import type { z } from 'zod';

/** How much lower than the node a runner process runs in the background (Unix nice; 19 is the lowest). */
const BACKGROUND_NICENESS = 10;
/**
 * Why a runner process was ended ('collateral': another run in the same process was;
 * 'retired': it was idle in the background and a runner at full priority took its place).
 */
export type RunnerEndReason = 'timeout' | 'memory' | 'crashed' | 'protocol' | 'disposed' | 'collateral' | 'retired';

/** A run's result as the node takes it: its sign requests are the ones the node accepted. */
export type RunnerRunResult = Omit<z.infer<typeof RunnerResult>, 'signRequests'> & {
  signRequests: readonly ActionSignRequest[];
};

export type RunOutcome = { kind: 'result'; result: RunnerRunResult } | { kind: 'ended'; reason: RunnerEndReason };

interface CurrentRun {
  readonly id: number;
  readonly bindings: ActionBindings;
  readonly accepted: ActionSignRequest[];
  signCalls: number;
  readonly deadline: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (outcome: RunOutcome) => void;
}

export interface RunnerProcessOptions {
  readonly entry: string;
  readonly isolate: IsolateRunnerOptions;
  readonly limits: ActionLimits;
  readonly allowList: AllowList;
  /** Resident memory of the whole runner process at which its run is ended, MB. */
  readonly hardMemoryLimitMb: number;
  /** Time after the run's own timeout before the process is killed, ms. */
  readonly killGraceMs: number;
  /** In the background from its start (outsiders' actions), not only once one of its runs is CPU-bound. */
  readonly background: boolean;
}

const EMPTY_STATS: IsolateRunnerStats = Object.freeze({
  executions: 0,
  isolatesCreated: 0,
  isolatesDisposed: 0,
  contextsCreated: 0,
  scriptCompiles: 0,
  scriptCacheHits: 0,
});
const PROC_STATUS = process.platform === 'linux';
const START_TIMEOUT_MS = 60_000;
let nextRun = 1;

export class RunnerProcess {
  state: 'starting' | 'ready' | 'dead' = 'starting';
  /** The isolate counters the process last reported. */
  stats: IsolateRunnerStats = EMPTY_STATS;
  /** Why it ended, once it has. */
  endReason: RunnerEndReason | undefined;
  /** Resolves when the process is ready for its first run; rejects when it dies before. */
  readonly ready: Promise<void>;
  /** Resolves when the OS process has exited. */
  readonly exited: Promise<void>;
  /** Resolves with the reason as soon as the node ends the process (before its runs' answers). */
  readonly ended: Promise<RunnerEndReason>;
  private markEnded: (reason: RunnerEndReason) => void = () => undefined;
  private readonly child: ChildProcess;
  private readonly options: RunnerProcessOptions;
  private readonly runs = new Map<number, CurrentRun>();
  private reportedRssMb = 0;
  private inBackground = false;

  constructor(options: RunnerProcessOptions) {
    this.options = options;
    this.child = fork(options.entry, [], {
      execArgv: ['--no-node-snapshot'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.once('exit', (code, signal) => {
        reject(new Error(`the Lit Action runner process exited (${signal ?? code}) before it was ready`));
      });
      this.child.on('message', (raw) => {
        const parsed = FromRunner.safeParse(raw);
        if (!parsed.success) {
          this.end('protocol');
          return;
        }
        const message = parsed.data;
        if (message.type === 'ready') {
          // Only once it is ready: its start is ours, and at the network's start, niced, it
          // waited for every other process.
          if (options.background) this.moveToBackground();
          this.stats = message.stats;
          if (this.state === 'starting') this.state = 'ready';
          resolve();
        } else this.receive(message);
      });
    });
    this.ready.catch(() => undefined);
    // A process that never becomes ready is killed (its waiting runs then get another).
    const startTimer = setTimeout(() => this.end('crashed'), START_TIMEOUT_MS);
    startTimer.unref();
    void this.ready.then(
      () => clearTimeout(startTimer),
      () => clearTimeout(startTimer),
    );
    // A dead process's IPC must not take the node down.
    this.child.on('error', () => undefined);
    this.child.once('exit', () => this.end('crashed'));
    this.send({ type: 'configure', options: options.isolate });
  }

  /** Whether it runs below the node (from its start, or since one of its runs was CPU-bound). */
  get background(): boolean {
    return this.inBackground;
  }

  /**
   * Actions are other people's computation: on a busy machine the nodes' own protocol work and
   * the host (the UI, status) go first. Without this, a few CPU-bound actions per node took the
   * host's status call from milliseconds to seconds on 2 cores. On Linux a nice value belongs to
   * a thread, so every thread gets it: isolated-vm runs isolates on threads of its own (threads
   * made later inherit it). It cannot be undone without privileges; see ActionRunner.
   */
  private moveToBackground(): void {
    const pid = this.child.pid;
    if (this.inBackground || pid === undefined) return;
    this.inBackground = true;
    for (const id of threadIds(pid)) {
      try {
        os.setPriority(id, BACKGROUND_NICENESS);
      } catch {
        // not allowed here (some platforms), or already exited: runs at the node's own priority
      }
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs under way in this process. */
  get running(): number {
    return this.runs.size;
  }

  /** A run past its deadline whose process has not gone yet (it should take milliseconds). */
  overdueBy(now: number): number {
    let most = 0;
    for (const run of this.runs.values()) most = Math.max(most, now - run.deadline);
    return most;
  }

  /** Hands one execution to the process; resolves with its result or with why it was ended. */
  run(execution: ActionExecution, jsParamsJson: string | null): Promise<RunOutcome> {
    if (this.state !== 'ready') throw new Error(`the runner process is ${this.state}, not ready`);
    const { limits, killGraceMs } = this.options;
    const deadline = performance.now() + limits.timeoutMs + killGraceMs;
    return new Promise<RunOutcome>((resolve) => {
      const id = nextRun++;
      // The run's own watchdog (in the process) answers at timeoutMs; a process that cannot
      // answer by then (stuck in native code) is killed.
      const timer = setTimeout(() => this.end('timeout', id), limits.timeoutMs + killGraceMs);
      this.runs.set(id, { id, bindings: execution.bindings, accepted: [], signCalls: 0, deadline, timer, resolve });
      this.send({
        type: 'run',
        run: id,
        code: execution.code,
        ipfsId: execution.ipfsId,
        jsParamsJson,
        auth: execution.auth,
      });
    });
  }

  /** Ends the process (and its runs) at the hard memory limit; polled while runs are under way. */
  checkMemory(): void {
    if (this.runs.size === 0 || this.state === 'dead') return;
    const rss = Math.max(this.reportedRssMb, this.readRssMb());
    if (rss > this.options.hardMemoryLimitMb) this.end('memory');
  }

  /**
   * Kills the process (SIGKILL: nothing in it is worth waiting for) and ends its runs: `culprit`
   * (or, without one, every run) with `reason`, the others as collateral.
   */
  end(reason: RunnerEndReason, culprit?: number): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.endReason = reason;
    this.markEnded(reason);
    this.child.kill('SIGKILL');
    const runs = [...this.runs.values()];
    this.runs.clear();
    for (const run of runs) {
      clearTimeout(run.timer);
      run.resolve({ kind: 'ended', reason: culprit === undefined || culprit === run.id ? reason : 'collateral' });
    }
  }

  private readRssMb(): number {
    if (!PROC_STATUS || this.child.pid === undefined) return 0;
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'latin1');
      const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      return kb ? Number(kb) / 1024 : 0;
    } catch {
      return 0;
    }
  }

  private send(message: ToRunner): void {
    if (this.state === 'dead' || !this.child.connected) return;
    this.child.send(message, (error) => {
      if (error) this.end('crashed');
    });
  }

  private receive(message: Exclude<FromRunner, { type: 'ready' }>): void {
    switch (message.type) {
      case 'memory':
        this.reportedRssMb = message.rssMb;
        this.checkMemory();
        return;
      case 'heavy':
        // One of its runs is CPU-bound: below the node from now on (ActionRunner replaces it once idle).
        this.moveToBackground();
        return;
      case 'call': {
        const run = this.runs.get(message.run);
        if (!run) {
          this.send({ type: 'reply', call: message.call, ok: false, message: 'the action has already finished' });
          return;
        }
        void this.answer(run, message.call, message.method, message.args);
        return;
      }
      case 'result': {
        const run = this.runs.get(message.run);
        if (!run) return this.end('protocol');
        const result = message.result;
        // Only signatures the node's binding accepted in this run, as the node saw them.
        const signRequests: ActionSignRequest[] = [];
        for (const asked of result.signRequests) {
          const accepted = run.accepted.find((a) => a.sigName === asked.sigName);
          if (
            !accepted ||
            accepted.method !== asked.method ||
            accepted.publicKey !== asked.publicKey ||
            Buffer.compare(accepted.toSign, asked.toSign) !== 0
          )
            return this.end('protocol', run.id);
          signRequests.push(accepted);
        }
        clearTimeout(run.timer);
        this.runs.delete(run.id);
        this.stats = message.stats;
        run.resolve({ kind: 'result', result: { ...result, signRequests } });
        // A run that timed out or ran out of memory may have left its isolate stuck: the
        // process goes, for certain (its other runs end with it).
        if (message.endRunner) this.end(result.error?.kind === 'memory' ? 'memory' : 'timeout', run.id);
        return;
      }
    }
  }

  private async answer(run: CurrentRun, call: number, method: string, args: Record<string, unknown>): Promise<void> {
    let reply: ToRunner;
    try {
      const value = await this.callBinding(run, method, args);
      reply = { type: 'reply', call, ok: true, value: plainData(value, 'a binding result') };
    } catch (error) {
      reply = { type: 'reply', call, ok: false, message: error instanceof Error ? error.message : 'the call failed' };
    }
    if (this.runs.get(run.id) === run) this.send(reply);
  }

  private async callBinding(run: CurrentRun, method: string, args: Record<string, unknown>): Promise<unknown> {
    const { bindings } = run;
    if (method === 'signEcdsa') {
      // Checked again here: the process's own checks are not trusted.
      const kind = args.method === 'ethPersonalSignMessageEcdsa' ? 'ethPersonalSignMessageEcdsa' : 'signEcdsa';
      const fn = `Lit.Actions.${kind}`;
      const request: ActionSignRequest = {
        sigName: parseSigName(args.sigName, fn),
        toSign: parseToSign(args.toSign, fn),
        publicKey: parsePublicKey(args.publicKey, fn),
        method: kind,
      };
      if (++run.signCalls > this.options.limits.maxSignatures)
        throw new Error(`${fn}: an action can request at most ${this.options.limits.maxSignatures} signatures per run`);
      if (run.accepted.some((a) => a.sigName === request.sigName))
        throw new Error(`${fn}: sigName "${request.sigName}" is already used in this run`);
      await bindings.signEcdsa(request);
      if (this.runs.get(run.id) === run) run.accepted.push(request);
      return undefined;
    }
    if (method === 'fetch') {
      checkFetchUrl(String(args.url), this.options.allowList);
      return bindings.fetch(args as unknown as ActionFetchRequest);
    }
    const binding = bindings[method as keyof ActionBindings] as (a: unknown) => Promise<unknown>;
    return binding.call(bindings, args);
  }
}

/** A process's thread ids (Linux); elsewhere the process id, which sets the whole process. */
function threadIds(pid: number): number[] {
  if (!PROC_STATUS) return [pid];
  try {
    return fs.readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [pid];
  }
}
