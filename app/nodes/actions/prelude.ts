// The JavaScript that runs first in every fresh sandbox context, before the action. It is
// compiled once per isolate (an ivm.Script) and run in each new context; its completion value
// is `setup(hostAsync, hostSync, payloadJson)`, which the runner calls once per execution to
// install the globals an action sees (Lit, LitActions, LitAuth, console, fetch, setTimeout,
// clearTimeout, TextEncoder, TextDecoder, jsParams and its keys, global) and the one-shot
// `__litboxRun` that the compiled action calls.
//
// Rules this code keeps (see README.md, "Isolation"):
// - Strict mode throughout: a strict function's frames give no `this`, no function object and
//   no `.caller`/`.arguments`, so stack-trace hooks cannot reach the host handles.
// - The host handles (an ivm.Reference for async calls, a plain function made by ivm.Callback
//   for sync calls) live only in this closure; no global, property or return value exposes them.
// - Intrinsics are captured before action code runs, and the transfer options given to
//   isolated-vm are frozen null-prototype objects, so an action that patches Object.prototype,
//   JSON or Promise cannot change how values cross to the host.
// - Every argument sent to the host is rebuilt here from named fields and copied by value;
//   the host validates it again and is the only judge.
// - Globals that escape the run's limits are removed: WebAssembly (its memories are not counted
//   by isolated-vm's memory limit), SharedArrayBuffer and Atomics.waitAsync (timers outside the
//   run), FinalizationRegistry (callbacks after the run).

export const PRELUDE_FILENAME = 'litbox-prelude.js';
export const ACTION_FILENAME = 'lit-action.js';
/** The global the compiled action calls; removed before the action's first line runs. */
export const RUN_HOOK = '__litboxRun';

/** Source of a compiled action: the code as the body of an async function (line numbers kept with lineOffset -1). */
export function wrapActionCode(code: string): string {
  return `${RUN_HOOK}(async () => {\n${code}\n})`;
}

export const PRELUDE_SOURCE = String.raw`'use strict';
(function () {
  const G = globalThis;
  const { defineProperty, freeze, keys, getOwnPropertyNames, isFrozen } = Object;
  const apply = Reflect.apply;
  const JSONParse = JSON.parse;
  const JSONStringify = JSON.stringify;
  const isArray = Array.isArray;
  const StringCtor = String;
  const NumberCtor = Number;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const PromiseCtor = Promise;
  const promiseThen = Promise.prototype.then;
  const Uint8ArrayCtor = Uint8Array;
  const ArrayBufferCtor = ArrayBuffer;
  const isView = ArrayBuffer.isView;
  const arrayBufferSlice = ArrayBuffer.prototype.slice;
  const fromCharCode = String.fromCharCode;
  const charCodeAt = String.prototype.charCodeAt;
  const stringSlice = String.prototype.slice;
  const toUpperCase = String.prototype.toUpperCase;
  const toLowerCase = String.prototype.toLowerCase;
  const arrayJoin = Array.prototype.join;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const mapHas = Map.prototype.has;
  const SymbolIterator = Symbol.iterator;
  const objectToString = Object.prototype.toString;

  delete G.WebAssembly;
  delete G.SharedArrayBuffer;
  delete G.FinalizationRegistry;
  if (typeof Atomics === 'object') delete Atomics.waitAsync;

  const TRANSFER = freeze({
    __proto__: null,
    arguments: freeze({ __proto__: null, copy: true }),
    result: freeze({ __proto__: null, copy: true, promise: true }),
  });

  // ---- UTF-8 (bare V8 has no TextEncoder) ----
  function utf8Encode(text) {
    const out = [];
    for (let i = 0; i < text.length; i++) {
      let c = apply(charCodeAt, text, [i]);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = apply(charCodeAt, text, [i + 1]);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out[out.length] = c;
      else if (c < 0x800) { out[out.length] = 0xc0 | (c >> 6); out[out.length] = 0x80 | (c & 63); }
      else if (c < 0x10000) {
        out[out.length] = 0xe0 | (c >> 12); out[out.length] = 0x80 | ((c >> 6) & 63); out[out.length] = 0x80 | (c & 63);
      } else {
        out[out.length] = 0xf0 | (c >> 18); out[out.length] = 0x80 | ((c >> 12) & 63);
        out[out.length] = 0x80 | ((c >> 6) & 63); out[out.length] = 0x80 | (c & 63);
      }
    }
    return new Uint8ArrayCtor(out);
  }

  function utf8Decode(bytes) {
    const parts = [];
    let units = [];
    const flush = () => { parts[parts.length] = apply(fromCharCode, null, units); units = []; };
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i];
      let c = 0xfffd;
      let n = 1;
      if (b < 0x80) c = b;
      else if (b >= 0xc2 && b < 0xe0 && i + 1 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80) {
        c = ((b & 31) << 6) | (bytes[i + 1] & 63); n = 2;
      } else if (b >= 0xe0 && b < 0xf0 && i + 2 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80) {
        const v = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
        if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) { c = v; n = 3; }
      } else if (b >= 0xf0 && b < 0xf5 && i + 3 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80 && (bytes[i + 3] & 0xc0) === 0x80) {
        const v = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63);
        if (v >= 0x10000 && v <= 0x10ffff) { c = v; n = 4; }
      }
      i += n;
      if (c >= 0x10000) {
        c -= 0x10000;
        units[units.length] = 0xd800 + (c >> 10);
        units[units.length] = 0xdc00 + (c & 1023);
      } else units[units.length] = c;
      if (units.length >= 8192) flush();
    }
    flush();
    return apply(arrayJoin, parts, ['']);
  }

  function toBytes(value, what) {
    if (isView(value)) return new Uint8ArrayCtor(apply(arrayBufferSlice, value.buffer, [value.byteOffset, value.byteOffset + value.byteLength]));
    if (value instanceof ArrayBufferCtor) return new Uint8ArrayCtor(apply(arrayBufferSlice, value, [0]));
    throw new TypeErrorCtor(what + ' must be an ArrayBuffer or a typed array');
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input) { return utf8Encode(input === undefined ? '' : StringCtor(input)); }
  }
  class TextDecoder {
    constructor(label) {
      const name = label === undefined ? 'utf-8' : apply(toLowerCase, StringCtor(label), []);
      if (name !== 'utf-8' && name !== 'utf8') throw new RangeErrorCtor('TextDecoder: only utf-8 is available here');
    }
    get encoding() { return 'utf-8'; }
    decode(input) { return input === undefined ? '' : utf8Decode(toBytes(input, 'TextDecoder.decode input')); }
  }

  // ---- console formatting ----
  function inspect(value, depth, seen) {
    try {
      if (value === null) return 'null';
      switch (typeof value) {
        case 'string': return depth === 0 ? value : JSONStringify(value);
        case 'number': case 'boolean': case 'undefined': return StringCtor(value);
        case 'bigint': return StringCtor(value) + 'n';
        case 'symbol': return apply(Symbol.prototype.toString, value, []);
        case 'function': return '[Function: ' + (value.name || 'anonymous') + ']';
      }
      if (value instanceof ErrorCtor) {
        const stack = value.stack;
        return typeof stack === 'string' && stack.length > 0 ? stack : StringCtor(value.name) + ': ' + StringCtor(value.message);
      }
      if (seen.length > 0 && seen.indexOf(value) >= 0) return '[Circular]';
      if (depth > 4) return isArray(value) ? '[Array]' : '[Object]';
      seen = seen.concat([value]);
      if (isView(value)) {
        const items = [];
        for (let i = 0; i < value.length && i < 64; i++) items[items.length] = StringCtor(value[i]);
        if (value.length > 64) items[items.length] = '... ' + (value.length - 64) + ' more';
        return apply(objectToString, value, []).slice(8, -1) + '(' + value.length + ') [ ' + apply(arrayJoin, items, [', ']) + ' ]';
      }
      if (isArray(value)) {
        const items = [];
        for (let i = 0; i < value.length && i < 100; i++) items[items.length] = inspect(value[i], depth + 1, seen);
        if (value.length > 100) items[items.length] = '... ' + (value.length - 100) + ' more items';
        return '[ ' + apply(arrayJoin, items, [', ']) + ' ]';
      }
      if (value instanceof MapCtor) {
        const items = [];
        value.forEach((v, k) => { items[items.length] = inspect(k, depth + 1, seen) + ' => ' + inspect(v, depth + 1, seen); });
        return 'Map(' + value.size + ') { ' + apply(arrayJoin, items, [', ']) + ' }';
      }
      const items = [];
      const names = keys(value);
      for (let i = 0; i < names.length && i < 100; i++) {
        const name = names[i];
        items[items.length] = (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSONStringify(name)) + ': ' + inspect(value[name], depth + 1, seen);
      }
      return items.length === 0 ? '{}' : '{ ' + apply(arrayJoin, items, [', ']) + ' }';
    } catch (e) {
      return '[object]';
    }
  }

  function formatLine(args) {
    const parts = [];
    for (let i = 0; i < args.length; i++) parts[parts.length] = inspect(args[i], 0, []);
    return apply(arrayJoin, parts, [' ']);
  }

  function describeError(error) {
    try {
      if (error instanceof ErrorCtor || (error !== null && typeof error === 'object' && typeof error.message === 'string')) {
        const name = typeof error.name === 'string' ? error.name : 'Error';
        const message = name + ': ' + StringCtor(error.message);
        const stack = typeof error.stack === 'string' ? apply(stringSlice, error.stack, [0, 8192]) : undefined;
        return { ok: false, message: apply(stringSlice, message, [0, 8192]), stack };
      }
      return { ok: false, message: apply(stringSlice, 'Uncaught ' + inspect(error, 1, []), [0, 8192]) };
    } catch (e) {
      return { ok: false, message: 'Uncaught exception (it could not be described)' };
    }
  }

  // Arguments for the host become fresh plain data here, in strict code, before any call into
  // isolated-vm: getters, proxies' traps and toJSON run now (as the action's own code), never
  // while an isolated-vm call is on the stack, and what is copied has only own data properties.
  // Their size is bounded too: a copy lands in the node's own heap, outside the isolate's
  // memory limit, so a 200 MB string must not cross.
  const MAX_ARGUMENT_UNITS = 16 * 1024 * 1024;
  function spend(budget, units) {
    budget.left -= units;
    if (budget.left < 0) throw new TypeErrorCtor('the value is larger than 16 MB');
  }
  function toPlain(value, depth, budget) {
    if (value === null || value === undefined) return value;
    const type = typeof value;
    if (type === 'string') { spend(budget, value.length); return value; }
    if (type === 'number' || type === 'boolean') { spend(budget, 8); return value; }
    if (type === 'bigint') return toPlain(StringCtor(value), depth, budget);
    if (type !== 'object') throw new TypeErrorCtor('a ' + type + ' cannot be passed to the runtime');
    if (depth > 32) throw new TypeErrorCtor('the value is nested more than 32 levels deep');
    if (isView(value)) {
      const tag = apply(objectToString, value, []);
      spend(budget, tag === '[object DataView]' ? value.byteLength : value.length * 8);
      if (tag === '[object Uint8Array]') return new Uint8ArrayCtor(value);
      if (tag === '[object DataView]') return toBytes(value, 'a DataView');
      const out = [];
      for (let i = 0; i < value.length; i++) out[i] = value[i];
      return out;
    }
    if (value instanceof ArrayBufferCtor) {
      const bytes = toBytes(value, 'an ArrayBuffer');
      spend(budget, bytes.length);
      return bytes;
    }
    if (isArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i++) { spend(budget, 8); out[i] = toPlain(value[i], depth + 1, budget); }
      return out;
    }
    const out = {};
    const names = keys(value);
    for (let i = 0; i < names.length; i++) {
      spend(budget, 8 + names[i].length);
      defineProperty(out, names[i], { value: toPlain(value[names[i]], depth + 1, budget), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  function plainArgument(method, arg) {
    try {
      return toPlain(arg, 0, { left: MAX_ARGUMENT_UNITS });
    } catch (error) {
      const where = method === 'fetch' ? 'fetch' : 'Lit.Actions.' + method;
      throw new TypeErrorCtor(where + ': ' + (error instanceof ErrorCtor ? error.message : 'the argument cannot be passed'));
    }
  }

  function deepFreeze(value) {
    if (value !== null && typeof value === 'object' && !isFrozen(value)) {
      freeze(value);
      const names = getOwnPropertyNames(value);
      for (let i = 0; i < names.length; i++) deepFreeze(value[names[i]]);
    }
    return value;
  }

  // Bound once per execution by setup(); everything else below is made when the context is
  // prepared, in the background, before the request arrives.
  let hostAsync = null;
  let refApply = null;
  let hostSync = null;
  let limits = null;

  let pending = 0;
  let started = 0;
  let idleWaiters = [];
  let timerFailure = null;

  function failWith(reply) {
    return new ErrorCtor(reply.message);
  }

  function callSync(method, arg) {
    const reply = hostSync(method, plainArgument(method, arg));
    if (!reply.ok) throw failWith(reply);
    return reply.value;
  }

  async function callAsync(method, arg) {
    const plain = plainArgument(method, arg);
    pending++;
    started++;
    let reply;
    try {
      reply = await apply(refApply, hostAsync, [undefined, [method, plain], TRANSFER]);
    } finally {
      pending--;
      if (pending === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (let i = 0; i < waiters.length; i++) waiters[i]();
      }
    }
    if (!reply.ok) throw failWith(reply);
    return reply.value;
  }

  // Waits, like Deno's event loop, until no host call or timer is outstanding; a round trip
  // through the host ("tick") lets every queued continuation run before the last check.
  async function drain() {
    for (;;) {
      if (pending > 0) {
        await new PromiseCtor((resolve) => { idleWaiters[idleWaiters.length] = resolve; });
        continue;
      }
      if (started === 0) return;
      const before = started;
      await callAsync('tick', null);
      if (pending === 0 && started === before + 1) return;
    }
  }

  function argsOf(name, args) {
    if (args === null || typeof args !== 'object') {
      throw new TypeErrorCtor('Lit.Actions.' + name + ' takes one object argument, e.g. Lit.Actions.' + name + '({ ... })');
    }
    return args;
  }

  // ---- console ----
  function logger(level) {
    return function () {
      let line = formatLine(arguments);
      if (line.length > limits.maxLogBytes) line = apply(stringSlice, line, [0, limits.maxLogBytes + 1]);
      callSync('log', [level, line]);
    };
  }
  const consoleObject = {};
  const levels = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
  for (let i = 0; i < levels.length; i++) consoleObject[levels[i]] = logger(levels[i]);

  // ---- fetch ----
  function headerPairs(headers) {
    const out = [];
    if (headers === undefined || headers === null) return out;
    if (isArray(headers)) {
      for (let i = 0; i < headers.length; i++) out[out.length] = [StringCtor(headers[i][0]), StringCtor(headers[i][1])];
    } else if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
      headers.forEach((value, name) => { out[out.length] = [StringCtor(name), StringCtor(value)]; });
    } else {
      const names = keys(headers);
      for (let i = 0; i < names.length; i++) out[out.length] = [names[i], StringCtor(headers[names[i]])];
    }
    return out;
  }

  function makeHeaders(pairs) {
    const map = new MapCtor();
    for (let i = 0; i < pairs.length; i++) {
      const name = apply(toLowerCase, pairs[i][0], []);
      const previous = apply(mapGet, map, [name]);
      apply(mapSet, map, [name, previous === undefined ? pairs[i][1] : previous + ', ' + pairs[i][1]]);
    }
    const norm = (name) => apply(toLowerCase, StringCtor(name), []);
    const headers = {
      get(name) { const v = apply(mapGet, map, [norm(name)]); return v === undefined ? null : v; },
      has(name) { return apply(mapHas, map, [norm(name)]); },
      forEach(callback, thisArg) { map.forEach((value, name) => apply(callback, thisArg, [value, name, headers])); },
      entries() { return map.entries(); },
      keys() { return map.keys(); },
      values() { return map.values(); },
    };
    headers[SymbolIterator] = () => map.entries();
    return headers;
  }

  async function fetch(resource, init) {
    let url;
    if (typeof resource === 'string') url = resource;
    else if (resource !== null && typeof resource === 'object' && typeof resource.url === 'string') url = resource.url;
    else url = StringCtor(resource);
    const options = init === undefined || init === null ? {} : init;
    const method = options.method === undefined ? 'GET' : apply(toUpperCase, StringCtor(options.method), []);
    const headers = headerPairs(options.headers);
    let body = options.body;
    if (body === undefined || body === null) body = undefined;
    else if (typeof body !== 'string') body = isView(body) || body instanceof ArrayBufferCtor ? toBytes(body, 'fetch body') : StringCtor(body);
    const reply = await callAsync('fetch', { url, method, headers, body });
    let used = false;
    const consume = () => {
      if (used) throw new TypeErrorCtor('Body has already been consumed');
      used = true;
      return reply.body;
    };
    return {
      ok: reply.status >= 200 && reply.status < 300,
      status: reply.status,
      statusText: reply.statusText,
      url: reply.url,
      redirected: reply.redirected === true,
      headers: makeHeaders(reply.headers),
      get bodyUsed() { return used; },
      async text() { return utf8Decode(consume()); },
      async json() { return JSONParse(utf8Decode(consume())); },
      async arrayBuffer() { const b = consume(); return apply(arrayBufferSlice, b.buffer, [b.byteOffset, b.byteOffset + b.byteLength]); },
      async bytes() { return new Uint8ArrayCtor(consume()); },
    };
  }

  // ---- timers (each one a host call, so the run waits for them and they end with it) ----
  const timers = new MapCtor();
  let nextTimer = 1;
  function setTimeout(callback, delay) {
    if (typeof callback !== 'function') throw new TypeErrorCtor('setTimeout: the callback must be a function');
    const extra = [];
    for (let i = 2; i < arguments.length; i++) extra[extra.length] = arguments[i];
    const id = nextTimer++;
    apply(mapSet, timers, [id, true]);
    const ms = NumberCtor(delay);
    apply(promiseThen, callAsync('sleep', { id, ms: ms > 0 ? ms : 0 }), [
      (fired) => {
        if (!fired || !apply(mapDelete, timers, [id])) return;
        try {
          apply(callback, undefined, extra);
        } catch (error) {
          if (timerFailure === null) timerFailure = { error };
        }
      },
      () => undefined,
    ]);
    return id;
  }
  function clearTimeout(id) {
    if (apply(mapDelete, timers, [id])) callSync('clearTimeout', id);
  }

  // ---- Lit.Actions ----
  const actions = {
    async signEcdsa(args) {
      const { toSign, publicKey, sigName } = argsOf('signEcdsa', args);
      return callAsync('signEcdsa', { toSign, publicKey, sigName });
    },
    async ethPersonalSignMessageEcdsa(args) {
      const { message, publicKey, sigName } = argsOf('ethPersonalSignMessageEcdsa', args);
      return callAsync('ethPersonalSignMessageEcdsa', { message, publicKey, sigName });
    },
    setResponse(args) {
      const { response } = argsOf('setResponse', args);
      if (typeof response === 'string' && response.length > limits.maxResponseBytes) {
        callSync('limit', 'Response is too long. Max length is ' + limits.maxResponseBytes + ' bytes; got ' + response.length + ' characters');
      }
      callSync('setResponse', response);
    },
    async getLatestNonce(args) {
      const { address, chain } = argsOf('getLatestNonce', args);
      return callAsync('getLatestNonce', { address, chain });
    },
    pubkeyToTokenId(args) {
      const { publicKey } = argsOf('pubkeyToTokenId', args);
      return callSync('pubkeyToTokenId', publicKey);
    },
    async isPermittedAction(args) {
      const { tokenId, ipfsId } = argsOf('isPermittedAction', args);
      return callAsync('isPermittedAction', { tokenId, ipfsId });
    },
    async isPermittedAddress(args) {
      const { tokenId, address } = argsOf('isPermittedAddress', args);
      return callAsync('isPermittedAddress', { tokenId, address });
    },
    async isPermittedAuthMethod(args) {
      const { tokenId, authMethodType, userId } = argsOf('isPermittedAuthMethod', args);
      return callAsync('isPermittedAuthMethod', { tokenId, authMethodType, userId });
    },
    async getPermittedActions(args) {
      const { tokenId } = argsOf('getPermittedActions', args);
      return callAsync('getPermittedActions', { tokenId });
    },
    async getPermittedAddresses(args) {
      const { tokenId } = argsOf('getPermittedAddresses', args);
      return callAsync('getPermittedAddresses', { tokenId });
    },
    async getPermittedAuthMethods(args) {
      const { tokenId } = argsOf('getPermittedAuthMethods', args);
      return callAsync('getPermittedAuthMethods', { tokenId });
    },
    async checkConditions(args) {
      const { conditions, authSig, chain } = argsOf('checkConditions', args);
      return callAsync('checkConditions', { conditions, authSig, chain });
    },
    async runOnce(args, fn) {
      const { waitForResponse, name } = argsOf('runOnce', args);
      if (typeof fn !== 'function') throw new TypeErrorCtor('Lit.Actions.runOnce: the second argument must be an async function');
      const key = name === undefined || name === null ? 'default_bc_id' : StringCtor(name);
      const leader = await callAsync('runOnceIsLeader', { name: key });
      if (leader) {
        let response;
        try {
          response = await fn();
        } catch (error) {
          consoleObject.error('Error running function:', error);
          response = '[ERROR]';
        }
        response = response === undefined || response === null ? '' : StringCtor(response);
        if (waitForResponse) await callAsync('runOnceBroadcast', { name: key, value: response });
        return response;
      }
      if (waitForResponse) return callAsync('runOnceCollect', { name: key });
      return undefined;
    },
    async broadcastAndCollect(args) {
      const { name, value } = argsOf('broadcastAndCollect', args);
      return callAsync('broadcastAndCollect', { name, value });
    },
    async decryptAndCombine(args) {
      const { accessControlConditions, ciphertext, dataToEncryptHash, authSig, chain } = argsOf('decryptAndCombine', args);
      return callAsync('decryptAndCombine', { accessControlConditions, ciphertext, dataToEncryptHash, authSig, chain });
    },
  };
  freeze(actions);

  const readOnly = (value) => ({ value, enumerable: false, writable: false, configurable: false });
  const writable = (value) => ({ value, enumerable: false, writable: true, configurable: true });
  defineProperty(G, 'LitActions', readOnly(actions));
  defineProperty(G, 'console', writable(consoleObject));
  defineProperty(G, 'fetch', writable(fetch));
  defineProperty(G, 'setTimeout', writable(setTimeout));
  defineProperty(G, 'clearTimeout', writable(clearTimeout));
  defineProperty(G, 'TextEncoder', writable(TextEncoder));
  defineProperty(G, 'TextDecoder', writable(TextDecoder));
  defineProperty(G, 'global', writable(G));

  return function setup(hostAsyncHandle, hostSyncFunction, payloadJson) {
    if (hostAsync !== null) throw new ErrorCtor('the sandbox is already bound to a run');
    hostAsync = hostAsyncHandle;
    refApply = hostAsyncHandle.apply;
    hostSync = hostSyncFunction;
    const payload = JSONParse(payloadJson);
    limits = payload.limits;
    const auth = deepFreeze(payload.auth);
    defineProperty(G, 'Lit', readOnly(freeze({ Actions: actions, Auth: auth })));
    defineProperty(G, 'LitAuth', readOnly(auth));

    const params = payload.params;
    defineProperty(G, 'jsParams', writable(params === null ? {} : params));
    if (params !== null) {
      const names = keys(params);
      for (let i = 0; i < names.length; i++) {
        defineProperty(G, names[i], { value: params[names[i]], enumerable: true, writable: true, configurable: true });
      }
    }

    let ran = false;
    defineProperty(G, '${RUN_HOOK}', {
      configurable: true,
      enumerable: false,
      writable: false,
      value: function run(action) {
        delete G['${RUN_HOOK}'];
        if (ran) throw new ErrorCtor('the action can only be started once');
        ran = true;
        return (async () => {
          try {
            await action();
            await drain();
          } catch (error) {
            return describeError(error);
          }
          if (timerFailure !== null) return describeError(timerFailure.error);
          return { ok: true };
        })();
      },
    });
  };
})()
`;
