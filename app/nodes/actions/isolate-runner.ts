// Runs Lit Actions in isolated-vm, inside one runner process (runner-child.ts; the node talks
// to it through ActionRunner in action-runner.ts, which can kill and replace that process).
// Isolation model (README.md has the long form):
// - Every execution gets a context nobody has used: its own global object and built-ins, into
//   which only the prelude (our code) has run. A context is never reused.
// - Isolates are pooled because creating one costs about a millisecond; an isolate runs one
//   execution at a time, and is disposed after a timeout, a memory failure, a run that left
//   host calls or timers pending, any call arriving after its run ended, or maxRunsPerIsolate.
// - Per isolate, the prelude is compiled once and each action's code once (cached by its exact
//   source text); the next fresh context is created and prepared in the background after each
//   run, so the request path only binds the host calls, runs the action and collects results.
// - Limits: memory (isolate heap), wall time (a host watchdog disposes the isolate; isolated-vm's
//   own timeout only covers the synchronous part), code, jsParams, response and log size,
//   signatures and fetches per run. Limit errors are sticky: catching them does not help.
import { Buffer } from 'node:buffer';
import ivm from 'isolated-vm';
import { cidV0, isCidV0 } from '../../shared/cid/index.ts';
import { compileAllowList, type AllowList } from './fetch-allow-list.ts';
import { DEFAULT_ACTION_LIMITS, formatBytes, type ActionLimits } from './limits.ts';
import { ACTION_FILENAME, PRELUDE_FILENAME, PRELUDE_SOURCE, wrapActionCode } from './prelude.ts';
import { RunSession } from './run-session.ts';
import type { ActionError, ActionExecution, ActionResult } from './types.ts';

export interface IsolateRunnerOptions {
  readonly limits?: Partial<ActionLimits>;
  /** URL prefixes an action may fetch (see fetch-allow-list.ts); default none. */
  readonly fetchAllowList?: readonly string[];
  /**
   * Isolates running at the same time; further executions wait (default 2: each may use up to
   * memoryLimitMb, so this bounds a node's sandbox memory at 2 x 256 MB by default).
   */
  readonly maxIsolates?: number;
  /** An isolate is replaced after this many executions (default 1000). */
  readonly maxRunsPerIsolate?: number;
  /** Compiled actions kept per isolate (default 32); code over 1 MiB is not kept. */
  readonly scriptCacheSize?: number;
  /**
   * At a timeout, leave the isolate as it is instead of disposing it: in a runner process the
   * node kills the whole process after such a run (isolate.dispose() can wait for ever on an
   * isolate stuck in a long native builtin such as `new Array(1e9).fill(0)`).
   */
  readonly abandonOnTimeout?: boolean;
}

/** Names a jsParams key may not take: the runtime's globals and non-configurable built-ins. */
export const RESERVED_GLOBALS: ReadonlySet<string> = new Set([
  'Lit',
  'LitActions',
  'LitAuth',
  'console',
  'fetch',
  'setTimeout',
  'clearTimeout',
  'TextEncoder',
  'TextDecoder',
  'global',
  'globalThis',
  'jsParams',
  'undefined',
  'NaN',
  'Infinity',
  '__litboxRun',
]);

/** Counters for tests and measurements. */
export interface IsolateRunnerStats {
  executions: number;
  isolatesCreated: number;
  isolatesDisposed: number;
  contextsCreated: number;
  scriptCompiles: number;
  scriptCacheHits: number;
}

const MAX_CACHED_CODE_CHARS = 1024 * 1024;
const FINISHED = Object.freeze({ ok: false, message: 'the action has already finished' });
const ASYNC_SETUP_CHARS = 256 * 1024;

type SetupFunction = (hostAsync: unknown, hostSync: unknown, payloadJson: string) => void;

interface PreparedContext {
  readonly context: ivm.Context;
  readonly setup: ivm.Reference<SetupFunction>;
}

type Outcome =
  { kind: 'done'; value: unknown } | { kind: 'timeout' } | { kind: 'memory' } | { kind: 'failed'; message: string };

/** One pooled isolate with its compiled prelude, its compiled actions and its next fresh context. */
class IsolateSlot {
  readonly isolate: ivm.Isolate;
  runs = 0;
  /** Set when a finished run's sandbox called the host: the isolate is replaced. */
  tainted = false;
  private readonly prelude: ivm.Script;
  private readonly scripts = new Map<string, ivm.Script>();
  private next: Promise<PreparedContext> | undefined;
  private disposed = false;
  /** Left running at a timeout (abandonOnTimeout): its process is about to be killed. */
  private abandoned = false;
  private readonly stats: IsolateRunnerStats;
  private readonly cacheSize: number;

  constructor(memoryLimitMb: number, cacheSize: number, stats: IsolateRunnerStats) {
    this.stats = stats;
    this.cacheSize = cacheSize;
    this.isolate = new ivm.Isolate({
      memoryLimit: memoryLimitMb,
      onCatastrophicError: (message) => {
        console.error(`Lit Action isolate failed beyond recovery: ${message}`);
      },
    });
    this.prelude = this.isolate.compileScriptSync(PRELUDE_SOURCE, { filename: PRELUDE_FILENAME });
    stats.isolatesCreated++;
  }

  /** Starts making the next fresh context off the main thread (if none is being made). */
  prepare(): void {
    if (this.next || this.gone) return;
    const next = this.makeContext();
    next.catch(() => undefined);
    this.next = next;
  }

  /** A fresh, prepared context: the one made in the background, or a new one. */
  takeContext(): Promise<PreparedContext> {
    const next = this.next ?? this.makeContext();
    this.next = undefined;
    return next;
  }

  async script(code: string): Promise<ivm.Script> {
    const cached = this.scripts.get(code);
    if (cached) {
      this.scripts.delete(code);
      this.scripts.set(code, cached);
      this.stats.scriptCacheHits++;
      return cached;
    }
    const script = await this.isolate.compileScript(wrapActionCode(code), {
      filename: ACTION_FILENAME,
      lineOffset: -1,
    });
    this.stats.scriptCompiles++;
    if (code.length <= MAX_CACHED_CODE_CHARS && this.cacheSize > 0) {
      this.scripts.set(code, script);
      for (const [oldest, old] of this.scripts) {
        if (this.scripts.size <= this.cacheSize) break;
        this.scripts.delete(oldest);
        old.release();
      }
    }
    return script;
  }

  /** Resolves when the background context (if any) is ready. */
  async ready(): Promise<void> {
    await this.next;
  }

  /** Disposed, or abandoned: no call may be made on it any more. */
  get gone(): boolean {
    return this.abandoned || this.isolate.isDisposed;
  }

  /** Gives the isolate up without touching it (it may be stuck in native code). */
  abandon(): void {
    this.abandoned = true;
    this.next = undefined;
  }

  dispose(): void {
    if (this.disposed || this.abandoned) return;
    this.disposed = true;
    this.next = undefined;
    try {
      this.isolate.dispose();
    } catch {
      // isolated-vm already disposed it (memory limit)
    }
    this.stats.isolatesDisposed++;
  }

  private async makeContext(): Promise<PreparedContext> {
    const context = await this.isolate.createContext();
    const setup = (await this.prelude.run(context, { reference: true })) as ivm.Reference<SetupFunction>;
    this.stats.contextsCreated++;
    return { context, setup };
  }
}

export class IsolateRunner {
  readonly limits: ActionLimits;
  readonly stats: IsolateRunnerStats = {
    executions: 0,
    isolatesCreated: 0,
    isolatesDisposed: 0,
    contextsCreated: 0,
    scriptCompiles: 0,
    scriptCacheHits: 0,
  };
  private readonly allowList: AllowList;
  private readonly maxIsolates: number;
  private readonly maxRunsPerIsolate: number;
  private readonly scriptCacheSize: number;
  private readonly abandonOnTimeout: boolean;
  private readonly idle: IsolateSlot[] = [];
  /** Each run under way: its isolate, and that isolate's CPU time when the run began. */
  private readonly runsUnderWay = new Map<IsolateSlot, bigint>();
  private readonly waiters: { resolve: (slot: IsolateSlot) => void; reject: (error: Error) => void }[] = [];
  private slots = 0;
  private disposed = false;

  constructor(options: IsolateRunnerOptions = {}) {
    this.limits = Object.freeze({ ...DEFAULT_ACTION_LIMITS, ...options.limits });
    this.allowList = compileAllowList(options.fetchAllowList ?? []);
    this.maxIsolates = Math.max(1, options.maxIsolates ?? 2);
    this.maxRunsPerIsolate = Math.max(1, options.maxRunsPerIsolate ?? 1000);
    this.scriptCacheSize = Math.max(0, options.scriptCacheSize ?? 32);
    this.abandonOnTimeout = options.abandonOnTimeout ?? false;
  }

  /** Creates an isolate and its first fresh context now, so the first execution is fast. */
  async warmUp(): Promise<void> {
    const slot = await this.acquire();
    this.release(slot, false);
    await slot.ready();
  }

  /**
   * The CPU time the busiest run under way has spent in its isolate so far, in ms: isolated-vm
   * counts it while the run goes on, and it does not grow while the run waits (for a binding,
   * or for a core another program holds).
   */
  busiestRunCpuMs(): number {
    let most = 0n;
    for (const [slot, startedAt] of this.runsUnderWay) {
      const spent = cpuTimeOf(slot) - startedAt;
      if (spent > most) most = spent;
    }
    return Number(most) / 1e6;
  }

  /** Disposes every idle isolate; running executions finish and then dispose theirs. */
  dispose(): void {
    this.disposed = true;
    for (const slot of this.idle.splice(0)) {
      slot.dispose();
      this.slots--;
    }
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the Lit Action runner has been disposed'));
  }

  /** Runs one action. Never throws for anything the action or its inputs do: errors come back in `error`. */
  async execute(execution: ActionExecution): Promise<ActionResult> {
    const startedAt = performance.now();
    this.stats.executions++;
    const { limits } = this;
    const code: unknown = execution.code;
    let ipfsId = '';
    const fail = (error: ActionError, logs = ''): ActionResult => ({
      response: undefined,
      logs,
      signRequests: [],
      error,
      ipfsId,
      durationMs: performance.now() - startedAt,
    });

    if (typeof code !== 'string') return fail({ kind: 'syntax', message: 'The action code must be a string' });
    const codeBytes = Buffer.byteLength(code, 'utf8');
    if (codeBytes > limits.maxCodeBytes) {
      return fail({
        kind: 'limit',
        message: `The action's code is ${codeBytes} bytes, over the ${formatBytes(limits.maxCodeBytes)} limit`,
      });
    }
    if (execution.ipfsId !== undefined && !isCidV0(execution.ipfsId)) {
      return fail({ kind: 'thrown', message: `ipfsId ${JSON.stringify(execution.ipfsId)} is not an IPFS CIDv0` });
    }
    ipfsId = execution.ipfsId ?? cidV0(code);

    const payload = this.payload(execution, ipfsId);
    if ('error' in payload) return fail(payload.error);

    const slot = await this.acquire();
    this.runsUnderWay.set(slot, cpuTimeOf(slot));
    const session = new RunSession(execution.bindings, limits, this.allowList);
    // The sandbox keeps its handles to these two functions until its heap is collected, which
    // for a small isolate can be long after the run: they reach the session only until the
    // run ends, so a finished run's logs and requests are not kept alive by them.
    let live: RunSession | undefined = session;
    let retire = false;
    let prepared: PreparedContext | undefined;
    let hostAsync: ivm.Reference<RunSession['callAsync']> | undefined;
    try {
      let script: ivm.Script;
      try {
        script = await slot.script(code);
      } catch (error) {
        retire = slot.gone;
        return fail({ kind: 'syntax', message: syntaxMessage(error) });
      }

      prepared = await slot.takeContext();
      // A call after the run means this isolate ran code outside a run: it is retired.
      const late = (): typeof FINISHED => {
        slot.tainted = true;
        return FINISHED;
      };
      hostAsync = new ivm.Reference((method: unknown, arg: unknown) =>
        live ? live.callAsync(method, arg) : Promise.resolve(late()),
      );
      const hostSync = new ivm.Callback((method: unknown, arg: unknown) =>
        live ? live.callSync(method, arg) : late(),
      );
      try {
        const args = [hostAsync, hostSync, payload.json] as const;
        if (payload.json.length > ASYNC_SETUP_CHARS) await prepared.setup.apply(undefined, [...args]);
        else prepared.setup.applySync(undefined, [...args]);
      } catch (error) {
        retire = true;
        return fail({ kind: 'thrown', message: `The sandbox could not be set up: ${messageOf(error)}` });
      }

      session.start(performance.now() + limits.timeoutMs);
      const outcome = await this.run(slot, script, prepared.context);
      const pendingAtEnd = session.inFlight > 0;
      session.close();
      retire = outcome.kind !== 'done' || pendingAtEnd || session.lateCalls > 0 || slot.gone;

      const error = this.errorOf(outcome, session);
      return {
        response: error ? undefined : session.responseValue,
        logs: session.logs,
        signRequests: error ? [] : [...session.signRequests],
        ...(error ? { error } : {}),
        ipfsId,
        durationMs: performance.now() - startedAt,
      };
    } catch (error) {
      retire = true;
      return fail({ kind: 'thrown', message: `The Lit Action runtime failed: ${messageOf(error)}` }, session.logs);
    } finally {
      live = undefined;
      session.close();
      if (session.lateCalls > 0) retire = true;
      if (!slot.gone) {
        prepared?.setup.release();
        prepared?.context.release();
        hostAsync?.release();
      }
      slot.runs++;
      this.runsUnderWay.delete(slot);
      this.release(slot, retire);
    }
  }

  /** Checks jsParams and auth and builds the JSON the prelude's setup reads. */
  private payload(execution: ActionExecution, ipfsId: string): { json: string } | { error: ActionError } {
    const params = execution.jsParams ?? null;
    if (params !== null && (typeof params !== 'object' || Array.isArray(params))) {
      return { error: { kind: 'thrown', message: 'jsParams must be an object whose keys become globals' } };
    }
    let paramsJson = 'null';
    if (params !== null) {
      const reserved = Object.keys(params).filter((key) => RESERVED_GLOBALS.has(key));
      if (reserved.length > 0) {
        return {
          error: {
            kind: 'thrown',
            message: `jsParams cannot set ${reserved.map((k) => JSON.stringify(k)).join(', ')}: the name is taken by the Lit Action runtime`,
          },
        };
      }
      try {
        paramsJson = JSON.stringify(params);
      } catch (error) {
        return { error: { kind: 'thrown', message: `jsParams must be JSON data: ${messageOf(error)}` } };
      }
      const bytes = Buffer.byteLength(paramsJson, 'utf8');
      if (bytes > this.limits.maxJsParamsBytes) {
        return {
          error: {
            kind: 'limit',
            message: `jsParams is ${bytes} bytes of JSON, over the ${formatBytes(this.limits.maxJsParamsBytes)} limit`,
          },
        };
      }
    }
    const auth = execution.auth ?? {};
    const litAuth = {
      actionIpfsIdStack: [ipfsId],
      authSigAddress: auth.authSigAddress ?? null,
      authMethodContexts: auth.authMethodContexts ?? [],
      resources: auth.resources ?? [],
      customAuthResource: auth.customAuthResource ?? '',
    };
    const limits = { maxLogBytes: this.limits.maxLogBytes, maxResponseBytes: this.limits.maxResponseBytes };
    let authJson: string;
    try {
      authJson = JSON.stringify(litAuth);
    } catch (error) {
      return { error: { kind: 'thrown', message: `auth must be JSON data: ${messageOf(error)}` } };
    }
    return { json: `{"limits":${JSON.stringify(limits)},"auth":${authJson},"params":${paramsJson}}` };
  }

  /**
   * Runs the compiled action in the prepared context under the watchdog. The watchdog answers
   * the run by itself: a run stuck in native code is not waited for.
   */
  private async run(slot: IsolateSlot, script: ivm.Script, context: ivm.Context): Promise<Outcome> {
    const { timeoutMs } = this.limits;
    let watchdog: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      watchdog = setTimeout(() => {
        if (this.abandonOnTimeout) slot.abandon();
        else slot.dispose();
        resolve({ kind: 'timeout' });
      }, timeoutMs);
    });
    const ran = script.run(context, { timeout: timeoutMs, promise: true, copy: true }).then(
      (value: unknown): Outcome => ({ kind: 'done', value }),
      (error: unknown): Outcome => {
        const message = messageOf(error);
        if (message === 'Script execution timed out.') return { kind: 'timeout' };
        if (slot.gone || /memory limit/i.test(message)) return { kind: 'memory' };
        return { kind: 'failed', message };
      },
    );
    try {
      return await Promise.race([ran, timedOut]);
    } finally {
      clearTimeout(watchdog);
    }
  }

  private errorOf(outcome: Outcome, session: RunSession): ActionError | undefined {
    const { limits } = this;
    if (session.limitError !== undefined) return { kind: 'limit', message: session.limitError };
    switch (outcome.kind) {
      case 'timeout':
        return {
          kind: 'timeout',
          message: `The action exceeded the maximum runtime of ${limits.timeoutMs} ms and was terminated`,
        };
      case 'memory':
        return {
          kind: 'memory',
          message: `The action exceeded the maximum memory of ${limits.memoryLimitMb} MB and was terminated`,
        };
      case 'failed':
        return { kind: 'thrown', message: outcome.message };
      case 'done': {
        const value = outcome.value as { ok?: unknown; message?: unknown; stack?: unknown } | null;
        if (value !== null && typeof value === 'object' && value.ok === true) return undefined;
        if (value !== null && typeof value === 'object' && value.ok === false && typeof value.message === 'string') {
          return {
            kind: 'thrown',
            message: value.message,
            ...(typeof value.stack === 'string' ? { stack: actionStack(value.stack) } : {}),
          };
        }
        return { kind: 'thrown', message: 'The action ended without finishing its run (its code closed the wrapper)' };
      }
    }
  }

  private async acquire(): Promise<IsolateSlot> {
    if (this.disposed) throw new Error('the Lit Action runner has been disposed');
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      if (!slot.tainted && !slot.gone) return slot;
      slot.dispose();
      this.slots--;
    }
    if (this.slots < this.maxIsolates) {
      this.slots++;
      try {
        return this.createSlot();
      } catch (error) {
        this.slots--;
        throw error;
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(slot: IsolateSlot, retire: boolean): void {
    if (!(retire || slot.tainted || this.disposed || slot.runs >= this.maxRunsPerIsolate || slot.gone)) {
      slot.prepare();
      this.offer(slot);
      return;
    }
    slot.dispose();
    if (this.disposed) {
      this.slots--;
      return;
    }
    // Replace it after this result has gone out (a new isolate costs about a millisecond of
    // main-thread time); executions that arrive meanwhile wait for it.
    setImmediate(() => {
      if (this.disposed) {
        this.slots--;
        return;
      }
      let fresh: IsolateSlot;
      try {
        fresh = this.createSlot();
      } catch (error) {
        this.slots--;
        console.error(`Lit Action runner: could not create an isolate: ${messageOf(error)}`);
        return;
      }
      fresh.prepare();
      this.offer(fresh);
    });
  }

  /** Gives a ready slot to the longest-waiting execution, or keeps it idle. */
  private offer(slot: IsolateSlot): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(slot);
    else this.idle.push(slot);
  }

  private createSlot(): IsolateSlot {
    return new IsolateSlot(this.limits.memoryLimitMb, this.scriptCacheSize, this.stats);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** The stack without the runtime's own frames: what is left points into the action's code. */
function actionStack(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !line.includes(PRELUDE_FILENAME) && line.trim() !== `at ${ACTION_FILENAME}`)
    .join('\n');
}

/** "SyntaxError: Unexpected token '=' [lit-action.js:3:7]" (line numbers are the action's own). */
function syntaxMessage(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return `${typeof name === 'string' ? name : 'SyntaxError'}: ${messageOf(error)}`;
}

/** An isolate's CPU time so far, ns (0 once it is disposed). */
function cpuTimeOf(slot: IsolateSlot): bigint {
  try {
    return slot.isolate.cpuTime;
  } catch {
    return 0n;
  }
}
