import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

/**
 * Test support: launches the compiled main process (out/main/index.js, built by `npm run
 * build`) under plain Node with the Electron double, as a person launches the app, and
 * records what the double reports, with the time since launch.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN_ENTRY = path.join(REPO_ROOT, 'out', 'main', 'index.js');
const USE_DOUBLE = fileURLToPath(new URL('./use-electron-double.ts', import.meta.url));

export interface DoubleEvent {
  double: string;
  /** ms since launch, on the test's clock. */
  at: number;
  [key: string]: unknown;
}

export interface ShellOptions {
  userData: string;
  /** Hex AES key: safeStorage is available (the OS secret store answers). */
  safeStorageKey?: string;
  /** Another build of the main process (the "before" figures). */
  mainEntry?: string;
  /** More environment for the shell (and so the host it starts). */
  env?: Record<string, string>;
}

export class ShellUnderTest {
  readonly child: ChildProcess;
  readonly events: DoubleEvent[] = [];
  readonly exited: Promise<number | null>;
  output = '';
  /** performance.now() at launch. */
  readonly started = performance.now();
  private nextId = 1;
  private waiters: (() => void)[] = [];

  constructor(options: ShellOptions) {
    this.child = fork(options.mainEntry ?? MAIN_ENTRY, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', USE_DOUBLE],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        LITBOX_DOUBLE_APP_PATH: REPO_ROOT,
        LITBOX_DATA_DIR: options.userData,
        LITBOX_DOUBLE_USER_DATA: options.userData,
        ...(options.safeStorageKey ? { LITBOX_DOUBLE_SAFE_STORAGE_KEY: options.safeStorageKey } : {}),
        ...options.env,
      },
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.on('message', (raw) => {
      const message = raw as { double?: string };
      if (!message?.double) return;
      this.events.push({ ...(message as { double: string }), at: performance.now() - this.started });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The first event (after `after` events) matching, waiting for it. */
  async waitFor(
    name: string,
    match: (e: DoubleEvent) => boolean = () => true,
    timeoutMs = 100_000,
    after = 0,
  ): Promise<DoubleEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(after).find((e) => e.double === name && match(e));
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`the shell exited before "${name}":\n${this.output.slice(-3000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${name}" within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Loads of the host's UI (not the shell page). */
  waitForHostUi(after = 0, timeoutMs = 100_000): Promise<DoubleEvent> {
    return this.waitFor('load', (e) => String(e.url).startsWith('http://'), timeoutMs, after);
  }

  send(command: Record<string, unknown>): void {
    this.child.send(command);
  }

  /** A command the double answers. */
  async ask<T = unknown>(command: Record<string, unknown>, timeoutMs = 100_000): Promise<T> {
    const id = this.nextId++;
    const from = this.events.length;
    this.child.send({ ...command, id });
    const reply = await this.waitFor('reply', (e) => e.id === id, timeoutMs, from);
    if (!reply.ok) throw new Error(`${String(reply.error)}\n${this.output.slice(-3000)}`);
    return reply.value as T;
  }

  page(action: string, selector?: string, value?: string): Promise<unknown> {
    return this.ask({ cmd: 'page', action, selector, value });
  }

  /** A call to the host's API from its own page in the window (with the page's token). */
  hostApi<T = unknown>(name: string, input: Record<string, unknown> = {}): Promise<T> {
    const script = `(async () => {
      const res = await fetch('/api/${name}', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem('litbox.token') },
        body: ${JSON.stringify(JSON.stringify(input))},
      });
      const body = await res.json();
      if (!res.ok) throw new Error(JSON.stringify(body.error));
      return body.result;
    })()`;
    return this.page('evaluate', undefined, script) as Promise<T>;
  }

  async quit(): Promise<number | null> {
    this.send({ cmd: 'quit' });
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export function tempUserData(prefix = 'litbox-shell-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function randomSafeStorageKey(): string {
  return randomBytes(32).toString('hex');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A data directory for a small network (3 nodes) that has not started yet; optionally with its vault chosen. */
export async function smallNetworkDataDir(userData: string, vault?: 'keychain' | 'passphrase-file'): Promise<void> {
  const nodePorts = [await freePort(), await freePort(), await freePort()];
  fs.writeFileSync(
    path.join(userData, 'network.json'),
    JSON.stringify({ version: 1, chainId: 31337, nodeCount: 3, nodePorts, createdAt: new Date().toISOString(), vault }),
  );
}

/** The host's pid (it leads the process group of anvil and the nodes), from host.json while it runs. */
export function hostPid(userData: string): number {
  return (JSON.parse(fs.readFileSync(path.join(userData, 'host.json'), 'utf8')) as { pid: number }).pid;
}

/** Processes left in a process group (Linux /proc). */
export function processesInGroup(pgid: number): string[] {
  const left: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z')
        left.push(`${entry} ${stat.slice(0, stat.lastIndexOf(')') + 1)}`);
    } catch {
      // gone meanwhile
    }
  }
  return left;
}

/** Every live process descended from `pid` (anvil, the nodes, their runners), by pid. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** The processes of `pids` still running (zombies count as gone), with their command lines. */
export function stillRunning(pids: number[]): string[] {
  const left: string[] = [];
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      left.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    } catch {
      // gone
    }
  }
  return left;
}

/** Processes whose command line mentions a path (anvil's --state, the host's --data-dir). */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(`${entry} ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
