import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { NodeStatus } from '../../shared/api/contract.ts';
import {
  NodeToHostMessage,
  type HostToNodeMessage,
  type NodeHealth,
  type NodeLaunchConfig,
} from '../../shared/node-ipc.ts';
import { childEnvironment } from '../child-environment.ts';
import { nodeEntry } from './node-entry.ts';

export interface NodeProcessOptions {
  launch: NodeLaunchConfig;
  logFile: string;
  /**
   * V8's compile cache for the node program (NODE_COMPILE_CACHE). Seven nodes each compile the
   * same ~1000 modules at every start; with the cache a start costs about a third less CPU.
   */
  compileCacheDir?: string;
  /** Restart backoff: first delay, doubled per quick failure, capped. */
  backoffMs?: { initial: number; max: number };
  readyTimeoutMs?: number;
}

type State = 'stopped' | 'starting' | 'up' | 'backoff';

/** The counters the host keeps of a node, from its /health (or its ready message). */
export interface NodeStats {
  keysReady: number;
  presignaturesFresh: number;
  networkReady: boolean;
  networkPublicKey: string | null;
  actionRunner: NodeStatus['actionRunner'];
}

export function nodeStatsFrom(health: NodeHealth): NodeStats {
  const runner = health.actionRunner;
  return {
    keysReady: health.keysReady,
    presignaturesFresh: health.presignaturesFresh,
    networkReady: health.networkReady,
    networkPublicKey: health.networkPublicKey,
    actionRunner: runner
      ? {
          running: runner.running,
          capacity: runner.capacity,
          queued: runner.queued,
          runnersReplaced: runner.runnersReplaced,
          lastReplacedReason: runner.lastReplaced?.reason ?? null,
          busyRefusals: runner.busyRefusals,
          stuck: runner.stuck,
        }
      : null,
  };
}

/**
 * One supervised node process. It restarts the node when it dies unexpectedly, with a
 * backoff that grows while the node keeps failing soon after start.
 */
export class NodeProcess extends EventEmitter<{ change: []; port: [number] }> {
  readonly index: number;
  restarts = 0;
  address: string | null = null;
  /** The node's registered communication keys (hex), as it reported them. */
  communicationKeys: { signingKey: string; encryptionKey: string } | null = null;
  /** Counters from the node's ready message, then from its /health (the supervisor polls it). */
  stats: NodeStats | null = null;
  private state: State = 'stopped';
  private child: ChildProcess | undefined;
  private wanted = false;
  private failures = 0;
  /** Set once the node has been up: from then on the network serves, and it restarts into that. */
  private wasUp = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private options: NodeProcessOptions;

  constructor(options: NodeProcessOptions) {
    super();
    this.options = options;
    this.index = options.launch.index;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.launch.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get up(): boolean {
    return this.state === 'up';
  }

  /**
   * Starts the node and resolves when it reports ready. The process starts at once; its launch
   * config is sent when `launchWhen` resolves, so that loading the node program (the slow part
   * of a start) overlaps whatever the config still waits for (the chain, the contracts).
   */
  async start(launchWhen?: Promise<void>): Promise<void> {
    this.wanted = true;
    clearTimeout(this.restartTimer);
    if (this.child) return;
    await this.spawnOnce(launchWhen);
  }

  /** Updates the launch config before it is sent (or for the next restart); nothing is sent now. */
  setContracts(contracts: NonNullable<NodeLaunchConfig['contracts']>): void {
    this.options.launch = { ...this.options.launch, contracts };
  }

  private spawnOnce(launchWhen: Promise<void> = Promise.resolve()): Promise<void> {
    const log = fs.openSync(this.options.logFile, 'a');
    // The host runs the node program with the same Node binary it runs on.
    const child = fork(nodeEntry(), [], {
      // LITBOX_NODE_PROFILE_DIR: write a V8 CPU profile per node process (performance work).
      // No --no-node-snapshot: isolated-vm (which needs it) loads only in the runner processes
      // the node starts, and Node's start-up snapshot saves each node ~0.2 s of CPU.
      execArgv: [
        ...(process.env.LITBOX_NODE_PROFILE_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LITBOX_NODE_PROFILE_DIR}`]
          : []),
      ],
      stdio: ['ignore', log, log, 'ipc'],
      serialization: 'json',
      env: {
        ...childEnvironment(),
        ...(this.options.compileCacheDir && !process.env.NODE_COMPILE_CACHE
          ? { NODE_COMPILE_CACHE: this.options.compileCacheDir }
          : {}),
      },
    });
    fs.closeSync(log);
    this.child = child;
    this.state = 'starting';
    this.emit('change');
    const startedAt = Date.now();

    const ready = new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      void launchWhen.then(
        () => {
          if (this.child !== child || child.exitCode !== null || child.signalCode !== null) return;
          // Its first start is the network's: it joins without waiting for its action runner.
          child.send({ ...this.options.launch, awaitRunner: this.wasUp });
          timer = setTimeout(() => {
            // A node that hangs at start-up is killed; the exit handler then restarts it.
            child.kill('SIGKILL');
            reject(new Error(`node ${this.index} did not report ready in time; see ${this.options.logFile}`));
          }, this.options.readyTimeoutMs ?? 30_000);
        },
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      );
      child.on('message', (raw) => {
        const parsed = NodeToHostMessage.safeParse(raw);
        if (!parsed.success) return;
        const msg = parsed.data;
        if (msg.type === 'ready') {
          clearTimeout(timer);
          if (msg.port !== this.options.launch.port) {
            this.options.launch = { ...this.options.launch, port: msg.port };
            this.emit('port', msg.port);
          }
          this.address = msg.address;
          this.communicationKeys = { signingKey: msg.signingKey, encryptionKey: msg.encryptionKey };
          this.stats = nodeStatsFrom(msg.health);
          this.state = 'up';
          this.wasUp = true;
          this.emit('change');
          resolve();
        } else if (msg.type === 'fatal') {
          clearTimeout(timer);
          reject(new Error(`node ${this.index} failed to start: ${msg.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`node ${this.index} exited during start-up (${signal ?? code}); see ${this.options.logFile}`));
      });
    });

    // IPC to a node that just died must not take the host down with it.
    child.on('error', () => undefined);
    child.once('exit', () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.state = 'stopped';
      if (this.wanted) this.scheduleRestart(Date.now() - startedAt);
      this.emit('change');
    });
    return ready;
  }

  private scheduleRestart(livedMs: number): void {
    const { initial, max } = this.options.backoffMs ?? { initial: 200, max: 10_000 };
    // A node that ran a while before dying starts over from the shortest delay.
    this.failures = livedMs > 30_000 ? 0 : this.failures + 1;
    const delay = Math.min(max, initial * 2 ** Math.max(0, this.failures - 1));
    this.state = 'backoff';
    this.restartTimer = setTimeout(() => {
      if (!this.wanted) return;
      this.restarts++;
      this.spawnOnce().catch(() => {
        // The exit handler schedules the next attempt.
      });
    }, delay);
  }

  /** Tells the node (and every later incarnation of it) which contracts make the network. */
  joinNetwork(contracts: NonNullable<NodeLaunchConfig['contracts']>): void {
    this.options.launch = { ...this.options.launch, contracts };
    this.tell({ type: 'network', contracts });
  }

  /** Tells the node to start its Lit Action runner, if it has not (the network is usable). */
  startRunner(): void {
    this.tell({ type: 'startRunner' });
  }

  /** Tells the node that another node went down or came back (see HostToNodeMessage). */
  peersChanged(): void {
    this.tell({ type: 'peersChanged' });
  }

  private tell(message: HostToNodeMessage): void {
    if (this.child?.connected) this.child.send(message);
  }

  /** Stops the node and keeps it stopped (no restart). */
  async stop(graceMs = 5_000): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) {
      this.state = 'stopped';
      this.emit('change');
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Simulates a crash; the supervisor brings the node back. */
  kill(): void {
    this.child?.kill('SIGKILL');
  }
}
