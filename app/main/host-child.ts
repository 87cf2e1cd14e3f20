import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface HostChild {
  url: string;
  token: string;
  process: ChildProcess;
}

/**
 * The host runs under the Node runtime bundled with the app (the `node` package), not
 * inside Electron: better-sqlite3 and isolated-vm are built for Node's ABI, and isolated-vm
 * does not load in Electron's binary. The address and token come back over IPC, never argv.
 */
export function startHostChild(appRoot: string, dataDir: string, resourcesPath: string): Promise<HostChild> {
  const runtime = bundledNodePath(appRoot, resourcesPath);
  const entry = path.join(appRoot, 'app', 'host', 'cli.ts');
  const child = fork(entry, ['up', '--data-dir', dataDir, '--report-to-parent'], {
    execPath: runtime,
    execArgv: ['--no-node-snapshot'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  return new Promise((resolve, reject) => {
    let listening: { url: string; token: string } | undefined;
    child.on('message', (raw: unknown) => {
      const msg = raw as { type?: string; url?: string; token?: string };
      if (msg.type === 'listening' && msg.url && msg.token) listening = { url: msg.url, token: msg.token };
      if (msg.type === 'ready' && listening) resolve({ ...listening, process: child });
    });
    child.once('exit', (code) => reject(new Error(`the Litbox host stopped during start-up (exit code ${code})`)));
  });
}

function bundledNodePath(appRoot: string, resourcesPath: string): string {
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const candidates = [
    path.join(resourcesPath, 'node', 'bin', exe),
    path.join(appRoot, 'node_modules', 'node', 'bin', exe),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`the bundled Node runtime is missing (looked in ${candidates.join(', ')})`);
  return found;
}
