import { execFile, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

/**
 * `npx litbox …` as a script or a CI job types it: in the checkout, and from the package a
 * project installs (the `npm pack` tarball, installed offline from npm's cache, which the
 * checkout's own `npm ci` filled). What the installed case proves: the tarball carries the
 * launcher and the CLI bundle (out/cli: `npm run build` comes first), npm links the `litbox`
 * bin, the dependencies the package declares (at the versions the checkout's lockfile pins)
 * suffice for these commands, and the launcher runs the bundle from under node_modules (where
 * Node refuses to run TypeScript). Install scripts are skipped, so the native addons that `up`
 * needs (better-sqlite3, isolated-vm, keytar) are not built: `up` from the tarball is not tested.
 * Exit codes (README, "The CLI"): 0 for help, 1 for "no host is running".
 */

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a shell, not of the npm script that may have started the tests: npm's
 * npm_* variables would reach the inner npm as settings (npm_config_call would even replace
 * the command). Where npm's cache and config live is kept.
 */
function shellEnv(pathPrefix?: string): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|userconfig|globalconfig|cafile|registry)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
  if (pathPrefix) env.PATH = `${pathPrefix}${path.delimiter}${env.PATH ?? ''}`;
  return env;
}

function run(command: string, args: string[], cwd: string, env = shellEnv(), timeoutMs = 90_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const npx = (cwd: string, args: string[], env?: NodeJS.ProcessEnv) =>
  run('npx', ['--offline', 'litbox', ...args], cwd, env);

/** The answers every `npx litbox` must give, wherever it runs. */
async function expectHelpAndStatus(cwd: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const help = await npx(cwd, ['--help'], env);
  expect(help.stderr).not.toMatch(/Error|ERR_/);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^usage: litbox <command> \[options\]/);
  expect(help.stdout).toContain('litbox status [--json]');

  const noHost = tempDataDir('litbox-npx-nohost-');
  const status = await npx(cwd, ['status', '--json', '--data-dir', noHost], env);
  expect(status.stdout).toBe('');
  expect(status.stderr.trim().split('\n').at(-1)).toBe(
    `litbox: no Litbox host is running on ${noHost}; start one with \`npm run sandbox\` (or \`litbox up --data-dir ${noHost}\`)`,
  );
  expect(status.code).toBe(1);
}

/**
 * A lockfile for a project depending only on the tarball: the checkout's own entries for every
 * package that is not a devDependency, at the same places in node_modules. `npm ci --offline`
 * then needs no registry at all (npm's cache holds the tarballs, not the registry's metadata a
 * fresh resolution would ask for).
 */
function projectLockfile(tarball: string): object {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean } & Record<string, unknown>>;
  };
  const self = lock.packages['']!;
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'uses-litbox', version: '1.0.0', dependencies: { litbox: `file:${tarball}` } },
    'node_modules/litbox': {
      version: self.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: self.dependencies,
      bin: self.bin,
      engines: self.engines,
    },
  };
  for (const [where, entry] of Object.entries(lock.packages))
    if (where.startsWith('node_modules/') && !entry.dev && !entry.link) packages[where] = entry;
  return { name: 'uses-litbox', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

describe('npx litbox in the checkout', () => {
  it('prints the usage, and says no host is running with exit code 1', async () => {
    await expectHelpAndStatus(REPO_ROOT);
  });
});

describe('npx litbox from the installed npm pack tarball', () => {
  const project = tempDataDir('litbox-npx-project-');
  /** Node 24 first on PATH, as the package's `engines` asks. */
  const node24Env = shellEnv(path.dirname(process.execPath));

  beforeAll(async () => {
    expect(fs.existsSync(path.join(REPO_ROOT, 'out', 'cli', 'litbox.mjs')), 'npm run build first').toBe(true);
    const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', project], REPO_ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = path.join(project, packed.stdout.trim().split('\n').at(-1)!);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'uses-litbox',
        version: '1.0.0',
        private: true,
        dependencies: { litbox: `file:${tarball}` },
      }),
    );
    fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(projectLockfile(tarball)));
    const installed = await run(
      'npm',
      ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      project,
      node24Env,
      120_000,
    );
    expect(
      installed.code,
      /ENOTCACHED/.test(installed.stderr)
        ? `npm's cache lacks a dependency: run \`npm ci\` in the checkout first\n${installed.stderr}`
        : installed.stderr,
    ).toBe(0);
  }, 150_000);

  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it('runs the installed bundle: usage, and no host running with exit code 1', async () => {
    const bin = fs.realpathSync(path.join(project, 'node_modules', '.bin', 'litbox'));
    expect(bin).toBe(path.join(fs.realpathSync(project), 'node_modules', 'litbox', 'bin', 'litbox.mjs'));
    await expectHelpAndStatus(project, node24Env);
  });

  it.runIf(olderSystemNodeDir())('started by an older Node, says Node 24 is needed on PATH', async () => {
    const result = await npx(project, ['status', '--json'], shellEnv(olderSystemNodeDir()));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/litbox: needs Node 24 or later \(this is Node \d+\.[\d.]+\); put Node 24 on PATH$/m);
  });
});

/** The folder of a `node` on PATH, outside node_modules, older than 24 (this machine's is v20). */
function olderSystemNodeDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const node = path.join(dir, 'node');
    if (dir.includes('node_modules') || !fs.existsSync(node)) continue;
    const version = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim();
    return version && Number(version.split('.')[0]) < 24 ? dir : undefined;
  }
  return undefined;
}
