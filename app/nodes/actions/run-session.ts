// The host side of one execution: every call the sandbox makes arrives here, is validated,
// counted against the run's limits and, when it touches the outside, handed to the node's
// ActionBindings. It also holds what the run produced (response, logs, sign requests).
// Nothing here trusts the sandbox: arguments are copies, checked field by field; replies are
// plain data; after close() every call is refused.
import { Buffer } from 'node:buffer';
import { getBytes, keccak256 } from 'ethers';
import { checkFetchUrl, type AllowList } from './fetch-allow-list.ts';
import { formatBytes, type ActionLimits } from './limits.ts';
import type { ActionBindings, ActionFetchResponse, ActionSignRequest } from './types.ts';
import {
  ActionInputError,
  describe,
  isUint8Array,
  parseAddress,
  parseBytes,
  parseIpfsId,
  parsePublicKey,
  parseSigName,
  parseSmallInt,
  parseString,
  parseToSign,
  parseTokenId,
  personalMessageDigest,
} from './validate.ts';

/** A limit of the run was reached; the run ends with error kind 'limit' even if the action catches it. */
export class ActionLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionLimitError';
  }
}

/** What crosses back into the sandbox for each host call. */
export type HostReply = { ok: true; value: unknown } | { ok: false; message: string };

type Record_ = Readonly<Record<string, unknown>>;

export class RunSession {
  readonly signRequests: ActionSignRequest[] = [];
  /** Host calls that have started and not yet answered. */
  inFlight = 0;
  /** Calls that arrived after close(): the isolate ran code outside its run. */
  lateCalls = 0;
  /** The first limit the run reached. */
  limitError: string | undefined;
  private response: string | undefined;
  private readonly logParts: string[] = [];
  private logBytes = 0;
  private signatureCalls = 0;
  private fetches = 0;
  private readonly sigNames = new Set<string>();
  private readonly timers = new Map<number, { timer: NodeJS.Timeout; resolve: (fired: boolean) => void }>();
  private closed = false;
  private deadline = Number.POSITIVE_INFINITY;
  private readonly bindings: ActionBindings;
  private readonly limits: ActionLimits;
  private readonly allowList: AllowList;

  constructor(bindings: ActionBindings, limits: ActionLimits, allowList: AllowList) {
    this.bindings = bindings;
    this.limits = limits;
    this.allowList = allowList;
  }

  /** The run's clock starts: timers are cut at the deadline. */
  start(deadline: number): void {
    this.deadline = deadline;
  }

  get logs(): string {
    return this.logParts.join('');
  }

  get responseValue(): string | undefined {
    return this.response;
  }

  /** Ends the run: later calls are refused and pending timers are dropped. */
  close(): void {
    this.closed = true;
    for (const { timer, resolve } of this.timers.values()) {
      clearTimeout(timer);
      resolve(false);
    }
    this.timers.clear();
  }

  /** An async call from the sandbox (ivm.Reference with a promise result). Never rejects. */
  async callAsync(method: unknown, arg: unknown): Promise<HostReply> {
    if (this.closed) {
      this.lateCalls++;
      return { ok: false, message: 'the action has already finished' };
    }
    this.inFlight++;
    try {
      const value = await this.dispatchAsync(String(method), isRecord(arg) ? arg : {});
      return { ok: true, value: plainData(value, 'a binding result') };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    } finally {
      this.inFlight--;
    }
  }

  /** A sync call from the sandbox (ivm.Callback). Never throws. */
  callSync(method: unknown, arg: unknown): HostReply {
    if (this.closed) {
      this.lateCalls++;
      return { ok: false, message: 'the action has already finished' };
    }
    try {
      return { ok: true, value: this.dispatchSync(String(method), arg) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  private limit(message: string): ActionLimitError {
    this.limitError ??= message;
    return new ActionLimitError(message);
  }

  private dispatchSync(method: string, arg: unknown): unknown {
    switch (method) {
      case 'log':
        return this.log(arg);
      case 'setResponse': {
        if (typeof arg !== 'string') {
          throw new ActionInputError(
            `Lit.Actions.setResponse: response must be a string (use JSON.stringify for other values); got ${describe(arg)}`,
          );
        }
        const bytes = Buffer.byteLength(arg, 'utf8');
        if (bytes > this.limits.maxResponseBytes) {
          throw this.limit(
            `Response is too long. Max length is ${this.limits.maxResponseBytes} bytes; got ${bytes} bytes`,
          );
        }
        this.response = arg;
        return null;
      }
      case 'limit':
        throw this.limit(typeof arg === 'string' ? arg.slice(0, 500) : 'a limit of this run was reached');
      case 'pubkeyToTokenId':
        return keccak256(getBytes(parsePublicKey(arg, 'Lit.Actions.pubkeyToTokenId')));
      case 'clearTimeout': {
        const entry = typeof arg === 'number' ? this.timers.get(arg) : undefined;
        if (entry && typeof arg === 'number') {
          clearTimeout(entry.timer);
          this.timers.delete(arg);
          entry.resolve(false);
        }
        return null;
      }
      default:
        throw new Error(`unknown sandbox call ${JSON.stringify(method)}`);
    }
  }

  private log(arg: unknown): null {
    const [level, text] = Array.isArray(arg) ? arg : [];
    if (typeof level !== 'string' || typeof text !== 'string') throw new Error('bad console call');
    const line = `${text}\n`;
    const bytes = Buffer.byteLength(line, 'utf8');
    const room = this.limits.maxLogBytes - this.logBytes;
    if (bytes > room) {
      if (room > 0) {
        this.logParts.push(
          Buffer.from(line, 'utf8')
            .subarray(0, room)
            .toString('utf8')
            .replace(/\uFFFD$/, ''),
        );
        this.logBytes = this.limits.maxLogBytes;
      }
      throw this.limit(`console output is over the ${formatBytes(this.limits.maxLogBytes)} log limit`);
    }
    this.logParts.push(line);
    this.logBytes += bytes;
    return null;
  }

  private async dispatchAsync(method: string, a: Record_): Promise<unknown> {
    const b = this.bindings;
    const fn = `Lit.Actions.${method}`;
    switch (method) {
      case 'signEcdsa':
      case 'ethPersonalSignMessageEcdsa':
        return this.sign(method, a);
      case 'getLatestNonce': {
        const address = parseAddress(a.address, fn);
        const chain = parseString(a.chain, `${fn}: chain`, { maxLength: 100 });
        return String(await b.getLatestNonce({ address, chain }));
      }
      case 'isPermittedAction':
        return Boolean(
          await b.isPermittedAction({ tokenId: parseTokenId(a.tokenId, fn), ipfsId: parseIpfsId(a.ipfsId, fn) }),
        );
      case 'isPermittedAddress':
        return Boolean(
          await b.isPermittedAddress({ tokenId: parseTokenId(a.tokenId, fn), address: parseAddress(a.address, fn) }),
        );
      case 'isPermittedAuthMethod':
        return Boolean(
          await b.isPermittedAuthMethod({
            tokenId: parseTokenId(a.tokenId, fn),
            authMethodType: parseSmallInt(a.authMethodType, `${fn}: authMethodType`),
            userId: parseBytes(a.userId, `${fn}: userId`),
          }),
        );
      case 'getPermittedActions':
        return b.getPermittedActions({ tokenId: parseTokenId(a.tokenId, fn) });
      case 'getPermittedAddresses':
        return b.getPermittedAddresses({ tokenId: parseTokenId(a.tokenId, fn) });
      case 'getPermittedAuthMethods':
        return b.getPermittedAuthMethods({ tokenId: parseTokenId(a.tokenId, fn) });
      case 'checkConditions': {
        if (!Array.isArray(a.conditions)) throw new ActionInputError(`${fn}: conditions must be an array`);
        const chain = a.chain === undefined || a.chain === null ? undefined : parseString(a.chain, `${fn}: chain`);
        return Boolean(await b.checkConditions({ conditions: a.conditions, authSig: a.authSig, chain }));
      }
      case 'runOnceIsLeader':
        return Boolean(await b.runOnceIsLeader({ name: parseString(a.name, 'Lit.Actions.runOnce: name') }));
      case 'runOnceBroadcast':
        await b.runOnceBroadcast({
          name: parseString(a.name, 'Lit.Actions.runOnce: name'),
          value: parseString(a.value, 'Lit.Actions.runOnce: response', { maxLength: this.limits.maxResponseBytes }),
        });
        return null;
      case 'runOnceCollect':
        return String(await b.runOnceCollect({ name: parseString(a.name, 'Lit.Actions.runOnce: name') }));
      case 'broadcastAndCollect': {
        const values = await b.broadcastAndCollect({
          name: parseString(a.name, `${fn}: name`),
          value: parseString(a.value, `${fn}: value`, { maxLength: this.limits.maxResponseBytes }),
        });
        return values.map(String);
      }
      case 'decryptAndCombine': {
        if (!Array.isArray(a.accessControlConditions)) {
          throw new ActionInputError(`${fn}: accessControlConditions must be an array`);
        }
        return String(
          await b.decryptAndCombine({
            accessControlConditions: a.accessControlConditions,
            ciphertext: parseString(a.ciphertext, `${fn}: ciphertext`),
            dataToEncryptHash: parseString(a.dataToEncryptHash, `${fn}: dataToEncryptHash`),
            authSig: a.authSig,
            chain: parseString(a.chain, `${fn}: chain`),
          }),
        );
      }
      case 'fetch':
        return this.fetch(a);
      case 'sleep':
        return this.sleep(a);
      case 'tick':
        return null;
      default:
        throw new Error(`unknown sandbox call ${JSON.stringify(method)}`);
    }
  }

  private async sign(method: 'signEcdsa' | 'ethPersonalSignMessageEcdsa', a: Record_): Promise<string> {
    const fn = `Lit.Actions.${method}`;
    const toSign = method === 'signEcdsa' ? parseToSign(a.toSign, fn) : personalMessageDigest(a.message, fn);
    const publicKey = parsePublicKey(a.publicKey, fn);
    const sigName = parseSigName(a.sigName, fn);
    if (this.signatureCalls >= this.limits.maxSignatures) {
      throw this.limit(`${fn}: an action can request at most ${this.limits.maxSignatures} signatures per run`);
    }
    if (this.sigNames.has(sigName)) {
      throw new ActionInputError(
        `${fn}: sigName "${sigName}" is already used in this run; give each signature its own name`,
      );
    }
    this.signatureCalls++;
    this.sigNames.add(sigName);
    const request: ActionSignRequest = { sigName, toSign, publicKey, method };
    try {
      await this.bindings.signEcdsa(request);
    } catch (error) {
      this.sigNames.delete(sigName);
      throw error;
    }
    if (!this.closed) this.signRequests.push(request);
    return 'success';
  }

  private async fetch(a: Record_): Promise<ActionFetchResponse & { redirected: boolean }> {
    if (this.fetches >= this.limits.maxFetches) {
      throw this.limit(`fetch: an action can make at most ${this.limits.maxFetches} fetches per run`);
    }
    this.fetches++;
    const url = checkFetchUrl(parseString(a.url, 'fetch: url', { maxLength: 8192 }), this.allowList);
    const method = parseString(a.method, 'fetch: method', { maxLength: 16 });
    if (!/^[A-Z]+$/.test(method)) throw new ActionInputError(`fetch: ${JSON.stringify(method)} is not an HTTP method`);
    const headers = (Array.isArray(a.headers) ? a.headers : []).map((pair: unknown, i) => {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new ActionInputError(`fetch: header ${i} must be a [name, value] pair of strings`);
      }
      return [pair[0], pair[1]] as const;
    });
    const body =
      a.body === undefined || a.body === null
        ? undefined
        : typeof a.body === 'string'
          ? a.body
          : isUint8Array(a.body)
            ? Uint8Array.from(a.body)
            : undefined;
    const response = await this.bindings.fetch({ url, method, headers, ...(body === undefined ? {} : { body }) });
    checkFetchUrl(String(response.url), this.allowList);
    if (!isUint8Array(response.body)) throw new Error('fetch: the fetch binding returned a body that is not bytes');
    if (response.body.length > this.limits.maxFetchResponseBytes) {
      throw new ActionInputError(
        `fetch: the response body (${response.body.length} bytes) is larger than the ${formatBytes(this.limits.maxFetchResponseBytes)} limit`,
      );
    }
    return {
      url: String(response.url),
      redirected: String(response.url) !== url,
      status: Number(response.status),
      statusText: String(response.statusText),
      headers: response.headers.map(([k, v]) => [String(k), String(v)] as const),
      body: Uint8Array.from(response.body),
    };
  }

  private sleep(a: Record_): Promise<boolean> {
    const id = a.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || this.timers.has(id)) throw new Error('bad timer id');
    const requested = typeof a.ms === 'number' && Number.isFinite(a.ms) ? Math.max(0, a.ms) : 0;
    // A timer never outlives the run: past the deadline the watchdog ends the run anyway.
    const delay = Math.min(requested, Math.max(0, this.deadline - performance.now()) + 50, 2 ** 31 - 1);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(id);
        resolve(true);
      }, delay);
      this.timers.set(id, { timer, resolve });
    });
  }
}

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'the call failed';
}

/**
 * Checks that a binding's result is plain data (so nothing of the host, no function, no class
 * instance with methods, crosses into the sandbox) and copies Uint8Arrays into this realm.
 */
export function plainData(value: unknown, what: string, depth = 0): unknown {
  if (depth > 32) throw new Error(`${what} is nested too deeply`);
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (isUint8Array(value)) return Uint8Array.from(value);
      if (Array.isArray(value)) return value.map((v) => plainData(v, what, depth + 1));
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null && Object.getPrototypeOf(proto) !== null) {
        throw new Error(`${what} is not plain data`);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = plainData(v, what, depth + 1);
      return out;
    }
    default:
      throw new Error(`${what} is not plain data (${typeof value})`);
  }
}
