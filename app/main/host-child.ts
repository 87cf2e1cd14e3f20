import { execFile, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HostToShell, type ShellToHost } from '../shared/shell-ipc.ts';

export interface HostChildOptions {
  /** The app's folder (resources/app when packaged, the repository in development). */
  appRoot: string;
  /** Electron's process.resourcesPath: the bundled Node runtime is in resources/node. */
  resourcesPath: string;
  dataDir: string;
  /** Where a NEW data directory keeps its secrets (the shell says passphrase-file when safeStorage keeps the passphrase). */
  newVault: 'keychain' | 'passphrase-file';
  onMessage: (message: HostToShell) => void;
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** How many of the host's last log lines are kept for the "host stopped" view. */
const LOG_TAIL_LINES = 40;
const GONE_POLL_MS = 50;

/**
 * The host runs under the Node runtime bundled with the app (the `node` package), not
 * inside Electron: better-sqlite3 and isolated-vm are built for Node's ABI, and isolated-vm
 * does not load in Electron's binary. The address, token and passphrase go over IPC, never
 * argv or the environment.
 *
 * On POSIX the host leads its own process group, which holds anvil and every node it starts:
 * "the group is empty" is how the shell knows that nothing is left when it quits.
 */
export class HostChild {
  readonly process: ChildProcess;
  /** The host's last log lines (stdout and stderr), for the view shown when it stops. */
  readonly logTail: string[] = [];
  readonly exited: Promise<void>;
  private hasExited = false;
  private awaitingPassphrase = false;

  constructor(options: HostChildOptions) {
    const runtime = bundledNodePath(options.appRoot, options.resourcesPath);
    const entry = path.join(options.appRoot, 'app', 'host', 'cli.ts');
    this.process = fork(
      entry,
      ['up', '--data-dir', options.dataDir, '--report-to-parent', '--new-vault', options.newVault],
      {
        execPath: runtime,
        execArgv: ['--no-node-snapshot'],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
        detached: process.platform !== 'win32',
      },
    );
    for (const stream of [this.process.stdout, this.process.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        (stream === this.process.stdout ? process.stdout : process.stderr)?.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        this.keepLines(lines);
      });
    }
    this.process.on('message', (raw: unknown) => {
      const parsed = HostToShell.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === 'passphrase-needed') this.awaitingPassphrase = true;
      options.onMessage(parsed.data);
    });
    this.exited = new Promise((resolve) =>
      this.process.once('exit', (code, signal) => {
        this.hasExited = true;
        resolve();
        options.onExit(code, signal);
      }),
    );
  }

  get isRunning(): boolean {
    return !this.hasExited;
  }

  /** Answers the host's passphrase question; an empty answer means "none" (the host then stops starting). */
  answerPassphrase(passphrase: string): void {
    if (!this.awaitingPassphrase || !this.process.connected) return;
    this.awaitingPassphrase = false;
    const message: ShellToHost = { type: 'passphrase', passphrase };
    this.process.send(message);
  }

  /**
   * Stops the host (it saves the chain state and stops anvil and the nodes) and waits until
   * it and every process it started are gone. After `timeoutMs` whatever is left is killed.
   */
  async stop(timeoutMs: number): Promise<'stopped' | 'killed'> {
    // A host still waiting for a passphrase would never get to its stop.
    if (this.awaitingPassphrase) this.answerPassphrase('');
    if (this.isRunning) this.process.kill('SIGTERM');
    const deadline = Date.now() + timeoutMs;
    const gone = async (): Promise<boolean> => {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const exited = await Promise.race([this.exited.then(() => true), sleep(left).then(() => false)]);
      return exited && (await this.waitGroupEmpty(deadline));
    };
    if (await gone()) return 'stopped';
    this.killTree();
    const killDeadline = Date.now() + 5_000;
    await Promise.race([this.exited, sleep(5_000)]);
    await this.waitGroupEmpty(killDeadline);
    return 'killed';
  }

  private keepLines(lines: string[]): void {
    for (const line of lines) if (line.trim()) this.logTail.push(line);
    if (this.logTail.length > LOG_TAIL_LINES) this.logTail.splice(0, this.logTail.length - LOG_TAIL_LINES);
  }

  /** True once no process of the host's group is left (POSIX); on Windows, once the host exited. */
  private async waitGroupEmpty(deadline: number): Promise<boolean> {
    const pid = this.process.pid;
    if (process.platform === 'win32' || pid === undefined) return !this.isRunning;
    while (Date.now() < deadline) {
      if (!isGroupAlive(pid)) return true;
      await sleep(GONE_POLL_MS);
    }
    return !isGroupAlive(pid);
  }

  private killTree(): void {
    const pid = this.process.pid;
    if (pid === undefined) return;
    if (process.platform === 'win32') {
      execFile('taskkill', ['/pid', String(pid), '/T', '/F'], () => undefined);
      return;
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function bundledNodePath(appRoot: string, resourcesPath: string): string {
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const candidates = [
    path.join(resourcesPath, 'node', 'bin', exe),
    path.join(appRoot, 'node_modules', 'node', 'bin', exe),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`the bundled Node runtime is missing (looked in ${candidates.join(', ')})`);
  return found;
}
