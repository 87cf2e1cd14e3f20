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
