import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { keccak256 } from 'ethers';
import { z } from 'zod';
import { BodyRpcProvider } from '../../shared/contracts/ipc-provider.ts';
import { BodyTooLarge, readRequestBody } from '../http-body.ts';
import { AnvilProcess, privateIpcEndpoint, type AnvilOptions } from './anvil-process.ts';
import { ChainJournal, type JournalEntry } from './chain-journal.ts';
import { checkDoor, refusedMethod } from './chain-door.ts';

/** Requests that change the chain: journaled before they reach anvil, replayed after a crash. */
const WRITE_METHODS = new Set([
  'eth_sendRawTransaction',
  'eth_sendTransaction',
  'eth_sendUnsignedTransaction',
  'anvil_setBalance',
  'anvil_setCode',
  'anvil_setNonce',
  'anvil_setStorageAt',
  'anvil_mine',
  'evm_mine',
]);

const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** A journal entry this many state intervals old whose transaction anvil has is in anvil's saved state. */
const DURABLE_AFTER_INTERVALS = 30;

interface RpcCall {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

export interface JournaledChainOptions extends Omit<AnvilOptions, 'ipcPath'> {
  /** Where dapp tools and the nodes reach the chain (the journaling gateway in front of anvil). */
  gatewayPort: number;
  /** A folder for anvil's IPC socket (made 0700), e.g. in the data directory. */
  ipcDir?: string;
  /** The secret in the gateway's URL path (default: a new random one). */
  token?: string;
  /**
   * `up --lit-local`: the gateway also answers at its bare URL, with no secret, as Lit's
   * nagaLocal expects (http://127.0.0.1:8545). Every other check of the door still holds.
   */
  openDoor?: boolean;
  /** Whether the sandbox's owner turned cheat methods on for outside callers (read per request). */
  cheatsAllowed?: () => boolean;
  journalFile: string;
  log?: (message: string) => void;
  /** How old a journal entry must be before pruning may drop it (default: 30 state intervals; tests shorten it). */
  pruneAfterMs?: number;
  /** Called with anvil's pid each time it starts (the pid file lets a later host reap an orphan). */
  onAnvilStart?: (pid: number) => void;
}

/**
 * The embedded chain behind a journaling JSON-RPC gateway, the chain's one door: anvil itself
 * is out of everyone's reach (see AnvilIsolation); the gateway answers only requests that carry
 * its secret, come from no foreign web page, and ask for reads or raw signed transactions
 * (cheat methods only when the person turned them on); the host calls it in process.
 *
 * Journaling: anvil keeps its state in a file it
 * rewrites every second, so a SIGKILL can lose up to a second of blocks, among them
 * transactions the host already reported mined. Every process reaches the chain through
 * this gateway instead: it writes each state-changing request to a durable journal before
 * forwarding it (one at a time, so the journal order is anvil's order), and when anvil
 * comes back from its state file (restarted here at once, or at the next start) it replays
 * what the restored chain lacks: every entry after the newest one whose transaction the
 * chain still has. Raw transactions replay to the same hashes.
 */
export class JournaledChain {
  /** The gateway's URL, secret included (none with openDoor): what dapp tools and the nodes use. */
  readonly rpcUrl: string;
  /** anvil's IPC socket: Litbox's own processes read the chain there. */
  readonly ipcPath: string;
  private readonly privateIpcDir: string | undefined;
  private readonly token: string;
  private readonly options: JournaledChainOptions;
  private readonly journal: ChainJournal;
  private anvil: AnvilProcess;
  private server: http.Server | undefined;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private killedPid: number | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** Restarts of anvil after a crash (for the status). */
  restarts = 0;

  constructor(options: JournaledChainOptions) {
    this.options = options;
    this.token = options.token ?? randomBytes(32).toString('base64url');
    this.rpcUrl = options.openDoor
      ? `http://127.0.0.1:${options.gatewayPort}`
      : `http://127.0.0.1:${options.gatewayPort}/rpc/${this.token}`;
    const { socketPath, privateDir } = privateIpcEndpoint(options.ipcDir);
    this.ipcPath = socketPath;
    this.privateIpcDir = privateDir;
    fs.mkdirSync(path.dirname(options.journalFile), { recursive: true });
    this.journal = new ChainJournal(options.journalFile);
    this.anvil = this.newAnvil();
  }

  private newAnvil(): AnvilProcess {
    return new AnvilProcess({ ...this.options, ipcPath: this.ipcPath });
  }

  /** How anvil is kept out of reach of other programs (see AnvilIsolation); known once started. */
  get isolation(): AnvilProcess['isolation'] {
    return this.anvil.isolation;
  }

  get pid(): number | undefined {
    return this.anvil.pid;
  }

  get running(): boolean {
    return this.anvil.running;
  }

  /** Starts anvil, replays what its state lacks, then opens the gateway. */
  async start(timeoutMs = 20_000): Promise<void> {
    await this.startAnvil(timeoutMs);
    // stop() during the start (the app quit as it started): what the start opens after that
    // must not outlive it. A gateway left listening kept the host process from ever exiting.
    if (this.stopping) {
      await this.anvil.stop();
      throw new Error('the chain was stopped during its start');
    }
    const server = http.createServer((req, res) =>
      this.handle(req, res).catch((err: Error) => {
        // A request that broke the gateway (say, the journal's disk is full) fails alone.
        this.options.log?.(`chain gateway: ${err.message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'the chain gateway failed' } }),
        );
      }),
    );
    server.keepAliveTimeout = 60_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.gatewayPort, '127.0.0.1', () => resolve());
    });
    if (this.stopping) {
      server.close();
      server.closeAllConnections();
      throw new Error('the chain was stopped during its start');
    }
    const port = (server.address() as AddressInfo).port;
    if (port !== this.options.gatewayPort) throw new Error('the chain gateway did not get its port');
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), this.durableAfterMs);
    this.pruneTimer.unref();
  }

  private async startAnvil(timeoutMs: number): Promise<void> {
    const stateFile = this.options.stateFile;
    // Which file anvil loads, before it rewrites it: the one it saved at a clean stop, or not.
    let loaded = stateFile ? savedStateOf(stateFile) : undefined;
    this.anvil = this.newAnvil();
    try {
      await this.anvil.start(timeoutMs);
    } catch (err) {
      // anvil refuses a state file cut short by a kill mid-save. Only then is the file read
      // whole: it grows with the chain, and parsing it at every start held the host up.
      if (!stateFile || !this.setAsideDamagedState(stateFile)) throw err;
      loaded = undefined;
      await this.anvil.stop();
      this.anvil = this.newAnvil();
      await this.anvil.start(timeoutMs);
    }
    const fresh = stateFile !== undefined && !fs.existsSync(stateFile);
    if (this.anvil.pid !== undefined) this.options.onAnvilStart?.(this.anvil.pid);
    if (fresh && !this.journal.reachesGenesis()) {
      // Without the state file, only a journal that reaches back to genesis can rebuild the
      // chain; replaying the tail of a pruned one would build nonsense. The host then reports
      // the lost state clearly.
      this.options.log?.('chain: the state file is missing and the journal does not reach genesis: nothing replayed');
      return this.watchExit();
    }
    const replayed = await this.replay(loaded).catch(async (err: unknown) => {
      await this.anvil.stop(); // a retry starts a new anvil on this port
      throw err;
    });
    if (replayed > 0) this.options.log?.(`chain: replayed ${replayed} journaled requests the saved state lacked`);
    this.watchExit();
  }

  private watchExit(): void {
    this.anvil.onExit((code, signal) => {
      for (const listener of this.exitListeners) listener(code, signal);
      if (this.stopping) return;
      // Writes wait behind the restart: nothing may reach the new anvil before the replay.
      const job: Promise<void> = this.writeQueue
        .then(() => this.restartAfterCrash())
        .finally(() => {
          if (this.restarting === job) this.restarting = undefined;
        });
      this.restarting = job;
      this.writeQueue = job.catch(() => undefined);
    });
  }

  private async restartAfterCrash(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      this.restarts++;
      this.options.log?.('chain: anvil exited; restarting it from its state file and the journal');
      try {
        await this.startAnvil(20_000);
        return;
      } catch (err) {
        this.options.log?.(`chain: restart failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
      }
    }
  }

  /** Resolves once a crashed (or killed) anvil is back and replayed (tests, chaos runs). */
  async recovered(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.restarting) await this.restarting.catch(() => undefined);
      const back = this.killedPid === undefined || this.anvil.pid !== this.killedPid;
      if (back && !this.restarting && this.anvil.running && (await this.anvil.answers())) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the chain did not come back within ${timeoutMs} ms`);
  }

  /**
   * Replays, in order, every journal entry after the newest one whose transaction the chain
   * has, or after the mark of a clean stop whose saved state anvil loaded (`loaded`). Entries
   * are applied one at a time in journal order, so the saved state holds a prefix of the
   * journal: everything up to that transaction, or that mark, is in it.
   */
  private async replay(loaded: SavedState | undefined): Promise<number> {
    const entries = this.journal.entriesNewestFirst();
    const missing: JournalEntry[] = [];
    for (const entry of entries) {
      const mark = savedStateMark(entry.body);
      if (mark) {
        if (loaded && mark.size === loaded.size && mark.mtimeMs === loaded.mtimeMs) break;
        continue; // another file (a good copy put back, or none): the mark says nothing of it
      }
      if (entry.txHashes.length > 0 && (await this.hasAnyTransaction(entry.txHashes))) break;
      missing.push(entry);
    }
    for (const entry of missing.reverse()) {
      const answer = await this.forward(entry.body).catch((err: Error) => ({ text: '', error: err.message }));
      if ('error' in answer) throw new Error(`chain journal replay failed: ${answer.error}`);
      await this.untilMined(entry.txHashes); // in journal order, as live
    }
    return missing.length;
  }

  private async hasAnyTransaction(hashes: readonly string[]): Promise<boolean> {
    for (const hash of hashes) if ((await this.anvil.rpc('eth_getTransactionReceipt', [hash])) !== null) return true;
    return false;
  }

  private get durableAfterMs(): number {
    return this.options.pruneAfterMs ?? DURABLE_AFTER_INTERVALS * 1000 * (this.options.stateIntervalSeconds ?? 1);
  }

  /**
   * anvil rewrites its state file in place: a SIGKILL in the middle leaves it empty or cut
   * short, and anvil then refuses to start. Such a file is set aside and the last good copy
   * (see prune) put back; the journal replays everything after it. False: the file was sound.
   */
  private setAsideDamagedState(stateFile: string): boolean {
    if (!fs.existsSync(stateFile) || loadsAsJson(stateFile)) return false;
    fs.renameSync(stateFile, `${stateFile}.damaged-${Date.now()}`);
    const backup = `${stateFile}.backup`;
    if (fs.existsSync(backup) && loadsAsJson(backup)) {
      fs.copyFileSync(backup, stateFile);
      this.options.log?.('chain: the state file was damaged (anvil killed while saving); restored the last good copy');
    } else
      this.options.log?.('chain: the state file was damaged (anvil killed while saving) and there is no good copy');
    return true;
  }

  /**
   * Keeps a good copy of anvil's state file, then forgets journal entries that copy surely
   * holds (older than many state intervals, transaction on chain): the copy plus the rest of
   * the journal can always rebuild the chain.
   */
  private async prune(): Promise<void> {
    if (!this.anvil.running) return;
    const stateFile = this.options.stateFile;
    if (stateFile && !keepGoodCopy(stateFile)) return; // none now (mid-save?): the next prune tries
    const cutoff = Date.now() - this.durableAfterMs;
    for (const entry of this.journal.entriesNewestFirst()) {
      if (entry.at > cutoff || entry.txHashes.length === 0) continue;
      if (await this.hasAnyTransaction(entry.txHashes)) {
        // Keep this one as the anchor the next replay starts after.
        this.journal.forgetUpTo(entry.seq - 1);
        return;
      }
    }
  }

  /**
   * After anvil saved its state on a clean exit: keep a good copy of it, and mark in the journal
   * that this file (by size and time) holds every entry so far. Without the mark, the replay
   * started after the newest transaction the chain had, so requests without one after it
   * (anvil_mine, evm_increaseTime, setBalance) were applied again at every start: 300 blocks
   * mined became 600 after one restart. The journal itself is kept: should the state file be
   * lost, one that reaches genesis still rebuilds the chain.
   */
  private settle(): void {
    const stateFile = this.options.stateFile;
    if (!stateFile || !keepGoodCopy(stateFile)) return;
    const saved = savedStateOf(stateFile);
    if (saved) this.journal.append(JSON.stringify({ [SAVED_STATE_MARK]: saved }), []);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    const refusal = checkDoor(req, this.options.gatewayPort, this.options.openDoor ? undefined : this.token);
    if (refusal) {
      res.setHeader('connection', 'close');
      return reply(refusal.status, rpcError(null, -32001, refusal.message));
    }
    let body: string;
    try {
      body = await readRequestBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return reply(413, rpcError(null, -32600, err.message));
      return; // the client went away
    }
    reply(200, await this.request(body, { outside: true }));
  }

  /**
   * The host's own path to the chain, in process: every method anvil offers (the faucet's
   * setBalance, a passkey challenge's evm_mine), journaled like the gateway's writes.
   */
  privateRequest(body: string): Promise<string> {
    return this.request(body, { outside: false });
  }

  /** An ethers provider on the private path (the host's wallet services, genesis). */
  provider(chainId: number, pollingIntervalMs = 50): BodyRpcProvider {
    return new BodyRpcProvider(
      'the host chain gateway',
      (body) => this.privateRequest(body),
      chainId,
      pollingIntervalMs,
    );
  }

  private async request(body: string, from: { outside: boolean }): Promise<string> {
    let calls: RpcCall[];
    let batch: boolean;
    try {
      const parsed: unknown = JSON.parse(body);
      batch = Array.isArray(parsed);
      calls = (batch ? parsed : [parsed]) as RpcCall[];
    } catch {
      return rpcError(null, -32700, 'the body is not JSON');
    }
    if (calls.length === 0 || calls.some((c) => typeof c !== 'object' || c === null || typeof c.method !== 'string'))
      return rpcError(null, -32600, 'not a JSON-RPC request');
    if (from.outside) {
      const cheats = this.options.cheatsAllowed?.() ?? false;
      const refused = calls.map((c) =>
        c.id === undefined || c.id === null ? 'calls need an id' : refusedMethod(c.method as string, cheats),
      );
      if (refused.some((r) => r !== undefined)) {
        // Nothing of a batch with a refused call runs: a batch is one request.
        const answers = calls.map((c, i) =>
          JSON.parse(rpcError(c.id ?? null, -32601, refused[i] ?? 'not run: another call of this batch was refused')),
        );
        return JSON.stringify(batch ? answers : answers[0]);
      }
    }
    const writes = calls.filter((c) => WRITE_METHODS.has(c.method as string));
    return writes.length === 0 ? this.forwardOrUnavailable(body, calls) : this.journaled(body, calls, writes);
  }

  /** One write at a time: journal, forward, and drop the entry again if anvil refused it. */
  private journaled(body: string, calls: RpcCall[], writes: RpcCall[]): Promise<string> {
    const run = async () => {
      const hashes = writes.flatMap((c) => {
        const raw = Array.isArray(c.params) ? c.params[0] : undefined;
        // Whole bytes only: anything else is not a transaction, and anvil refuses it below.
        return c.method === 'eth_sendRawTransaction' && typeof raw === 'string' && /^0x([0-9a-fA-F]{2})+$/.test(raw)
          ? [keccak256(raw)]
          : [];
      });
      const seq = this.journal.append(body, hashes);
      const answer = await this.forward(body).catch(() => undefined);
      if (!answer) {
        this.journal.remove(seq); // never reached a live anvil: the caller gets an error
        return unavailable(calls);
      }
      if (allFailed(answer.text)) this.journal.remove(seq);
      // anvil can answer a raw transaction a moment before it mines it; the next write (and the
      // caller) must see it mined, or the journal's order would not be the chain's.
      else await this.untilMined(hashes);
      return answer.text;
    };
    const result = this.writeQueue.then(run, run);
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  /** Waits (up to `timeoutMs`) until anvil mined these transactions; a transaction anvil keeps pending (a nonce gap) is logged. */
  private async untilMined(hashes: readonly string[], timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const hash of hashes)
      for (;;) {
        const receipt = await this.anvil.rpc('eth_getTransactionReceipt', [hash]).catch(() => null);
        if (receipt !== null) break;
        if (Date.now() >= deadline) {
          this.options.log?.(`chain gateway: ${hash} is still pending after ${timeoutMs} ms`);
          return;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
  }

  private async forwardOrUnavailable(body: string, calls: RpcCall[]): Promise<string> {
    const answer = await this.forward(body).catch(() => undefined);
    return answer ? answer.text : unavailable(calls);
  }

  private async forward(body: string): Promise<{ text: string }> {
    return { text: await this.anvil.request(body) };
  }

  /** One JSON-RPC call on the host's private path (journaled if it writes). */
  async rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const answer = JSON.parse(await this.privateRequest(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))) as {
      result?: T;
      error?: { message: string };
    };
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListeners.push(listener);
  }

  /** Simulates a crash of anvil (tests and chaos runs); the gateway restarts it. */
  kill(): void {
    this.killedPid = this.anvil.pid;
    this.anvil.kill();
  }

  /**
   * Clean stop: anvil writes its state, which then holds every journaled request; the journal
   * is marked so (see settle). After anything less, the next start replays as after a crash.
   * Two stops at once (an aborted start, then its clean-up) share one: each saw anvil still
   * running, and the second wrote to the journal the first had closed, which failed the host's
   * whole clean-up.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stoppingNow ??= this.stopOnce(graceMs).finally(() => (this.stoppingNow = undefined));
    return this.stoppingNow;
  }

  private stoppingNow: Promise<void> | undefined;

  private async stopOnce(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await this.restarting?.catch(() => undefined);
    await this.writeQueue.catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    if (await this.anvil.stop(graceMs)) this.settle();
    this.journal.close();
    if (this.privateIpcDir) fs.rmSync(this.privateIpcDir, { recursive: true, force: true });
  }
}

/**
 * Copies the state file to `.backup` if the copy parses. Only the copy is read whole (it blocks
 * the host's event loop); one taken while anvil rewrote the file is cut short and is not kept.
 */
function keepGoodCopy(stateFile: string): boolean {
  if (!fs.existsSync(stateFile)) return false;
  const tmp = `${stateFile}.backup.tmp`;
  fs.copyFileSync(stateFile, tmp);
  if (!loadsAsJson(tmp)) return false;
  fs.renameSync(tmp, `${stateFile}.backup`);
  return true;
}

/** The journal entry that is not a request: a clean stop's saved state file, by size and time. */
const SAVED_STATE_MARK = 'litboxSavedState';
const SavedState = z.object({ size: z.number(), mtimeMs: z.number() });
type SavedState = z.infer<typeof SavedState>;
// Only the host writes this entry; a request (it has a method) never parses as one.
const SavedStateMark = z.strictObject({ [SAVED_STATE_MARK]: SavedState });

function savedStateOf(file: string): SavedState | undefined {
  try {
    const { size, mtimeMs } = fs.statSync(file);
    return { size, mtimeMs };
  } catch {
    return undefined;
  }
}

function savedStateMark(body: string): SavedState | undefined {
  if (!body.includes(SAVED_STATE_MARK)) return undefined;
  try {
    return SavedStateMark.safeParse(JSON.parse(body)).data?.[SAVED_STATE_MARK];
  } catch {
    return undefined;
  }
}

function loadsAsJson(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

function rpcError(id: unknown, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error: { code, message } });
}

/** JSON-RPC errors for every call while anvil is down (restarting). */
function unavailable(calls: RpcCall[]): string {
  const error = (id: unknown) => ({
    jsonrpc: '2.0',
    id: id ?? null,
    error: { code: -32000, message: 'the chain is restarting; try again in a moment' },
  });
  return JSON.stringify(calls.length === 1 || calls.length === 0 ? error(calls[0]?.id) : calls.map((c) => error(c.id)));
}

function allFailed(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    const answers = (Array.isArray(parsed) ? parsed : [parsed]) as { error?: unknown }[];
    return answers.length > 0 && answers.every((a) => a?.error !== undefined);
  } catch {
    return false;
  }
}
