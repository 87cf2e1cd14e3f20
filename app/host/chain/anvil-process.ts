import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IpcRpcClient } from '../../shared/contracts/ipc-provider.ts';
import { childEnvironment } from '../child-environment.ts';

export interface AnvilOptions {
  chainId: number;
  /** anvil's IPC socket (see privateIpcEndpoint); default: one in a fresh private temp folder. */
  ipcPath?: string;
  /** JSON state file: loaded at start when present, saved every interval and on a clean exit. */
  stateFile?: string;
  stateIntervalSeconds?: number;
  /** Where anvil's stdout/stderr go; nothing is printed to our own console. */
  logFile?: string;
}

const require = createRequire(import.meta.url);

/** Path of the anvil binary shipped inside the @foundry-rs/anvil platform package. */
export function anvilBinaryPath(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch];
  const platform = process.platform === 'win32' ? 'win32' : process.platform;
  if (!arch) throw new Error(`anvil has no binary for ${process.platform}/${process.arch}`);
  const pkg = `@foundry-rs/anvil-${platform}-${arch}`;
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`the anvil binary package ${pkg} is not installed; run npm ci`);
  }
  return path.join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
}

/**
 * How anvil is kept out of reach. anvil always opens an HTTP port, with no authentication and
 * every cheat method; we speak to it only over its IPC socket, in a folder only this OS user
 * can open. On Linux, where unprivileged user namespaces are allowed, anvil runs in a private
 * network namespace: its HTTP port exists only there, and no other program can connect to it.
 * Elsewhere (macOS, Windows, a Linux that forbids user namespaces) it listens on a random
 * loopback port that nothing of ours uses; see docs/SECURITY.md, "The chain's one door".
 */
export type AnvilIsolation = 'network-namespace' | 'loopback-port';

/** What this machine lets an unprivileged process do for anvil's isolation (Linux; false elsewhere). */
export interface ChainIsolationSupport {
  /** `unshare` can give it its own user and network namespace. */
  networkNamespace: boolean;
  /**
   * util-linux's setpriv can set the parent-death signal, which survives the exec into unshare
   * and anvil: anvil ends when the process that started it dies without stopping it (a crash,
   * SIGKILL). Nodes end themselves when their parent goes; anvil would run on.
   */
  parentDeath: boolean;
}

let support: Promise<ChainIsolationSupport> | undefined;

/**
 * Asks the machine once, both questions at once and without blocking: the two probes were
 * spawnSync calls on the start's critical path (each a fork of the host and a wait, about
 * 0.1 s together). The supervisor starts asking before it starts the nodes.
 */
export function chainIsolationSupport(): Promise<ChainIsolationSupport> {
  if (process.platform !== 'linux') return Promise.resolve({ networkNamespace: false, parentDeath: false });
  return (support ??= Promise.all([
    succeeds('unshare', ['--user', '--map-root-user', '--net', 'true']),
    succeeds('setpriv', ['--pdeathsig', 'TERM', 'true']),
  ]).then(([networkNamespace, parentDeath]) => ({ networkNamespace, parentDeath })));
}

function succeeds(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', timeout: 5_000 });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** Unix sockets have a short path limit (104 bytes on macOS). */
const MAX_SOCKET_PATH = 100;

/**
 * Where anvil's IPC endpoint lives: a socket in `ipcDir` made 0700 (or, when that path is too
 * long for a socket, in a fresh 0700 temp folder, `privateDir`), or a named pipe with a random name.
 */
export function privateIpcEndpoint(ipcDir: string | undefined): { socketPath: string; privateDir?: string } {
  if (process.platform === 'win32')
    return { socketPath: `\\\\.\\pipe\\litbox-anvil-${randomBytes(16).toString('hex')}` };
  if (ipcDir) {
    fs.mkdirSync(ipcDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(ipcDir, 0o700);
    const socketPath = path.join(ipcDir, 'anvil.ipc');
    if (socketPath.length <= MAX_SOCKET_PATH) return { socketPath };
  }
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-chain-')); // 0700
  return { socketPath: path.join(privateDir, 'anvil.ipc'), privateDir };
}

/**
 * The embedded chain. We spawn the platform binary directly (not the npm wrapper script)
 * so that our signals reach anvil itself and a clean stop writes its state file. Nobody but
 * us reaches it: see AnvilIsolation.
 */
export class AnvilProcess {
  /** anvil's IPC socket (or named pipe): Litbox's own processes only. */
  readonly ipcPath: string;
  /** How anvil is kept out of reach (see AnvilIsolation); known once it has started. */
  isolation: AnvilIsolation | undefined;
  private readonly privateDir: string | undefined;
  private readonly client: IpcRpcClient;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private readonly options: AnvilOptions;

  constructor(options: AnvilOptions) {
    this.options = options;
    const { socketPath, privateDir } = options.ipcPath
      ? { socketPath: options.ipcPath }
      : privateIpcEndpoint(undefined);
    this.ipcPath = socketPath;
    this.privateDir = privateDir;
    this.client = new IpcRpcClient(socketPath);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts anvil and resolves once it answers JSON-RPC. */
  async start(timeoutMs = 20_000): Promise<void> {
    const { chainId, stateFile, stateIntervalSeconds = 1, logFile } = this.options;
    if (process.platform !== 'win32') fs.rmSync(this.ipcPath, { force: true }); // left by a killed anvil
    const machine = await chainIsolationSupport();
    // LITBOX_CHAIN_ISOLATION=loopback-port: tests of the fallback on a machine that has both.
    const isolation: AnvilIsolation =
      machine.networkNamespace && process.env.LITBOX_CHAIN_ISOLATION !== 'loopback-port'
        ? 'network-namespace'
        : 'loopback-port';
    this.isolation = isolation;
    const args = ['--ipc', this.ipcPath, '--chain-id', String(chainId)];
    // The HTTP port anvil insists on opening: alone in its namespace, or a random loopback
    // port; no CORS headers either way (a web page that finds it cannot read the answers).
    args.push('--host', '127.0.0.1', '--port', isolation === 'network-namespace' ? '8545' : '0', '--no-cors');
    // No unlocked dev accounts: every write is a transaction signed by a key someone holds.
    args.push('--accounts', '0');
    // Quiet on stdout; the log file keeps only what anvil reports as warnings or errors.
    args.push('--silent');
    if (stateFile) {
      fs.mkdirSync(path.dirname(stateFile), { recursive: true });
      // Blocks, receipts and event logs (PKP pages, proofs) are in the state file either way.
      // No --preserve-historical-states: it adds the whole state as of every block to the file
      // anvil rewrites each interval, so the file grew faster than the chain (7.7 MB after
      // genesis's 58 blocks, 44 MB for 800 empty blocks), and reading and writing it took more
      // each second. Calls against an old block work until a restart, as with any anvil.
      args.push('--state', stateFile, '--state-interval', String(stateIntervalSeconds));
    }
    const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
    // setpriv and unshare exec anvil in place: the pid, and our signals, are anvil's own.
    const [command, ...commandArgs] = [
      ...(machine.parentDeath ? ['setpriv', '--pdeathsig', 'TERM'] : []),
      ...(isolation === 'network-namespace' ? ['unshare', '--user', '--map-root-user', '--net'] : []),
      anvilBinaryPath(),
      ...args,
    ] as [string, ...string[]];
    const child = spawn(command, commandArgs, { stdio: ['ignore', out, out], env: childEnvironment() });
    if (typeof out === 'number') fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (err) => reject(new Error(`anvil could not start: ${err.message}`))),
    );
    spawnError.catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        const code = await this.exited;
        throw new Error(`anvil exited during start-up (code ${code})${logFile ? `; see ${logFile}` : ''}`);
      }
      if (await this.answers()) return;
      await Promise.race([sleep(50), spawnError]);
    }
    await this.stop();
    throw new Error(`anvil did not answer on ${this.ipcPath} within ${timeoutMs} ms`);
  }

  /** Sends a JSON-RPC body (a call or a batch) over the IPC socket; resolves with anvil's answer text. */
  request(body: string): Promise<string> {
    return this.client.request(body);
  }

  /** One JSON-RPC call over the IPC socket; throws with the node's message on an RPC error. */
  async rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const answer = JSON.parse(await this.request(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))) as {
      result?: T;
      error?: { message: string };
    };
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  }

  /** True when anvil answers JSON-RPC now. */
  async answers(): Promise<boolean> {
    try {
      await this.rpc('eth_chainId');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Clean stop: SIGTERM makes anvil write its state file; SIGKILL only if it hangs. True when
   * this stop ended a running anvil and it exited cleanly (its state file is then complete).
   */
  async stop(graceMs = 10_000): Promise<boolean> {
    const child = this.child;
    if (!child || !this.exited) return false;
    let clean = false;
    if (this.running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      clean = (await this.exited) === 0;
      clearTimeout(timer);
    }
    this.child = undefined;
    this.client.close();
    // A socket left behind is not data: remove it so the data directory holds only files.
    if (process.platform !== 'win32') fs.rmSync(this.ipcPath, { force: true });
    if (this.privateDir) fs.rmSync(this.privateDir, { recursive: true, force: true });
    return clean;
  }

  /** Simulates a crash (tests and chaos runs). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.child?.once('exit', listener);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
