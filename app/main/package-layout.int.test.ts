import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackageLayout } from '../../scripts/package-layout.ts';
import { REPO_ROOT } from './testing/shell-under-test.ts';

/**
 * `npm run package` (after the build `npm test` already made): with LITBOX_ELECTRON_DIST naming an
 * Electron directory, the real .deb; without one, the unpacked app around a placeholder Electron.
 * Either way the packaged folder must hold, and run, everything the host needs.
 */

const realElectron = process.env.LITBOX_ELECTRON_DIST;
const output = path.join(REPO_ROOT, 'dist', realElectron ? '' : 'layout-check');
const unpacked = path.join(output, 'linux-unpacked');

describe.runIf(process.platform === 'linux')('the desktop package', () => {
  it('holds the bundled Node, anvil, the native modules as built for Node, the contracts and the renderer, and runs the host', () => {
    execFileSync(
      process.execPath,
      ['scripts/package.ts', '--skip-build', ...(realElectron ? ['--targets', 'deb'] : [])],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
        timeout: 600_000,
      },
    );
    const report = checkPackageLayout(unpacked);
    expect(report.problems).toEqual([]);
    expect(report.checked).toEqual(
      expect.arrayContaining([
        'node/bin/node',
        "the host's modules and their dependencies load from the package",
        'better-sqlite3, isolated-vm and keytar load in the bundled Node',
      ]),
    );

    // The check is not a formality: a package without its Node runtime or the contracts fails it.
    const node = path.join(unpacked, 'resources', 'node', 'bin', 'node');
    const contracts = path.join(
      unpacked,
      'resources',
      'app',
      'app',
      'shared',
      'contracts',
      'generated',
      'artifacts.ts',
    );
    fs.renameSync(node, `${node}.away`);
    fs.renameSync(contracts, `${contracts}.away`);
    try {
      const broken = checkPackageLayout(unpacked).problems;
      expect(broken).toContain('missing the bundled Node runtime: node/bin/node');
      expect(broken).toContain('missing the generated contracts: app/app/shared/contracts/generated/artifacts.ts');
    } finally {
      fs.renameSync(`${node}.away`, node);
      fs.renameSync(`${contracts}.away`, contracts);
    }

    if (realElectron) {
      const deb = fs.readdirSync(output).find((f) => f.endsWith('.deb'));
      expect(deb).toBeDefined();
      const contents = execFileSync('dpkg-deb', ['--contents', path.join(output, deb!)]).toString();
      expect(contents).toMatch(/resources\/node\/bin\/node/);
      expect(contents).toMatch(/usr\/share\/applications\/litbox\.desktop/);
    }
  }, 600_000);
});
