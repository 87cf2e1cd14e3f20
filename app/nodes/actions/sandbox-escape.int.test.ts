// Known ways out of a JavaScript sandbox, tried against the Lit Action runtime on real
// isolated-vm: constructor chains to the host realm, abuse of what Lit.Actions hands over,
// prototype pollution, proxies, promise and timer tricks, and exhaustion of CPU, memory, stack
// and string space. Each must stay inside the action (the host sees only validated copies) and
// leave the runner able to run the next action normally.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRunner, type ActionResult } from './index.ts';
import { RecordingBindings } from './recording-bindings.ts';

const TIMEOUT_MS = 500;
const publicKey = `0x${bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false))}`;
let runner: ActionRunner;

beforeAll(async () => {
  runner = new ActionRunner({ limits: { timeoutMs: TIMEOUT_MS, memoryLimitMb: 64 }, maxRuns: 1 });
  await runner.warmUp();
});
afterAll(() => runner.dispose());

function run(code: string, bindings = new RecordingBindings(), jsParams: Record<string, unknown> | null = null) {
  return runner.execute({ code, jsParams, bindings });
}

/** The action's response, parsed; fails the test with the action's error if it had one. */
async function answer(code: string, bindings = new RecordingBindings()): Promise<unknown> {
  const result = await run(code, bindings);
  expect(result.error, result.error?.message).toBeUndefined();
  return JSON.parse(result.response ?? 'null');
}

/** After each attack: an ordinary action still runs, signs and answers. */
async function expectHealthy(): Promise<void> {
  const bindings = new RecordingBindings();
  const result = await run(
    `await Lit.Actions.signEcdsa({ toSign: new Array(32).fill(7), publicKey: ${JSON.stringify(publicKey)}, sigName: 'ok' });
     Lit.Actions.setResponse({ response: 'healthy ' + typeof process });`,
    bindings,
  );
  expect(result.error).toBeUndefined();
  expect(result.response).toBe('healthy undefined');
  expect(result.signRequests).toHaveLength(1);
}

/** What an attempt reports from inside: [typeof process, typeof require, whether the global is a Node global]. */
const PROBE = `'return [typeof process, typeof require, typeof module, typeof globalThis.Buffer, typeof globalThis.setImmediate].join()'`;
const NOTHING = 'undefined,undefined,undefined,undefined,undefined';

describe('constructor chains lead back into the sandbox, never to the node', () => {
  it('from every kind of function and object the runtime hands over', async () => {
    const result = await answer(`
      const reached = {};
      const pending = [];
      const tryChain = (name, make) => {
        pending.push((async () => {
          try {
            // Async functions give a promise, async generators an iterator: follow them to the value.
            let value = make()();
            if (value && typeof value.next === 'function') value = (await value.next()).value;
            reached[name] = await value;
          } catch (e) { reached[name] = 'threw ' + e.constructor.name; }
        })());
      };
      const F = (fn) => fn.constructor.constructor(${PROBE});
      tryChain('this', () => this.constructor.constructor(${PROBE}));
      tryChain('Lit.Actions.signEcdsa', () => Lit.Actions.signEcdsa.constructor(${PROBE}));
      tryChain('Lit.Actions.setResponse', () => F(Lit.Actions.setResponse));
      tryChain('console.log', () => F(console.log));
      tryChain('fetch', () => F(fetch));
      tryChain('setTimeout', () => F(setTimeout));
      tryChain('Lit.Auth', () => Lit.Auth.constructor.constructor(${PROBE}));
      tryChain('a returned promise', () => {
        const p = Lit.Actions.getPermittedActions({ tokenId: '1' });
        p.catch(() => {});
        return p.constructor.constructor(${PROBE});
      });
      const permitted = await Lit.Actions.getPermittedActions({ tokenId: '1' });
      tryChain('a returned array', () => permitted.constructor.constructor(${PROBE}));
      let thrown;
      try { Lit.Actions.pubkeyToTokenId({ publicKey: 'nope' }); } catch (e) { thrown = e; }
      tryChain('an error thrown by the runtime', () => thrown.constructor.constructor(${PROBE}));
      tryChain('async generator', () => Object.getPrototypeOf(async function* () {}).constructor(${PROBE}));
      tryChain('eval', () => () => eval('[typeof process, typeof require].join()'));
      tryChain('indirect eval', () => () => (0, eval)('[typeof process, typeof require].join()'));
      tryChain('Function.prototype.toString', () => () => Lit.Actions.signEcdsa.toString().length > 0 ? 'source only' : '');
      await Promise.all(pending);
      Lit.Actions.setResponse({ response: JSON.stringify(reached) });`);
    const reached = result as Record<string, string>;
    expect(Object.keys(reached).length).toBeGreaterThanOrEqual(14);
    for (const [name, value] of Object.entries(reached)) {
      expect(value, name).not.toMatch(/object|function/);
      expect(value, name).not.toContain('process');
    }
    expect(reached.this).toBe(NOTHING);
    expect(reached['Lit.Actions.signEcdsa']).toBe(NOTHING);
    expect(reached['async generator']).toBe(NOTHING);
    expect(reached['an error thrown by the runtime']).toBe(NOTHING);
    expect(reached['indirect eval']).toBe('undefined,undefined');
    await expectHealthy();
  });

  it('the stack of an error from a host call names no host file, and gives no host frames', async () => {
    const result = (await answer(`
      Error.prepareStackTrace = (e, sites) => sites.map((s) => [String(s.getFileName()), typeof s.getThis(), typeof s.getFunction()]);
      const stacks = [];
      for (const call of [
        () => Lit.Actions.getLatestNonce({ address: 5, chain: 'x' }),
        () => Lit.Actions.signEcdsa({ toSign: [1], publicKey: 'x', sigName: 'y' }),
        () => fetch('https://nowhere.example/'),
      ]) {
        try { await call(); } catch (e) { stacks.push(e.stack); }
      }
      Error.prepareStackTrace = undefined;
      Lit.Actions.setResponse({ response: JSON.stringify(stacks) });`)) as [string, string, string][][];
    expect(result).toHaveLength(3);
    const files = new Set(result.flat().map((frame) => frame[0]));
    for (const file of files) expect(file).toMatch(/^(lit-action\.js|litbox-prelude\.js|undefined|null)$/);
    // Frames outside the action's own code show neither a receiver nor a function object.
    for (const frame of result.flat().filter((f) => f[0] !== 'lit-action.js'))
      expect(frame.slice(1)).toEqual(['undefined', 'undefined']);
    await expectHealthy();
  });
});

describe("the references Lit.Actions holds can't be turned against the node", () => {
  it('replacing Function.prototype.call/apply, Reflect and JSON does not change what reaches the host', async () => {
    const bindings = new RecordingBindings();
    const result = await run(
      `Function.prototype.call = Function.prototype.apply = function () { throw new Error('hijacked call'); };
       Reflect.apply = () => { throw new Error('hijacked Reflect'); };
       JSON.stringify = () => '"hijacked"';
       JSON.parse = () => ({ ok: true, value: 'hijacked' });
       Object.defineProperty(Object.prototype, 'copy', { get() { throw new Error('read copy'); }, configurable: true });
       Object.defineProperty(Object.prototype, 'result', { get() { throw new Error('read result'); }, configurable: true });
       await Lit.Actions.signEcdsa({ toSign: new Array(32).fill(3), publicKey: ${JSON.stringify(publicKey)}, sigName: 's' });
       Lit.Actions.setResponse({ response: 'still fine' });`,
      bindings,
    );
    expect(result.error).toBeUndefined();
    expect(result.response).toBe('still fine');
    expect(result.signRequests).toHaveLength(1);
    expect(Array.from(result.signRequests[0]!.toSign)).toEqual(new Array(32).fill(3));
    await expectHealthy();
  });

  it('a proxy or getter that changes its answer between reads cannot slip a value past validation', async () => {
    const bindings = new RecordingBindings();
    const result = await run(
      `let reads = 0;
       const toSign = new Proxy(new Array(32).fill(9), {
         get(target, key) { if (key === 'length') reads++; return key === 'length' && reads > 1 ? 10000 : Reflect.get(target, key); },
       });
       const args = { get toSign() { return toSign; }, publicKey: ${JSON.stringify(publicKey)}, get sigName() { reads++; return reads > 3 ? { evil: true } : 'flip'; } };
       try { await Lit.Actions.signEcdsa(args); } catch (e) { Lit.Actions.setResponse({ response: e.message }); }`,
      bindings,
    );
    expect(result.error).toBeUndefined();
    // Whatever the getters said, what the host checked is what it kept: one consistent copy.
    for (const request of result.signRequests) {
      expect(request.toSign).toHaveLength(32);
      expect(typeof request.sigName).toBe('string');
    }
    for (const call of bindings.callsOf('signEcdsa') as { toSign: Uint8Array; sigName: unknown }[]) {
      expect(call.toSign).toHaveLength(32);
      expect(typeof call.sigName).toBe('string');
    }
    await expectHealthy();
  });

  it('functions, symbols, cycles, throwing getters and 100 000 levels of nesting are refused before they cross', async () => {
    const bindings = new RecordingBindings();
    const result = (await answer(
      `const cyclic = {}; cyclic.self = cyclic;
       let deep = {}; for (let i = 0; i < 100000; i++) deep = { deep };
       const attempts = {
         fn: { address: () => process, chain: 'x' },
         symbol: { address: Symbol('s'), chain: 'x' },
         cycle: { address: cyclic, chain: 'x' },
         deep: { address: deep, chain: 'x' },
         getterThrows: { get address() { throw new Error('getter'); }, chain: 'x' },
         proxyTraps: new Proxy({}, { ownKeys() { throw new Error('ownKeys'); }, get() { throw new Error('get'); } }),
       };
       const out = {};
       for (const [name, arg] of Object.entries(attempts)) {
         try { await Lit.Actions.getLatestNonce(arg); out[name] = 'crossed'; } catch (e) { out[name] = e.message; }
       }
       Lit.Actions.setResponse({ response: JSON.stringify(out) });`,
      bindings,
    )) as Record<string, string>;
    expect(result).toEqual({
      fn: 'Lit.Actions.getLatestNonce: a function cannot be passed to the runtime',
      symbol: 'Lit.Actions.getLatestNonce: a symbol cannot be passed to the runtime',
      cycle: 'Lit.Actions.getLatestNonce: the value is nested more than 32 levels deep',
      deep: 'Lit.Actions.getLatestNonce: the value is nested more than 32 levels deep',
      getterThrows: 'getter',
      proxyTraps: 'get',
    });
    expect(bindings.callsOf('getLatestNonce')).toEqual([]);
    await expectHealthy();
  });

  it('an argument larger than 16 MB never reaches the node (a copy would land outside the memory limit)', async () => {
    const big = new ActionRunner({ limits: { timeoutMs: 5_000, memoryLimitMb: 160 }, maxRuns: 1 });
    try {
      const bindings = new RecordingBindings();
      const result = await big.execute({
        code: `const huge = 'x'.repeat(40 * 1024 * 1024);
               const out = [];
               for (const call of [
                 () => Lit.Actions.getLatestNonce({ address: huge, chain: 'x' }),
                 () => fetch('https://api.example.com/v1/', { method: 'POST', body: huge }),
                 () => Lit.Actions.checkConditions({ conditions: [huge], authSig: null, chain: 'x' }),
                 () => Lit.Actions.getLatestNonce({ address: new Array(3e6).fill(1), chain: 'x' }),
               ]) { try { await call(); out.push('crossed'); } catch (e) { out.push(e.message); } }
               Lit.Actions.setResponse({ response: JSON.stringify(out) });`,
        bindings,
      });
      expect(result.error).toBeUndefined();
      expect(JSON.parse(result.response!)).toEqual([
        'Lit.Actions.getLatestNonce: the value is larger than 16 MB',
        'fetch: the value is larger than 16 MB',
        'Lit.Actions.checkConditions: the value is larger than 16 MB',
        'Lit.Actions.getLatestNonce: the value is larger than 16 MB',
      ]);
      expect(bindings.calls).toEqual([]);
    } finally {
      big.dispose();
    }
  });
});

describe('prototype pollution stays in the action', () => {
  it('polluted built-ins do not change validation, replies or the next run', async () => {
    const bindings = new RecordingBindings();
    bindings.permittedActions.set(1n, ['QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j']);
    const polluted = await run(
      `Array.prototype[Symbol.iterator] = function* () { yield 'forged'; };
       Uint8Array.prototype.slice = () => new Uint8Array(32);
       Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'length', { get() { return 32; } });
       String.prototype.startsWith = () => true;
       RegExp.prototype.test = () => true;
       Symbol.prototype.toString = () => 'forged';
       Object.prototype.ok = true;
       Object.prototype.value = 'forged';
       Object.prototype.message = 'forged';
       const results = [];
       try { await Lit.Actions.signEcdsa({ toSign: new Uint8Array(5), publicKey: 'not a key', sigName: 'x' }); results.push('signed'); } catch (e) { results.push(e.message); }
       results.push(JSON.stringify(await Lit.Actions.getPermittedActions({ tokenId: '1' })));
       Lit.Actions.setResponse({ response: JSON.stringify(results) });`,
      bindings,
    );
    expect(polluted.error).toBeUndefined();
    const [signed, permitted] = JSON.parse(polluted.response!) as string[];
    expect(signed).toMatch(/toSign must be exactly 32 bytes|publicKey must be/);
    expect(permitted).toContain('QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j');
    expect(polluted.signRequests).toEqual([]);
    // The next run in the same isolate has clean built-ins.
    expect(
      await answer(
        `Lit.Actions.setResponse({ response: JSON.stringify([({}).ok, [1, 2].length, 'a'.startsWith('b'), /x/.test('y')]) })`,
      ),
    ).toEqual([null, 2, false, false]);
    await expectHealthy();
  });

  it('a thenable hijack lets an action lie only to itself: the host still refuses the signature', async () => {
    const bindings = new RecordingBindings();
    const result = await run(
      `const realThen = Promise.prototype.then;
       Object.prototype.then = function (resolve) { delete Object.prototype.then; resolve({ ok: true, value: null }); };
       let view;
       try { await Lit.Actions.signEcdsa({ toSign: [1, 2, 3], publicKey: 'bogus', sigName: 'x' }); view = 'the action thinks it signed'; }
       catch (e) { view = e.message; }
       Lit.Actions.setResponse({ response: String(view) });`,
      bindings,
    );
    expect(result.signRequests).toEqual([]);
    expect(bindings.callsOf('signEcdsa')).toEqual([]);
    await expectHealthy();
  });
});

describe('promise and timer tricks end with the run', () => {
  it('a timer far in the future, a timer loop and a microtask flood all end at the timeout', async () => {
    for (const code of [
      'setTimeout(() => {}, 1e10);',
      'const again = () => setTimeout(again, 0); again();',
      'const flood = () => Promise.resolve().then(flood); flood(); await new Promise(() => {});',
      'const spin = async () => { for (;;) await null; }; spin(); await new Promise(() => {});',
    ]) {
      const started = performance.now();
      const result = await run(code);
      expect(result.error?.kind, code).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_500);
      await expectHealthy();
    }
  });

  it('a callback left behind cannot run after its run: cleared timers, a kept host function, a late promise', async () => {
    const bindings = new RecordingBindings();
    const result = await run(
      `const id = setTimeout(() => Lit.Actions.setResponse({ response: 'cleared timer ran' }), 50);
       clearTimeout(id);
       globalThis.kept = Lit.Actions.setResponse;
       Promise.resolve().then(() => Promise.resolve()).then(() => Lit.Actions.setResponse({ response: 'in time' }));`,
      bindings,
    );
    expect(result.error).toBeUndefined();
    expect(result.response).toBe('in time');
    await new Promise((r) => setTimeout(r, 100));
    // The next run starts in a fresh context: nothing of the last one is there to call.
    expect(await answer(`Lit.Actions.setResponse({ response: JSON.stringify(typeof kept) })`)).toBe('undefined');
    await expectHealthy();
  });
});

describe('exhaustion is contained', () => {
  it('CPU: a busy loop and catastrophic regex backtracking end at the timeout', async () => {
    for (const code of [
      'for (;;) {}',
      "/^(a+)+$/.test('a'.repeat(40) + 'b');",
      'while (true) { Math.sqrt(Math.random()); }',
    ]) {
      const started = performance.now();
      const result = await run(code);
      expect(result.error?.kind, code).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_500);
      await expectHealthy();
    }
  });

  it('memory: arrays, strings, maps and typed arrays end at the memory limit or with a RangeError', async () => {
    for (const code of [
      'const keep = []; for (;;) keep.push({ a: Math.random(), b: [1, 2, 3] });',
      "let s = 'ab'; const keep = []; for (;;) { s = s + s.slice(0, 1000) + Math.random(); keep.push(s); }",
      'const m = new Map(); for (let i = 0; ; i++) m.set(i, String(i).repeat(10));',
      'const keep = []; for (;;) keep.push(new Float64Array(1 << 20));',
    ]) {
      const result = await run(code);
      expect(['memory', 'thrown', 'timeout'], `${code}: ${result.error?.message}`).toContain(result.error?.kind);
      if (result.error?.kind === 'thrown') expect(result.error.message).toMatch(/RangeError|allocation failed/);
      await expectHealthy();
    }
  });

  it('deep recursion: a stack overflow is a RangeError for the action, sync and inside a host-call argument', async () => {
    expect((await run('const f = (n) => f(n + 1) + 1; f(0);')).error?.message).toMatch(
      /RangeError: Maximum call stack size exceeded/,
    );
    const viaGetter = await run(
      `const f = () => f(); await Lit.Actions.getLatestNonce({ get address() { return f(); }, chain: 'x' });`,
    );
    expect(viaGetter.error?.message).toMatch(/Maximum call stack size exceeded/);
    const inToString = await run(`const o = { toString() { return String(o); } }; console.log(String(o));`);
    expect(inToString.error?.message).toMatch(/Maximum call stack size exceeded/);
    await expectHealthy();
  });

  it('huge strings: the longest string V8 allows, and over-long logs and responses, end cleanly', async () => {
    const longest = await run("'x'.repeat(2 ** 30)");
    expect(longest.error?.kind).toMatch(/thrown|memory/);
    if (longest.error?.kind === 'thrown') expect(longest.error.message).toMatch(/Invalid string length|RangeError/);
    await expectHealthy();
    const logs = await run("for (let i = 0; i < 1000; i++) console.log('y'.repeat(10000));");
    expect(logs.error?.kind).toBe('limit');
    expect(logs.logs.length).toBeLessThanOrEqual(100 * 1024 + 100);
    const response = await run("Lit.Actions.setResponse({ response: 'z'.repeat(20 * 1024 * 1024) })");
    expect(response.error?.kind).toBe('limit');
    await expectHealthy();
  });

  it('deeply nested jsParams are refused with a clear error', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { deep };
    const result: ActionResult = await run('return 1', new RecordingBindings(), { deep });
    expect(result.error?.message).toMatch(/jsParams must be JSON data|could not be set up/);
    await expectHealthy();
  });

  it('after every attack the runner still works, having replaced only isolates that had to go', () => {
    expect(runner.stats.executions).toBeGreaterThan(30);
    // One live isolate per live runner process (the one running and the warm spare).
    expect(runner.stats.isolatesCreated - runner.stats.isolatesDisposed).toBeLessThanOrEqual(
      runner.health().runnersAlive,
    );
    expect(runner.health().stuck).toBe(false);
  });
});
