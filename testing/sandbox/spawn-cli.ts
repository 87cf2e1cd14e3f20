import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Test support: run the real CLI as a separate process, as a user would. */

export const CLI_ENTRY = fileURLToPath(new URL('../../app/host/cli.ts', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `npx litbox` runs: bin/litbox.mjs (the bundle in out/cli when current, else the source). */
export const CLI_LAUNCHER = fileURLToPath(new URL('../../bin/litbox.mjs', import.meta.url));

export function tempDataDir(prefix = 'litbox-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a CLI command to completion: from source by default; `via: 'launcher'` runs it as
 * `npx litbox` does (bin/litbox.mjs), with `node` (default: this Node) and extra `env`.
 */
export function runCliProcess(
  args: string[],
  timeoutMs = 60_000,
  options: { via?: 'source' | 'launcher'; node?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const entry = options.via === 'launcher' ? [CLI_LAUNCHER] : ['--no-node-snapshot', CLI_ENTRY];
    const child = spawn(options.node ?? process.execPath, [...entry, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`litbox ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningSandbox {
  child: ChildProcess;
  /** The UI address with its #token fragment, as printed. */
  uiUrl: string;
  baseUrl: string;
  token: string;
  stdout(): string;
  stop(): Promise<number | null>;
}

/** Starts `litbox up` and resolves once it printed `ready`. */
export function startSandbox(args: string[], timeoutMs = 90_000): Promise<RunningSandbox> {
  const child = spawn(process.execPath, ['--no-node-snapshot', CLI_ENTRY, 'up', ...args], { cwd: REPO_ROOT });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`litbox up did not print ready in ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`litbox up exited (${code}) before ready\n${out}\n${err}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /Litbox UI: (\S+)/.exec(out)?.[1];
      if (url && /^ready$/m.test(out)) {
        clearTimeout(timer);
        const parsed = new URL(url);
        resolve({
          child,
          uiUrl: url,
          baseUrl: parsed.origin,
          token: parsed.hash.replace('#token=', ''),
          stdout: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}
