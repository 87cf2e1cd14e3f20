import fs from 'node:fs';
import path from 'node:path';
import { runWorkspaceScript } from './lit-sdk-workspace.ts';
import { REPO_ROOT } from './sandbox/spawn-cli.ts';

/**
 * Lit's v7 ("Datil") SDK lives in a workspace of its own (compat/lit-sdk-v7, about 160 MB:
 * never among the app's dependencies, nor beside the v8 SDK, whose packages share its names);
 * .ci/run installs it, a developer runs `npm run compat:lit-sdk-v7:install`.
 */
export const LIT_SDK_V7_WORKSPACE = path.join(REPO_ROOT, 'compat', 'lit-sdk-v7');

/**
 * Whether the v7 SDK is installed. In CI it must be (a missing workspace fails the run);
 * elsewhere the tests that need it skip, and say so naming `what`.
 */
export function litSdkV7Installed(what: string): boolean {
  const installed = fs.existsSync(
    path.join(LIT_SDK_V7_WORKSPACE, 'node_modules', '@lit-protocol', 'lit-node-client', 'package.json'),
  );
  if (!installed && process.env.CI) throw new Error('compat/lit-sdk-v7 is not installed (.ci/run runs npm ci there)');
  if (!installed)
    console.warn(`skipping ${what}: compat/lit-sdk-v7 is not installed (npm run compat:lit-sdk-v7:install)`);
  return installed;
}

/**
 * Runs one of compat/lit-sdk-v7's scripts with the project's Node 24 (`args[0]` is the script,
 * `env` added to this process's, for secrets that must not go in argv);
 * resolves with its exit code and output (stdout and stderr together), rejects after `timeoutMs`.
 */
export function runV7Script(
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return runWorkspaceScript(LIT_SDK_V7_WORKSPACE, args, timeoutMs, env);
}

/** The one line `litbox-result: {json}` a script prints (the SDK logs freely around it), parsed. */
export function scriptResult<T>(out: string): T | undefined {
  const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
  return line === undefined ? undefined : (JSON.parse(line) as T);
}
