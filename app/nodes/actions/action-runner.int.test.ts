// The Lit Action runtime on real isolated-vm (this project runs with --no-node-snapshot), with
// RecordingBindings standing in for the node layer. One runner serves most tests, on purpose:
// after each failure the next execution must still work.
import fs from 'node:fs';
import os from 'node:os';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { getBytes, hashMessage, keccak256 } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidV0 } from '../../shared/cid/index.ts';
import { tokenIdFromPubkey } from '../../shared/contracts/ids.ts';
import { ActionRunner, type ActionExecution, type ActionResult } from './index.ts';
import { RecordingBindings } from './recording-bindings.ts';

const publicKey = `0x${bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false))}`;
const otherKey = `0x${bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false))}`;

/** The seeds' example: sign a number only if it is prime (as a 32-byte big-endian uint256). */
const PRIME_ACTION = `// Signs jsParams.number only if it is prime.
const isPrime = (n) => {
  if (!Number.isSafeInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};
if (!isPrime(number)) throw new Error(number + ' is not prime');
const toSign = new Uint8Array(32);
let x = BigInt(number);
for (let i = 31; i >= 0 && x > 0n; i--) { toSign[i] = Number(x & 255n); x >>= 8n; }
await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: 'prime' });
Lit.Actions.setResponse({ response: JSON.stringify({ number, prime: true }) });
`;

// Every timeout or memory error replaces the runner process, and the runs after it go to a
// process whose code is not optimised yet; 1 s leaves room for that on a loaded machine.
const TIMEOUT_MS = 1_000;
let runner: ActionRunner;

beforeAll(async () => {
  runner = new ActionRunner({
    limits: { timeoutMs: TIMEOUT_MS, memoryLimitMb: 64 },
    fetchAllowList: ['https://api.example.com/v1/'],
    maxRuns: 1,
  });
  await runner.warmUp();
});
afterAll(() => runner.dispose());

function run(
  code: string,
  jsParams?: Record<string, unknown> | null,
  bindings = new RecordingBindings(),
  extra: Partial<ActionExecution> = {},
): Promise<ActionResult> {
  return runner.execute({ code, jsParams, bindings, ...extra });
}

/** Until a runner process is ready (the spare started after a kill), so timings are the run's own. */
async function warm(): Promise<void> {
  for (let i = 0; i < 600 && runner.health().runnersIdle < 1; i++) await new Promise((r) => setTimeout(r, 50));
}

/** A plain run after a failure: the runner must be healthy again. */
async function expectHealthy(): Promise<void> {
  const result = await run(`Lit.Actions.setResponse({ response: 'ok ' + (1 + 1) });`);
  expect(result.error).toBeUndefined();
  expect(result.response).toBe('ok 2');
}

/** The nice value of every thread of a process (Linux: a nice value belongs to a thread). */
function threadNiceness(pid: number): number[] {
  if (process.platform !== 'linux') return [os.getPriority(pid)];
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => os.getPriority(Number(tid)));
}

describe("the runner processes' priority", () => {
  it("runs the host's ordinary actions at the node's priority, and outsiders' below it on every thread", async () => {
    const [hostPid] = runner.runnerPids();
    expect(hostPid).toBeDefined();
    for (let i = 0; i < 5; i++) {
      const result = await run(`Lit.Actions.setResponse({ response: 'host' });`, null, undefined, { fromHost: true });
      expect(result.response).toBe('host');
    }
    expect(new Set(threadNiceness(hostPid!))).toEqual(new Set([os.getPriority()]));

    expect((await run(`Lit.Actions.setResponse({ response: 'outside' });`)).response).toBe('outside');
    const outsidePid = runner.runnerPids().find((pid) => pid !== hostPid);
    expect(outsidePid).toBeDefined();
    const niceness = threadNiceness(outsidePid!);
    expect(niceness.length).toBeGreaterThan(1); // isolated-vm's threads, not only the main one
    for (const nice of niceness) expect(nice).toBeGreaterThan(os.getPriority());
  });

  it('sends a host runner whose run is CPU-bound below the node, and replaces it once idle', async () => {
    const busy = new ActionRunner({ limits: { timeoutMs: 10_000, memoryLimitMb: 64 } });
    try {
      await busy.warmUp();
      const [pid] = busy.runnerPids();
      const result = await busy.execute({
        code: `const end = Date.now() + 1500; let n = 0; while (Date.now() < end) n++; Lit.Actions.setResponse({ response: 'spun' });`,
        bindings: new RecordingBindings(),
        fromHost: true,
      });
      expect(result.response).toBe('spun');
      // Still the same process, now below the node on every thread.
      expect(busy.runnerPids()).toEqual([pid]);
      for (const nice of threadNiceness(pid!)) expect(nice).toBeGreaterThan(os.getPriority());
      // Idle, it is replaced by a fresh runner at the node's priority, which runs the next action.
      let fresh: number | undefined;
      for (let i = 0; i < 200 && fresh === undefined; i++) {
        await new Promise((r) => setTimeout(r, 50));
        fresh = busy.runnerPids().find((p) => p !== pid);
      }
      expect(fresh).toBeDefined();
      const next = await busy.execute({
        code: `Lit.Actions.setResponse({ response: 'again' });`,
        bindings: new RecordingBindings(),
        fromHost: true,
      });
      expect(next.response).toBe('again');
      expect(busy.runnerPids()).toEqual([fresh]);
      expect(new Set(threadNiceness(fresh!))).toEqual(new Set([os.getPriority()]));
      expect(busy.health().runnersReplaced).toBe(0); // retired, not counted as a failure
    } finally {
      await busy.dispose();
    }
  }, 30_000);
});

describe('the prime action (seeds: prove the output of JS code)', () => {
  it('signs 7', async () => {
    const bindings = new RecordingBindings();
    const result = await run(PRIME_ACTION, { number: 7, publicKey }, bindings);
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.response ?? '')).toEqual({ number: 7, prime: true });
    const expected = new Uint8Array(32);
    expected[31] = 7;
    expect(result.signRequests).toEqual([{ sigName: 'prime', toSign: expected, publicKey, method: 'signEcdsa' }]);
    expect(bindings.callsOf('signEcdsa')).toHaveLength(1);
    expect(result.ipfsId).toBe(cidV0(PRIME_ACTION));
  });

  it('refuses 8 with a clear message, no sign request and no call to the signing binding', async () => {
    const bindings = new RecordingBindings();
    const result = await run(PRIME_ACTION, { number: 8, publicKey }, bindings);
    expect(result.error).toMatchObject({ kind: 'thrown', message: 'Error: 8 is not prime' });
    expect(result.error?.stack).toMatch(/at lit-action\.js:7:/); // the throw is on line 7 of the action
    expect(result.error?.stack).not.toMatch(/litbox-prelude/);
    expect(result.signRequests).toEqual([]);
    expect(result.response).toBeUndefined();
    expect(bindings.callsOf('signEcdsa')).toEqual([]);
  });

  it('gives the same CID whether the caller passes it or the runner computes it', async () => {
    const given = await run(PRIME_ACTION, { number: 13, publicKey }, undefined, { ipfsId: cidV0(PRIME_ACTION) });
    const computed = await run(PRIME_ACTION, { number: 13, publicKey });
    expect(given.ipfsId).toBe(computed.ipfsId);
    expect(given.signRequests[0]?.toSign).toEqual(computed.signRequests[0]?.toSign);
  });
});

describe('bad actions get a clear error and leave the runner healthy', () => {
  it('syntax error, with the line and column in the action', async () => {
    const result = await run('const a = 1;\nlet = = 2;');
    expect(result.error).toEqual({ kind: 'syntax', message: "SyntaxError: Unexpected token '=' [lit-action.js:2:7]" });
    await expectHealthy();
  });

  it('thrown error, and a thrown non-Error value', async () => {
    expect((await run('throw new TypeError("bad input")')).error).toMatchObject({
      kind: 'thrown',
      message: 'TypeError: bad input',
    });
    expect((await run('throw "boom"')).error).toEqual({ kind: 'thrown', message: 'Uncaught "boom"' });
    expect((await run('await Promise.reject(new RangeError("r"))')).error?.message).toBe('RangeError: r');
    await expectHealthy();
  });

  it('infinite loop: timeout (synchronous, after an await, and a promise that never settles)', async () => {
    for (const code of [
      'while (true) {}',
      'await Lit.Actions.getLatestNonce({ address: "0x' + '11'.repeat(20) + '", chain: "x" }); for (;;) {}',
      'await new Promise(() => {});',
    ]) {
      await warm();
      const started = performance.now();
      const result = await run(code);
      expect(result.error).toEqual({
        kind: 'timeout',
        message: `The action exceeded the maximum runtime of ${TIMEOUT_MS} ms and was terminated`,
      });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
      await expectHealthy();
    }
  });

  it('memory bomb: memory error', async () => {
    const result = await run('const keep = []; for (;;) keep.push(new Array(100000).fill(1.5));');
    expect(result.error).toEqual({
      kind: 'memory',
      message: 'The action exceeded the maximum memory of 64 MB and was terminated',
    });
    await expectHealthy();
  });

  it('memory bomb after an await: memory error', async () => {
    const result = await run(
      'await null; await Lit.Actions.getPermittedActions({ tokenId: "1" }); const keep = []; for (;;) keep.push(new Array(100000).fill(1.5));',
    );
    expect(result.error?.kind).toBe('memory');
    await expectHealthy();
  });

  it('a huge buffer is refused inside the limit, and WebAssembly memory (not counted by the limit) is not there', async () => {
    expect((await run('new ArrayBuffer(1e9)')).error?.message).toMatch(/Array buffer allocation failed/);
    expect((await run('return new WebAssembly.Memory({ initial: 16384 })')).error?.message).toBe(
      'ReferenceError: WebAssembly is not defined',
    );
    expect((await run('new SharedArrayBuffer(8)')).error?.message).toBe(
      'ReferenceError: SharedArrayBuffer is not defined',
    );
    await expectHealthy();
  });

  it('a run that fails with host calls still pending retires its isolate; the next run gets a new one', async () => {
    const bindings = new RecordingBindings();
    bindings.getLatestNonce = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return '1';
    };
    const disposed = runner.stats.isolatesDisposed;
    const result = await run(
      `Lit.Actions.getLatestNonce({ address: '0x${'11'.repeat(20)}', chain: 'x' }).then(() => Lit.Actions.setResponse({ response: 'late' }));
       throw new Error('failed early');`,
      null,
      bindings,
    );
    expect(result.error?.message).toBe('Error: failed early');
    expect(runner.stats.isolatesDisposed).toBe(disposed + 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the pending call answers into nothing
    await expectHealthy();
  });

  it('huge response: limit error, even if the action catches it', async () => {
    const tooLong = await run('Lit.Actions.setResponse({ response: "x".repeat(200 * 1024) })');
    expect(tooLong.error).toEqual({
      kind: 'limit',
      message: 'Response is too long. Max length is 102400 bytes; got 204800 characters',
    });
    // 60 000 characters of é are 120 000 UTF-8 bytes: counted in bytes, as Lit does.
    const caught = await run(`
      try { Lit.Actions.setResponse({ response: "é".repeat(60000) }); } catch (e) { console.log("caught:", e.message); }
      Lit.Actions.setResponse({ response: "small" });`);
    expect(caught.error).toEqual({
      kind: 'limit',
      message: 'Response is too long. Max length is 102400 bytes; got 120000 bytes',
    });
    expect(caught.response).toBeUndefined();
    expect(caught.logs).toMatch(/^caught: Response is too long/);
    await expectHealthy();
  });

  it('a response that is not a string is refused', async () => {
    expect((await run('Lit.Actions.setResponse({ response: { a: 1 } })')).error?.message).toMatch(
      /response must be a string \(use JSON.stringify/,
    );
  });

  it('code over the size limit is refused before it is compiled', async () => {
    const small = new ActionRunner({ limits: { maxCodeBytes: 100 } });
    try {
      const result = await small.execute({ code: `// ${'x'.repeat(200)}`, bindings: new RecordingBindings() });
      expect(result.error).toEqual({
        kind: 'limit',
        message: "The action's code is 203 bytes, over the 100 bytes limit",
      });
      expect(small.stats.isolatesCreated).toBe(0);
    } finally {
      small.dispose();
    }
  });
});

describe('signing requests are checked before the node sees them', () => {
  const digest = `new Uint8Array(32).fill(7)`;

  it('at most 10 signatures per run (a limit error, and no requests are returned)', async () => {
    const ten = await run(
      `for (let i = 0; i < 10; i++) await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey, sigName: 's' + i });`,
      {
        publicKey,
      },
    );
    expect(ten.error).toBeUndefined();
    expect(ten.signRequests.map((r) => r.sigName)).toEqual([
      's0',
      's1',
      's2',
      's3',
      's4',
      's5',
      's6',
      's7',
      's8',
      's9',
    ]);

    const bindings = new RecordingBindings();
    const eleven = await run(
      `for (let i = 0; i < 11; i++) { try { await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey, sigName: 's' + i }); } catch (e) { console.log(e.message); } }`,
      { publicKey },
      bindings,
    );
    expect(eleven.error).toEqual({
      kind: 'limit',
      message: 'Lit.Actions.signEcdsa: an action can request at most 10 signatures per run',
    });
    expect(eleven.signRequests).toEqual([]);
    expect(bindings.callsOf('signEcdsa')).toHaveLength(10);
    await expectHealthy();
  });

  it('toSign must be 32 bytes', async () => {
    const bindings = new RecordingBindings();
    const result = await run(
      `await Lit.Actions.signEcdsa({ toSign: [1, 2, 3], publicKey, sigName: 'x' })`,
      { publicKey },
      bindings,
    );
    expect(result.error).toMatchObject({
      kind: 'thrown',
      message:
        'Error: Lit.Actions.signEcdsa: toSign must be exactly 32 bytes (a digest such as a keccak256 or sha256 hash); got 3 bytes',
    });
    expect(result.signRequests).toEqual([]);
    expect(bindings.callsOf('signEcdsa')).toEqual([]);
    const bytes33 = await run(`await Lit.Actions.signEcdsa({ toSign: new Uint8Array(33), publicKey, sigName: 'x' })`, {
      publicKey,
    });
    expect(bytes33.error?.message).toMatch(/got 33 bytes/);
  });

  it('publicKey must be a 65-byte uncompressed key', async () => {
    const compressed = `0x${bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true))}`;
    for (const key of [compressed, publicKey.slice(0, -2), 'not hex', '0x05' + publicKey.slice(4)]) {
      const bindings = new RecordingBindings();
      const result = await run(
        `await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey: key, sigName: 'x' })`,
        { key },
        bindings,
      );
      expect(result.error?.message).toMatch(/publicKey must be a 65-byte uncompressed secp256k1 public key in hex/);
      expect(bindings.callsOf('signEcdsa')).toEqual([]);
    }
  });

  it('each signature needs its own sigName', async () => {
    const result = await run(
      `await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey, sigName: 'a' });
       await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey: other, sigName: 'a' });`,
      { publicKey, other: otherKey },
    );
    expect(result.error?.message).toMatch(/sigName "a" is already used in this run/);
  });

  it('a refusal from the node (e.g. not permitted) reaches the action and is not a sign request', async () => {
    const bindings = new RecordingBindings();
    bindings.refuseSign = (request) =>
      request.publicKey === otherKey ? `this action may not sign with ${request.publicKey}` : undefined;
    const result = await run(
      `await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey, sigName: 'mine' });
       try { await Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey: other, sigName: 'theirs' }); }
       catch (e) { Lit.Actions.setResponse({ response: e.message }); }`,
      { publicKey, other: otherKey },
      bindings,
    );
    expect(result.error).toBeUndefined();
    expect(result.response).toBe(`this action may not sign with ${otherKey}`);
    expect(result.signRequests.map((r) => r.sigName)).toEqual(['mine']);
  });

  it('ethPersonalSignMessageEcdsa hashes with the EIP-191 prefix in the host', async () => {
    const result = await run(
      `await Lit.Actions.ethPersonalSignMessageEcdsa({ message: 'hello Litbox', publicKey, sigName: 'p' })`,
      {
        publicKey,
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.signRequests).toEqual([
      { sigName: 'p', toSign: getBytes(hashMessage('hello Litbox')), publicKey, method: 'ethPersonalSignMessageEcdsa' },
    ]);
  });

  it('a signature requested without await is still part of the run (the run waits, as Deno does)', async () => {
    const result = await run(`Lit.Actions.signEcdsa({ toSign: ${digest}, publicKey, sigName: 'late' });`, {
      publicKey,
    });
    expect(result.error).toBeUndefined();
    expect(result.signRequests.map((r) => r.sigName)).toEqual(['late']);
  });
});

describe('the sandbox gives no way out', () => {
  it('no process, require, module or file system', async () => {
    const result = await run(
      `Lit.Actions.setResponse({ response: [typeof process, typeof require, typeof module, typeof Deno, typeof Buffer, typeof setImmediate].join() })`,
    );
    expect(result.response).toBe('undefined,undefined,undefined,undefined,undefined,undefined');
    expect((await run('return process.env.HOME')).error?.message).toBe('ReferenceError: process is not defined');
    expect((await run('return require("fs")')).error?.message).toBe('ReferenceError: require is not defined');
    expect((await run('return import("fs")')).error?.kind).toBe('thrown');
  });

  it("this.constructor.constructor('return process')() finds no process", async () => {
    const result = await run(`return this.constructor.constructor('return process')().env`);
    expect(result.error?.message).toBe('ReferenceError: process is not defined');
    const viaFunction = await run(`return (async () => {}).constructor('return process')()`);
    expect(viaFunction.error?.kind).toBe('thrown');
  });

  it('fetch outside the allow-list is refused and the binding never called', async () => {
    const bindings = new RecordingBindings();
    for (const url of [
      'https://evil.example.com/',
      'https://api.example.com/v2/x',
      'https://api.example.com.evil.test/v1/',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const result = await run(`await fetch(url)`, { url }, bindings);
      expect(result.error?.message).toMatch(/not on this network's fetch allow-list/);
    }
    expect(bindings.callsOf('fetch')).toEqual([]);
  });

  it('fetch on the allow-list returns a Response-like object', async () => {
    const bindings = new RecordingBindings();
    bindings.fetchHandler = async (request) => ({
      url: request.url,
      status: 201,
      statusText: 'Created',
      headers: [
        ['Content-Type', 'application/json'],
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
      body: new TextEncoder().encode(JSON.stringify({ got: request.method, body: request.body, h: request.headers })),
    });
    const result = await run(
      `const r = await fetch('https://api.example.com/v1/price', { method: 'post', body: 'q', headers: { 'x-k': 'v' } });
       const j = await r.json();
       let again; try { await r.text(); } catch (e) { again = e.message; }
       Lit.Actions.setResponse({ response: JSON.stringify({ ok: r.ok, status: r.status, statusText: r.statusText,
         type: r.headers.get('content-type'), cookies: r.headers.get('SET-COOKIE'), j, again }) });`,
      null,
      bindings,
    );
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.response ?? '')).toEqual({
      ok: true,
      status: 201,
      statusText: 'Created',
      type: 'application/json',
      cookies: 'a=1, b=2',
      j: { got: 'POST', body: 'q', h: [['x-k', 'v']] },
      again: 'Body has already been consumed',
    });
  });

  it('at most 50 fetches per run', async () => {
    const result = await run(`for (let i = 0; i < 51; i++) await fetch('https://api.example.com/v1/' + i);`);
    expect(result.error).toEqual({ kind: 'limit', message: 'fetch: an action can make at most 50 fetches per run' });
  });

  it('Object.prototype pollution and globals do not reach the next execution in the same isolate', async () => {
    const created = runner.stats.isolatesCreated;
    const first = await run(`
      Object.prototype.polluted = 'yes';
      Array.prototype.map = () => 'hijacked';
      JSON.parse = () => ({ ok: false, message: 'hijacked' });
      Promise.prototype.then = function () { throw new Error('hijacked'); };
      globalThis.leak = 'secret';
      Lit.Actions.setResponse({ response: 'set' });`);
    expect(first.error).toBeUndefined();
    expect(first.response).toBe('set');
    const second = await run(`Lit.Actions.setResponse({ response: JSON.stringify([
      ({}).polluted, [1].map((x) => x + 1), typeof leak, typeof JSON.parse('{}') ]) })`);
    expect(second.error).toBeUndefined();
    expect(JSON.parse(second.response ?? '')).toEqual([null, [2], 'undefined', 'object']);
    expect(runner.stats.isolatesCreated).toBe(created); // same isolate, fresh context
  });

  it('a global set in one run is gone in the next', async () => {
    const code = `globalThis.counter = (globalThis.counter ?? 0) + 1; Lit.Actions.setResponse({ response: String(counter) });`;
    expect((await run(code)).response).toBe('1');
    expect((await run(code)).response).toBe('1');
  });

  it('no global, function or stack frame exposes the host handles', async () => {
    const result = await run(`
      const found = [];
      const seen = new Set();
      const visit = (value, path, depth) => {
        if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 3) return;
        seen.add(value);
        const ctor = value.constructor && value.constructor.name;
        if (ctor === 'Reference' || ctor === 'Callback' || typeof value.applySyncPromise === 'function' || typeof value.derefInto === 'function') found.push(path);
        for (const key of Reflect.ownKeys(value)) {
          let child;
          try { child = value[key]; } catch { continue; }
          visit(child, path + '.' + String(key), depth + 1);
        }
      };
      visit(globalThis, 'globalThis', 0);
      let caller;
      try { caller = Lit.Actions.signEcdsa.caller; } catch (e) { caller = e.constructor.name; }
      // Stack-trace hooks: getters the runtime calls (while reading arguments, and inside
      // values it passes on, on the async and the sync path) see no receiver and no function
      // for any frame that is not the action's own.
      const frames = [];
      const spy = () => {
        for (const s of new Error().stack) frames.push({ file: String(s.getFileName()), self: typeof s.getThis(), fn: typeof s.getFunction() });
        return 1;
      };
      Error.prepareStackTrace = (e, callSites) => callSites;
      try { await Lit.Actions.signEcdsa({ get toSign() { return [spy()]; }, publicKey: 'x', sigName: 'y' }); } catch {}
      try { await Lit.Actions.getLatestNonce({ address: { get x() { return spy(); } }, chain: 'x' }); } catch {}
      try { await Lit.Actions.checkConditions({ conditions: [{ get c() { return spy(); } }], authSig: null }); } catch {}
      try { Lit.Actions.setResponse({ response: { get r() { return spy(); } } }); } catch {}
      Error.prepareStackTrace = undefined;
      const runtimeFrames = frames.filter((f) => f.file !== 'lit-action.js');
      const exposed = runtimeFrames.filter((f) => f.self !== 'undefined' || f.fn !== 'undefined');
      let fnArg;
      try { await Lit.Actions.getLatestNonce({ address: () => 1, chain: 'x' }); } catch (e) { fnArg = e.message; }
      Lit.Actions.setResponse({ response: JSON.stringify({ found, caller, runtimeFrames: runtimeFrames.length > 8, exposed, fnArg }) });
    `);
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.response ?? '')).toEqual({
      found: [],
      caller: 'TypeError',
      runtimeFrames: true,
      exposed: [],
      fnArg: 'Lit.Actions.getLatestNonce: a function cannot be passed to the runtime',
    });
  });

  it('a binding that returns host objects is refused: only plain data crosses', async () => {
    const bindings = new RecordingBindings();
    class Leaky {
      readonly process = process;
    }
    bindings.getPermittedActions = async () => [new Leaky()] as unknown as string[];
    bindings.getPermittedAddresses = async () => [() => process] as unknown as string[];
    const result = await run(
      `
      const out = [];
      for (const f of ['getPermittedActions', 'getPermittedAddresses']) {
        try { out.push(await Lit.Actions[f]({ tokenId: '1' })); } catch (e) { out.push(e.message); }
      }
      Lit.Actions.setResponse({ response: JSON.stringify(out) });`,
      null,
      bindings,
    );
    expect(JSON.parse(result.response ?? '')).toEqual([
      'a binding result is not plain data',
      'a binding result is not plain data (function)',
    ]);
  });

  it('Lit, Lit.Actions and Lit.Auth cannot be replaced or changed', async () => {
    const cid = cidV0('x');
    const result = await run(
      `'use strict';
       const tries = [];
       for (const f of [() => { Lit = 1; }, () => { Lit.Actions.signEcdsa = null; }, () => { Lit.Auth.authSigAddress = 'me'; }, () => { Lit.Auth.actionIpfsIdStack.push('x'); }]) {
         try { f(); tries.push('changed'); } catch (e) { tries.push(e.constructor.name); }
       }
       Lit.Actions.setResponse({ response: JSON.stringify({ tries, auth: Lit.Auth, same: LitActions === Lit.Actions && LitAuth === Lit.Auth }) });`,
      null,
      undefined,
      {
        ipfsId: cid,
        auth: {
          authSigAddress: '0x' + 'ab'.repeat(20),
          authMethodContexts: [{ userId: 'u', appId: 'a', authMethodType: 6 }],
        },
      },
    );
    expect(JSON.parse(result.response ?? '')).toEqual({
      tries: ['TypeError', 'TypeError', 'TypeError', 'TypeError'],
      auth: {
        actionIpfsIdStack: [cid],
        authSigAddress: '0x' + 'ab'.repeat(20),
        authMethodContexts: [{ userId: 'u', appId: 'a', authMethodType: 6 }],
        resources: [],
        customAuthResource: '',
      },
      same: true,
    });
  });
});

describe('jsParams, console and the rest of the runtime', () => {
  it('jsParams keys become globals, deep-copied', async () => {
    const params = { number: 7, nested: { list: [1, 2, { deep: true }] }, text: 'hé' };
    const result = await run(
      `nested.list.push('added'); Lit.Actions.setResponse({ response: JSON.stringify([number, nested, text, jsParams.number]) })`,
      params,
    );
    expect(JSON.parse(result.response ?? '')).toEqual([7, { list: [1, 2, { deep: true }, 'added'] }, 'hé', 7]);
    expect(params.nested.list).toHaveLength(3);
  });

  it('jsParams cannot take the runtime names, and must be JSON', async () => {
    expect((await run('', { Lit: 1, fetch: 2 })).error).toEqual({
      kind: 'thrown',
      message: 'jsParams cannot set "Lit", "fetch": the name is taken by the Lit Action runtime',
    });
    expect((await run('', { big: 1n })).error?.message).toMatch(/^jsParams must be JSON data/);
    await expectHealthy();
  });

  it('console output is captured, one line per call', async () => {
    const result = await run(
      `console.log('hello', 42, { a: [1, 'two'], b: null }, undefined, 5n);
       console.error(new Error('oops').message);
       console.warn([new Uint8Array([1, 2])]);
       const cyclic = {}; cyclic.self = cyclic; console.info(cyclic);`,
    );
    expect(result.error).toBeUndefined();
    expect(result.logs).toBe(
      'hello 42 { a: [ 1, "two" ], b: null } undefined 5n\noops\n[ Uint8Array(2) [ 1, 2 ] ]\n{ self: [Circular] }\n',
    );
  });

  it('console output over 100 KB is a limit error; the logs keep the first 100 KB', async () => {
    const result = await run(`for (let i = 0; i < 2000; i++) console.log('x'.repeat(99));`);
    expect(result.error).toEqual({ kind: 'limit', message: 'console output is over the 100 KB log limit' });
    expect(result.logs.length).toBe(100 * 1024);
    await expectHealthy();
  });

  it('logs survive a timeout', async () => {
    const result = await run(`console.log('before the loop'); for (;;) {}`);
    expect(result.error?.kind).toBe('timeout');
    expect(result.logs).toBe('before the loop\n');
  });

  it('top-level await and return work (the code is the body of an async function)', async () => {
    const result = await run(
      `const v = await Promise.resolve(41); Lit.Actions.setResponse({ response: String(v + 1) }); return; Lit.Actions.setResponse({ response: 'no' });`,
    );
    expect(result.response).toBe('42');
  });

  it('chain reads and permission checks reach the bindings with validated arguments', async () => {
    const bindings = new RecordingBindings();
    const tokenId = tokenIdFromPubkey(publicKey);
    const cid = cidV0(PRIME_ACTION);
    bindings.permittedActions.set(tokenId, [cid]);
    bindings.nonce = '5';
    const result = await run(
      `const tokenId = Lit.Actions.pubkeyToTokenId({ publicKey });
       Lit.Actions.setResponse({ response: JSON.stringify({
         tokenId,
         permitted: await Lit.Actions.isPermittedAction({ tokenId, ipfsId: cid }),
         other: await Lit.Actions.isPermittedAction({ tokenId, ipfsId: '${cidV0('other')}' }),
         actions: await Lit.Actions.getPermittedActions({ tokenId }),
         nonce: await Lit.Actions.getLatestNonce({ address: '0x${'ab'.repeat(20)}', chain: 'litbox' }),
         address: await Lit.Actions.isPermittedAddress({ tokenId, address: '0x${'cd'.repeat(20)}' }),
         authMethod: await Lit.Actions.isPermittedAuthMethod({ tokenId, authMethodType: 6, userId: [1, 2] }),
         conditions: await Lit.Actions.checkConditions({ conditions: [{}], authSig: null, chain: 'litbox' }),
       }) });`,
      { publicKey, cid },
      bindings,
    );
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.response ?? '')).toEqual({
      tokenId: keccak256(publicKey),
      permitted: true,
      other: false,
      actions: [cid],
      nonce: '5',
      address: false,
      authMethod: false,
      conditions: true,
    });
    expect(BigInt(keccak256(publicKey))).toBe(tokenId);
    expect(bindings.callsOf('isPermittedAction')[0]).toEqual({ tokenId, ipfsId: cid });
    expect(bindings.callsOf('getLatestNonce')[0]).toEqual({
      address: '0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB',
      chain: 'litbox',
    });
    expect(bindings.callsOf('isPermittedAuthMethod')[0]).toEqual({
      tokenId,
      authMethodType: 6,
      userId: new Uint8Array([1, 2]),
    });
    const bad = await run(`await Lit.Actions.isPermittedAction({ tokenId: 'abc', ipfsId: 'Qm' })`);
    expect(bad.error?.message).toMatch(/tokenId must be a uint256/);
  });

  it('runOnce: the leader runs the function and shares its result; the others receive it', async () => {
    const code = `const r = await Lit.Actions.runOnce({ waitForResponse: true, name: 'tx' }, async () => 'sent:' + 1);
                  Lit.Actions.setResponse({ response: String(r) });`;
    const leader = new RecordingBindings();
    expect((await run(code, null, leader)).response).toBe('sent:1');
    expect(leader.broadcasts.get('tx')).toBe('sent:1');
    const follower = new RecordingBindings();
    follower.leader = false;
    follower.leaderResult = 'sent:1';
    expect((await run(code, null, follower)).response).toBe('sent:1');
    expect(follower.callsOf('runOnceCollect')).toEqual([{ name: 'tx' }]);
  });

  it('broadcastAndCollect returns every node value; decryptAndCombine passes its arguments to the node', async () => {
    const bindings = new RecordingBindings();
    bindings.otherNodesValues = ['b', 'c'];
    bindings.decryptedText = 'plain';
    const result = await run(
      `const all = await Lit.Actions.broadcastAndCollect({ name: 'n', value: 'a' });
       const d = await Lit.Actions.decryptAndCombine({ accessControlConditions: [], ciphertext: 'c', dataToEncryptHash: 'h', authSig: null, chain: 'litbox' });
       Lit.Actions.setResponse({ response: JSON.stringify({ all, d }) });`,
      null,
      bindings,
    );
    expect(JSON.parse(result.response ?? '')).toEqual({
      all: ['a', 'b', 'c'],
      d: 'plain',
    });
    expect(bindings.callsOf('decryptAndCombine')).toEqual([
      { accessControlConditions: [], ciphertext: 'c', dataToEncryptHash: 'h', authSig: null, chain: 'litbox' },
    ]);
  });

  it('setTimeout and clearTimeout work inside the run, and the run waits for pending timers', async () => {
    const result = await run(`
      const order = [];
      const cancelled = setTimeout(() => order.push('cancelled'), 5);
      clearTimeout(cancelled);
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('slept');
      setTimeout((a, b) => { order.push(a + b); Lit.Actions.setResponse({ response: order.join() }); }, 5, 'la', 'te');`);
    expect(result.error).toBeUndefined();
    expect(result.response).toBe('slept,late');
  });

  it('TextEncoder and TextDecoder (UTF-8) are there', async () => {
    const result = await run(
      `const bytes = new TextEncoder().encode('hé✓🔑'); Lit.Actions.setResponse({ response: bytes.length + ':' + new TextDecoder().decode(bytes) });`,
    );
    expect(result.response).toBe('10:hé✓🔑');
  });

  it('runs executions at the same time, each in its own runner process and context', async () => {
    const parallel = new ActionRunner({ maxRuns: 2, maxRunsPerRequester: 2, maxQueueWaitMs: 60_000 });
    try {
      await parallel.warmUp();
      let most = 0;
      const watch = setInterval(() => (most = Math.max(most, parallel.health().running)), 20);
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((i) =>
          parallel.execute({
            code: `globalThis.mine = n; await new Promise((r) => setTimeout(r, 300)); Lit.Actions.setResponse({ response: String(mine) });`,
            jsParams: { n: i },
            bindings: new RecordingBindings(),
          }),
        ),
      );
      clearInterval(watch);
      expect(results.map((r) => r.response)).toEqual(['1', '2', '3', '4', '5']);
      // Two at a time, in two runner processes.
      expect(most).toBe(2);
      expect(parallel.health().runnersStarted).toBeGreaterThanOrEqual(2);
    } finally {
      parallel.dispose();
    }
  });
});
