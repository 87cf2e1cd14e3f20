import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { CeramicStatus } from '../../shared/api/contract.ts';
import { childEnvironment } from '../child-environment.ts';
import { isProcessAlive } from '../data-dir.ts';
import { findFreePort, isPortFree } from '../ports.ts';
import { findCeramicWorkspace, type CeramicWorkspace } from './ceramic-workspace.ts';

export interface CeramicNodeOptions {
  /** Everything the node keeps: its HOME (config, state store, index), IPFS blocks, port, pid. */
  dir: string;
  logFile: string;
  /** First restart delay after a crash (doubles up to 30 s). */
  restartDelayMs?: number;
}

/** The folder layout of a Ceramic node inside Litbox's data directory. */
export function ceramicPaths(dir: string) {
  return {
    home: path.join(dir, 'home'),
    blocks: path.join(dir, 'ipfs-blocks'),
    port: path.join(dir, 'port'),
    pid: path.join(dir, 'ceramic.pid'),
  };
}

/**
 * js-ceramic 6.11's stock daemon on loopback, on the in-memory network and anchor service, with
 * Litbox's in-process IPFS (compat/ceramic/preload.js); its state stays in `dir`. Supervised like
 * anvil: restarted after a crash, stopped with the host. Emits 'change' when it goes up or down.
 */
export class CeramicNode extends EventEmitter<{ change: [] }> {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private workspace: CeramicWorkspace | undefined;
  private healthy = false;
  port = 0;
  restarts = 0;
  /** Milliseconds from spawn to the first healthy answer, last start. */
  lastStartMs: number | null = null;
  private readonly options: CeramicNodeOptions;
  private readonly paths: ReturnType<typeof ceramicPaths>;

  constructor(options: CeramicNodeOptions) {
    super();
    this.options = options;
    this.paths = ceramicPaths(options.dir);
  }

  /** The node's HTTP API (loopback). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get up(): boolean {
    return this.healthy && this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  status(): CeramicStatus {
    return { url: this.url, up: this.up, pid: this.pid ?? null, restarts: this.restarts };
  }

  /**
   * Checks the workspace and picks the port (the last one when free) without starting anything:
   * the port must be known before the nodes launch, since their fetch allow-list names it.
   */
  async prepare(): Promise<void> {
    this.workspace = findCeramicWorkspace();
    fs.mkdirSync(this.paths.home, { recursive: true, mode: 0o700 });
    await this.reapOrphan();
    const recorded = Number(readText(this.paths.port));
    this.port =
      Number.isInteger(recorded) && recorded > 0 && (await isPortFree(recorded)) ? recorded : await findFreePort();
    fs.writeFileSync(this.paths.port, String(this.port));
  }

  /** Starts the daemon and resolves once its healthcheck answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (!this.workspace) await this.prepare();
    this.stopping = false;
    const started = Date.now();
    this.spawnDaemon();
    const deadline = started + timeoutMs;
    while (Date.now() < deadline) {
      if (this.stopping) throw new Error('the Ceramic node was stopped during its start');
      if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`the Ceramic node exited during start-up; see ${this.options.logFile}`);
      if (await this.answers()) {
        this.healthy = true;
        this.lastStartMs = Date.now() - started;
        this.emit('change');
        return;
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(
      `the Ceramic node did not answer on ${this.url} within ${timeoutMs / 1000} s; see ${this.options.logFile}`,
    );
  }

  private spawnDaemon(): void {
    const workspace = this.workspace!;
    const args = [
      '--import',
      workspace.preload,
      workspace.cliEntry,
      'daemon',
      '--network',
      'inmemory',
      '--hostname',
      '127.0.0.1',
      '--port',
      String(this.port),
      // One local node: nobody would answer a sync query, and each uncached load would wait for it.
      '--sync-override',
      'never-sync',
      '--disable-composedb',
    ];
    const out = fs.openSync(this.options.logFile, 'a');
    const child = spawn(process.execPath, args, {
      cwd: workspace.dir,
      stdio: ['ignore', out, out],
      env: {
        ...childEnvironment(),
        HOME: this.paths.home,
        LITBOX_CERAMIC_BLOCKS: this.paths.blocks,
        IPFS_FLAVOR: 'go',
        SCARF_ANALYTICS: 'false',
        NODE_ENV: 'production',
        // When the host itself runs inside Electron, its execPath is Electron: run it as plain Node.
        ELECTRON_RUN_AS_NODE: '1',
      },
    });
    fs.closeSync(out);
    this.child = child;
    if (child.pid) fs.writeFileSync(this.paths.pid, String(child.pid));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('error', () => undefined); // reported by start() as an early exit
    child.once('exit', (code, signal) => {
      const wasUp = this.healthy;
      this.healthy = false;
      if (this.child === child) this.child = undefined;
      if (wasUp) this.emit('change');
      if (!this.stopping && wasUp) this.scheduleRestart(`exited (code ${code}, signal ${signal})`);
    });
  }

  /** After a crash: start again, waiting longer after each failure in a row (1 s, 2 s, … 30 s). */
  private scheduleRestart(why: string, attempt = 0): void {
    const delay = Math.min((this.options.restartDelayMs ?? 1_000) * 2 ** attempt, 30_000);
    fs.appendFileSync(this.options.logFile, `\n[litbox] Ceramic node ${why}; restarting in ${delay} ms\n`);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.restarts++;
      this.start().catch((err: Error) => {
        if (!this.stopping) this.scheduleRestart(err.message, attempt + 1);
      });
    }, delay);
  }

  async answers(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/api/v0/node/healthcheck`, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Stops the daemon (SIGTERM, SIGKILL after `graceMs`) and any pending restart. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && this.exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = undefined;
    this.healthy = false;
    fs.rmSync(this.paths.pid, { force: true });
  }

  /** Simulates a crash (tests). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** A host that was SIGKILLed leaves its Ceramic daemon running: stop it before starting on the same state. */
  private async reapOrphan(): Promise<void> {
    const pid = Number(readText(this.paths.pid));
    fs.rmSync(this.paths.pid, { force: true });
    if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
    let environ = '';
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      return;
    }
    if (!environ.includes(`LITBOX_CERAMIC_BLOCKS=${this.paths.blocks}\0`)) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
