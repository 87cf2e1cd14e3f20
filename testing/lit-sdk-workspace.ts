import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './sandbox/spawn-cli.ts';

/**
 * Lit's own SDK lives in its own workspace (compat/lit-sdk, about 1 GB: never among the app's
 * dependencies); .ci/run installs it, a developer runs `npm run compat:lit-sdk:install`.
 */
export const LIT_SDK_WORKSPACE = path.join(REPO_ROOT, 'compat', 'lit-sdk');

/** The bundled Node 24 (a bare `node` may be older than the SDK wants). */
export const NODE_24 = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');

/**
 * Whether the SDK is installed. In CI it must be (a missing workspace fails the run); elsewhere
 * the tests that need it skip, and say so naming `what`.
 */
export function litSdkInstalled(what: string): boolean {
  const installed = fs.existsSync(
    path.join(LIT_SDK_WORKSPACE, 'node_modules', '@lit-protocol', 'lit-client', 'package.json'),
  );
  if (!installed && process.env.CI) throw new Error('compat/lit-sdk is not installed (.ci/run runs npm ci there)');
  if (!installed) console.warn(`skipping ${what}: compat/lit-sdk is not installed (npm run compat:lit-sdk:install)`);
  return installed;
}

/**
 * Runs one of a compat workspace's scripts with the project's Node 24 (`args[0]` is the script,
 * `env` added to this process's, for secrets that must not go in argv); resolves with its exit
 * code and output (stdout and stderr together), rejects after `timeoutMs`.
 */
export function runWorkspaceScript(
  workspace: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_24, args, { cwd: workspace, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not finish in ${timeoutMs} ms\n${out.slice(-4000)}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
