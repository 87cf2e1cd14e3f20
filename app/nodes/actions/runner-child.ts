// A runner process: the node forks it (action-runner.ts) to run Lit Actions in isolated-vm
// out of the node's own process, so that a run that will not end (a long native builtin, a
// memory bomb) can be ended for certain by killing this process. Its runs go on at the same
// time, one isolate each (the node says how many). Each ActionBindings call becomes a message
// to the node, which holds the real bindings.
import { IsolateRunner, type IsolateRunnerOptions } from './isolate-runner.ts';
import { BINDING_METHODS } from './binding-methods.ts';
import type { ToRunner } from './runner-protocol.ts';
import type { ActionBindings } from './types.ts';

// A message to a node that was just killed fails (EPIPE) before 'disconnect' comes; without a
// callback it is thrown as an unhandled 'error' event, a stack trace in the node's log.
const send = (message: unknown): void => {
  process.send?.(message, undefined, undefined, (error) => {
    if (error) process.exit(0);
  });
};

// The node went away (it exited or was killed): so does its runner.
process.on('disconnect', () => process.exit(0));

const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCall = 1;
let runner: IsolateRunner | undefined;
let memoryReport: NodeJS.Timeout | undefined;
let running = 0;
/**
 * A run that has spent this much CPU in its isolate is CPU-bound (a whole everyday run costs
 * this process under 2 ms): the node is told, once, and moves this process below its own
 * priority (runner-process.ts). CPU time, not a share of the wall clock, so that a CPU-bound
 * action is found as soon on a busy machine as on an idle one.
 */
const HEAVY_RUN_CPU_MS = 100;
const CPU_POLL_MS = 50;
let cpuPoll: NodeJS.Timeout | undefined;
let heavyReported = false;

function watchCpu(): void {
  if (heavyReported || cpuPoll) return;
  cpuPoll = setInterval(() => {
    if (!runner || runner.busiestRunCpuMs() < HEAVY_RUN_CPU_MS) return;
    heavyReported = true;
    clearInterval(cpuPoll);
    send({ type: 'heavy' });
  }, CPU_POLL_MS);
}
/** The node reads this process's memory from /proc (runner-process.ts). */
const READS_PROC = process.platform === 'linux';

function bindingsFor(run: number): ActionBindings {
  const entries = BINDING_METHODS.map((method) => [
    method,
    (args: Record<string, unknown>) =>
      new Promise((resolve, reject) => {
        const call = nextCall++;
        pending.set(call, { resolve, reject });
        send({ type: 'call', run, call, method, args: { ...args } });
      }),
  ]);
  return Object.fromEntries(entries) as ActionBindings;
}

async function configure(options: IsolateRunnerOptions): Promise<void> {
  runner = new IsolateRunner({ ...options, abandonOnTimeout: true });
  await runner.warmUp();
  send({ type: 'ready', stats: runner.stats });
}

async function run(message: Extract<ToRunner, { type: 'run' }>): Promise<void> {
  if (!runner) throw new Error('the runner process was not configured');
  // Its own memory, so the node can end the run at the hard limit on systems where it cannot
  // read another process's memory itself. On Linux the node reads /proc and no message is sent
  // (each would wake the node during every run).
  if (!READS_PROC && running === 0)
    memoryReport = setInterval(() => send({ type: 'memory', rssMb: process.memoryUsage.rss() / 2 ** 20 }), 50);
  running++;
  watchCpu();
  try {
    const result = await runner.execute({
      code: message.code,
      ...(message.ipfsId === undefined ? {} : { ipfsId: message.ipfsId }),
      jsParams: message.jsParamsJson === null ? null : (JSON.parse(message.jsParamsJson) as Record<string, unknown>),
      ...(message.auth === undefined ? {} : { auth: message.auth }),
      bindings: bindingsFor(message.run),
    });
    const { durationMs: _durationMs, ...rest } = result;
    const endRunner = result.error?.kind === 'timeout' || result.error?.kind === 'memory';
    send({ type: 'result', run: message.run, result: rest, stats: runner.stats, endRunner });
  } finally {
    if (--running === 0) {
      clearInterval(memoryReport);
      clearInterval(cpuPoll);
      cpuPoll = undefined;
    }
  }
}

process.on('message', (message: ToRunner) => {
  switch (message.type) {
    case 'configure':
      void configure(message.options).catch((error: unknown) => {
        console.error(`Lit Action runner process could not start: ${(error as Error).message}`);
        process.exit(1);
      });
      return;
    case 'run':
      void run(message).catch((error: unknown) => {
        console.error(`Lit Action runner process failed: ${(error as Error).message}`);
        process.exit(1);
      });
      return;
    case 'reply': {
      const waiter = pending.get(message.call);
      if (!waiter) return;
      pending.delete(message.call);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(message.message));
      return;
    }
  }
});
