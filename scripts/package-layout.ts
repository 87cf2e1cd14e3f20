import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The packaged app's layout check: every file the host needs is inside the package, and works.
 * Runs on electron-builder's unpacked folder (dist/linux-unpacked, dist/mac/Litbox.app, dist/win-unpacked),
 * whether it was made with a real Electron or the placeholder (scripts/package.ts).
 *
 *   node scripts/package-layout.ts dist/linux-unpacked
 */

export interface LayoutReport {
  resourcesDir: string;
  problems: string[];
  checked: string[];
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/** The folder holding `app/` and `node/` (Contents/Resources on macOS). */
export function resourcesDirOf(unpacked: string): string {
  const app = fs.readdirSync(unpacked).find((name) => name.endsWith('.app'));
  return app ? path.join(unpacked, app, 'Contents', 'Resources') : path.join(unpacked, 'resources');
}

export function checkPackageLayout(unpacked: string, platform: NodeJS.Platform = process.platform): LayoutReport {
  const resourcesDir = resourcesDirOf(unpacked);
  const appDir = path.join(resourcesDir, 'app');
  const problems: string[] = [];
  const checked: string[] = [];
  const exe = platform === 'win32' ? '.exe' : '';
  const need = (relative: string, what: string, executable = false): string => {
    const file = path.join(resourcesDir, relative);
    checked.push(relative);
    if (!fs.existsSync(file)) problems.push(`missing ${what}: ${relative}`);
    else if (executable && platform !== 'win32' && (fs.statSync(file).mode & 0o111) === 0)
      problems.push(`not executable: ${what}: ${relative}`);
    return file;
  };

  const node = need(`node/bin/node${exe}`, 'the bundled Node runtime', true);
  need('app/package.json', "the app's package.json");
  need('app/out/main/index.js', 'the main process');
  for (const f of ['index.html', 'shell-page.js', 'shell-page.css'])
    need(`app/out/main/shell-page/${f}`, 'the shell page');
  need('app/out/preload/index.cjs', 'the preload');
  const rendererHtml = need('app/out/renderer/index.html', 'the renderer');
  need('app/out/nodes/main.mjs', 'the node program bundle');
  need('app/out/nodes/action-runner-child.mjs', "the Lit Action runner's bundle");
  need('app/out/nodes/presign-thread.mjs', "the presignature thread's bundle");
  need('app/app/host/cli.ts', "the host's entry");
  need('app/app/shared/contracts/generated/artifacts.ts', 'the generated contracts');
  const arch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
  need(`app/node_modules/@foundry-rs/anvil-${platform}-${arch}/bin/anvil${exe}`, 'the anvil binary', true);

  // Every asset the renderer's page names is there.
  if (fs.existsSync(rendererHtml)) {
    for (const [, asset] of fs.readFileSync(rendererHtml, 'utf8').matchAll(/(?:src|href)="\.\/([^"]+)"/g))
      need(`app/out/renderer/${asset}`, 'a renderer asset');
  }

  // main in package.json points at the built main process.
  const pkgFile = path.join(appDir, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const main = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { main?: string }).main;
    if (main !== 'out/main/index.js') problems.push(`package.json main is ${main}, not out/main/index.js`);
  }

  // Native modules: the very files built for Node (nothing rebuilt for Electron's ABI).
  const natives = ['better-sqlite3', 'isolated-vm', 'keytar'];
  for (const name of natives) {
    const packaged = path.join(appDir, 'node_modules', name);
    checked.push(`app/node_modules/${name}`);
    if (!fs.existsSync(packaged)) {
      problems.push(`missing native module ${name}`);
      continue;
    }
    for (const file of nativeBinaries(packaged)) {
      const source = path.join(REPO_ROOT, 'node_modules', name, path.relative(packaged, file));
      if (fs.existsSync(source) && !fs.readFileSync(source).equals(fs.readFileSync(file)))
        problems.push(
          `${name}: ${path.relative(packaged, file)} differs from the build for Node (rebuilt for Electron?)`,
        );
    }
  }
  for (const absent of ['app/node_modules/electron', 'app/node_modules/vitest', 'app/app/main/index.ts'])
    if (fs.existsSync(path.join(resourcesDir, absent))) problems.push(`should not be packaged: ${absent}`);
  const tests = findFiles(path.join(appDir, 'app'), (f) => /\.test\.ts$/.test(f));
  if (tests.length) problems.push(`test files packaged: ${tests.slice(0, 3).join(', ')}`);

  // And they work: the bundled Node loads the host's CLI and every native module from the package.
  if (problems.length === 0 && platform === process.platform) {
    try {
      execFileSync(node, ['--no-node-snapshot', path.join(appDir, 'app', 'host', 'cli.ts'), 'help'], {
        stdio: 'pipe',
        timeout: 60_000,
      });
      checked.push("the host's CLI runs on the bundled Node");
      // Every module the host and the wallet services load (transitive dependencies included).
      const hostModules = ['host.ts', 'supervisor/supervisor.ts', 'chain/anvil-process.ts']
        .map((m) => `await import(${JSON.stringify(pathToFileURL(path.join(appDir, 'app', 'host', m)).href)});`)
        .join(' ');
      execFileSync(node, ['--no-node-snapshot', '--input-type=module', '-e', hostModules], {
        stdio: 'pipe',
        timeout: 60_000,
      });
      checked.push("the host's modules and their dependencies load from the package");
      const script = `const r = require('node:module').createRequire(${JSON.stringify(pkgFile)}); for (const m of ${JSON.stringify(natives)}) r(m);`;
      execFileSync(node, ['--no-node-snapshot', '-e', script], { stdio: 'pipe', timeout: 60_000 });
      checked.push('better-sqlite3, isolated-vm and keytar load in the bundled Node');
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      problems.push(`the packaged host does not run: ${e.stderr?.toString().trim() || e.message}`);
    }
  }
  return { resourcesDir, problems, checked };
}

function nativeBinaries(dir: string): string[] {
  return findFiles(dir, (f) => f.endsWith('.node'));
}

function findFiles(dir: string, match: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(full, match));
    else if (match(full)) found.push(full);
  }
  return found;
}

if (import.meta.main) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node scripts/package-layout.ts UNPACKED_DIR');
    process.exit(2);
  }
  const report = checkPackageLayout(path.resolve(target));
  for (const item of report.checked) console.log(`ok   ${item}`);
  for (const problem of report.problems) console.error(`FAIL ${problem}`);
  process.exit(report.problems.length ? 1 : 0);
}
