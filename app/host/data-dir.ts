import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The OS's per-user app data folder for Litbox (the same folder Electron calls userData). */
export function defaultDataDir(): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Litbox');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Litbox');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Litbox');
  }
}

/** Creates the folder if needed and proves we can write there, with a message a person can act on. */
export function ensureWritableDir(dir: string): string {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
    const probe = path.join(abs, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`the data directory ${abs} is not writable (${code}); choose another with --data-dir`);
  }
  return abs;
}

/** Paths of everything the host keeps in a data directory. */
export function dataPaths(dataDir: string) {
  return {
    lock: path.join(dataDir, 'host.lock'),
    runtime: path.join(dataDir, 'host.json'),
    network: path.join(dataDir, 'network.json'),
    vault: path.join(dataDir, 'vault.json'),
    chainDir: path.join(dataDir, 'chain'),
    chainState: path.join(dataDir, 'chain', 'anvil-state.json'),
    chainPid: path.join(dataDir, 'chain', 'anvil.pid'),
    chainJournal: path.join(dataDir, 'chain', 'journal.sqlite'),
    logsDir: path.join(dataDir, 'logs'),
    actionsDir: path.join(dataDir, 'actions'),
    hostDb: path.join(dataDir, 'host.sqlite'),
    oidcDir: path.join(dataDir, 'oidc'),
    nodeDir: (index: number) => path.join(dataDir, 'nodes', `node-${index}`),
  };
}
export type DataPaths = ReturnType<typeof dataPaths>;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One host per data directory. The lock file holds the owner's pid; a lock left by a
 * process that no longer exists (a crash) is taken over.
 */
export class DataDirLock {
  private held = false;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  acquire(): void {
    // The lock appears with our pid already in it (hard link of a written temp file), so
    // nobody ever reads an empty lock and mistakes it for a stale one.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, String(process.pid), { mode: 0o600 });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          fs.linkSync(tmp, this.file);
          this.held = true;
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        let owner = 0;
        try {
          owner = Number(fs.readFileSync(this.file, 'utf8').trim());
        } catch {
          continue; // it went away meanwhile: try again
        }
        if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) {
          throw new Error(
            `another Litbox host (pid ${owner}) is already running on ${path.dirname(this.file)}; stop it first or use another --data-dir`,
          );
        }
        // A crashed host's lock: move it aside atomically; of two hosts racing here, one wins.
        try {
          fs.renameSync(this.file, `${this.file}.stale-${owner}-${process.pid}`);
          fs.rmSync(`${this.file}.stale-${owner}-${process.pid}`, { force: true });
        } catch {
          // someone else moved it first
        }
      }
      throw new Error(`could not take the lock ${this.file}`);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Removes the lock only if it is still ours (never another host's, after a takeover). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    removeIfOwnedBy(this.file, (text) => Number(text.trim()) === process.pid);
  }
}

/** Written once the API listens, read by the CLI to find the running host. Owner-only: it holds the token. */
export interface HostRuntimeInfo {
  pid: number;
  port: number;
  url: string;
  token: string;
}

export function writeRuntimeInfo(file: string, info: HostRuntimeInfo): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the runtime file if this process wrote it. */
export function removeRuntimeInfo(file: string): void {
  removeIfOwnedBy(file, (text) => (JSON.parse(text) as HostRuntimeInfo).pid === process.pid);
}

function removeIfOwnedBy(file: string, isOurs: (text: string) => boolean): void {
  try {
    if (isOurs(fs.readFileSync(file, 'utf8'))) fs.rmSync(file, { force: true });
  } catch {
    // Gone already, or not readable as ours: leave it.
  }
}

export function readRuntimeInfo(file: string): HostRuntimeInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as HostRuntimeInfo;
    return isProcessAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}
