// `node --no-node-snapshot app/nodes/actions/measure-runtime.ts [runs]`: what each step of a
// Lit Action execution costs on this machine, from raw isolated-vm operations to a whole
// execute(), in process and through a runner process. Measurement only; nothing imports this file.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import ivm from 'isolated-vm';
import { ActionRunner } from './action-runner.ts';
import { IsolateRunner } from './isolate-runner.ts';
import { PRELUDE_FILENAME, PRELUDE_SOURCE, wrapActionCode } from './prelude.ts';
import { RecordingBindings } from './recording-bindings.ts';

const RUNS = Number(process.argv[2] ?? 300);
const publicKey = `0x${bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false))}`;
const PRIME = `const isPrime = (n) => { if (!Number.isSafeInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false; return true; };
if (!isPrime(number)) throw new Error(number + ' is not prime');
const toSign = new Uint8Array(32); toSign[31] = number;
await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: 'prime' });
Lit.Actions.setResponse({ response: JSON.stringify({ number, prime: true }) });`;

const rows: [string, string, string][] = [];
function report(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN).toFixed(3);
  rows.push([name, at(0.5), at(0.95)]);
}
async function time(n: number, step: () => Promise<unknown> | unknown, gapMs = 0): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const started = performance.now();
    await step();
    samples.push(performance.now() - started);
  }
  return samples;
}

// Raw isolated-vm steps.
const isolates: ivm.Isolate[] = [];
report('new Isolate (256 MB limit)', await time(30, () => isolates.push(new ivm.Isolate({ memoryLimit: 256 }))));
let k = 0;
report(
  'compile the prelude (new isolate)',
  await time(30, () => isolates[k++]?.compileScriptSync(PRELUDE_SOURCE, { filename: PRELUDE_FILENAME })),
);
for (const isolate of isolates) isolate.dispose();
const isolate = new ivm.Isolate({ memoryLimit: 256 });
const prelude = isolate.compileScriptSync(PRELUDE_SOURCE, { filename: PRELUDE_FILENAME });
const contexts: ivm.Context[] = [];
report(
  'createContext (async, off the main thread)',
  await time(RUNS, async () => contexts.push(await isolate.createContext())),
);
k = 0;
report(
  'run the prelude in a context (async)',
  await time(RUNS, () => prelude.run(contexts[k++] as ivm.Context, { reference: true })),
);
for (const context of contexts) context.release();
report(
  'compile a small action (cache miss)',
  await time(
    RUNS,
    (() => {
      let i = 0;
      return () => isolate.compileScript(wrapActionCode(`Lit.Actions.setResponse({ response: '${i++}' })`));
    })(),
  ),
);
isolate.dispose();

// Whole executions: in the measuring process (IsolateRunner, how the node ran actions before
// runner processes) and through a runner process (ActionRunner, how the node runs them now).
async function wholeExecutions(label: string, runner: IsolateRunner | ActionRunner): Promise<void> {
  const cold = performance.now();
  await runner.execute({ code: 'Lit.Actions.setResponse({ response: "hi" })', bindings: new RecordingBindings() });
  rows.push([`${label}: first execute, cold runner`, (performance.now() - cold).toFixed(3), '']);
  const trivial = () =>
    runner.execute({ code: 'Lit.Actions.setResponse({ response: "hi" })', bindings: new RecordingBindings() });
  const prime = () =>
    runner.execute({
      code: PRIME,
      ipfsId: undefined,
      jsParams: { number: 7, publicKey },
      bindings: new RecordingBindings(),
    });
  await time(50, prime);
  report(
    `${label}: empty action (warm, 3 ms apart)`,
    await time(RUNS, () => runner.execute({ code: '', bindings: new RecordingBindings() }), 3),
  );
  report(`${label}: setResponse only (warm, 3 ms apart)`, await time(RUNS, trivial, 3));
  report(`${label}: prime action, 1 signEcdsa (warm, 3 ms apart)`, await time(RUNS, prime, 3));
  report(`${label}: prime action, back to back`, await time(RUNS, prime));
  runner.dispose();
  console.log(`${label} stats: ${JSON.stringify(runner.stats)}`);
}
await wholeExecutions('in-process', new IsolateRunner());
const processRunner = new ActionRunner();
await processRunner.warmUp();
await wholeExecutions('runner process', processRunner);

const width = Math.max(...rows.map((r) => r[0].length));
console.log(`${'step'.padEnd(width)}  p50 ms   p95 ms   (${RUNS} runs; node ${process.version})`);
for (const [name, p50, p95] of rows) console.log(`${name.padEnd(width)}  ${p50.padStart(7)}  ${p95.padStart(7)}`);
