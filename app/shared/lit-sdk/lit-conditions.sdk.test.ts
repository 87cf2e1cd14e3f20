import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONDITION_CASES } from './lit-conditions.fixtures.ts';
import { readLitConditions, type LitConditionFields } from './lit-conditions.ts';

// Wire check against Lit's own v8 SDK (compat/lit-sdk/acc-hash-check.mjs runs its hashing and
// formatting): what `decrypt` sends a node, the node reads, and finds the hash the SDK encrypted
// under. Skipped, with a word, when the SDK workspace is not installed; under CI that is an error.
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const workspace = path.join(REPO_ROOT, 'compat', 'lit-sdk');
const installed = fs.existsSync(
  path.join(workspace, 'node_modules', '@lit-protocol', 'access-control-conditions', 'package.json'),
);
if (!installed && process.env.CI) throw new Error('compat/lit-sdk is not installed (.ci/run runs npm ci there)');
if (!installed)
  console.warn(
    'skipping the Lit SDK conditions test: compat/lit-sdk is not installed (npm run compat:lit-sdk:install)',
  );

describe.skipIf(!installed)("access control conditions, against the SDK's own hashing", () => {
  it('hash alike, for plain, EVM contract and unified lists, nested and with operators', async () => {
    const { stdout } = await promisify(execFile)(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'node'),
      ['acc-hash-check.mjs', JSON.stringify(CONDITION_CASES)],
      { cwd: workspace, timeout: 30_000 },
    );
    const line = /^litbox-result: (.*)$/m.exec(stdout)?.[1];
    expect(line, stdout.slice(-2000)).toBeDefined();
    const results = JSON.parse(line!) as { hash: string; formatted: LitConditionFields }[];
    expect(results).toHaveLength(CONDITION_CASES.length);
    for (const [i, { hash, formatted }] of results.entries()) {
      // As sent to the nodes (JSON drops the lists not given).
      const sent = JSON.parse(JSON.stringify(formatted)) as LitConditionFields;
      expect(readLitConditions(sent).hash, `case ${i}`).toBe(hash);
      // As the developer wrote them (with conditionType, extra ABI fields): the same.
      expect(readLitConditions(CONDITION_CASES[i] as LitConditionFields).hash, `case ${i} as written`).toBe(hash);
    }
  }, 60_000);
});
