import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { childEnvironment } from '../child-environment.ts';

export interface AnvilOptions {
  port: number;
  chainId: number;
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
 * The embedded chain. We spawn the platform binary directly (not the npm wrapper script)
 * so that our signals reach anvil itself and a clean stop writes its state file.
 */
export class AnvilProcess {
  readonly rpcUrl: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private readonly options: AnvilOptions;

  constructor(options: AnvilOptions) {
    this.options = options;
    this.rpcUrl = `http://127.0.0.1:${options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts anvil and resolves once it answers JSON-RPC. */
  async start(timeoutMs = 20_000): Promise<void> {
    const { port, chainId, stateFile, stateIntervalSeconds = 1, logFile } = this.options;
    const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId)];
    // Quiet on stdout; the log file keeps only what anvil reports as warnings or errors.
    args.push('--silent');
    if (stateFile) {
      fs.mkdirSync(path.dirname(stateFile), { recursive: true });
      args.push('--state', stateFile, '--state-interval', String(stateIntervalSeconds));
      // Keep history queryable after a restart (event logs for PKP pages and proofs).
      args.push('--preserve-historical-states');
    }
    const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
    const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', out, out], env: childEnvironment() });
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
    throw new Error(`anvil did not answer on ${this.rpcUrl} within ${timeoutMs} ms`);
  }

  /** One JSON-RPC call; throws with the node's message on an RPC error. */
  rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return jsonRpc<T>(this.rpcUrl, method, params);
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

  /** Clean stop: SIGTERM makes anvil write its state file; SIGKILL only if it hangs. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    if (this.running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = undefined;
  }

  /** Simulates a crash (tests and chaos runs). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.child?.once('exit', listener);
  }
}

/** One JSON-RPC call; throws with the node's message on an RPC error. */
export async function jsonRpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
