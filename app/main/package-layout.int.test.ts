import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeb, debArchitecture } from '../../scripts/package-deb.ts';
import { checkPackageLayout } from '../../scripts/package-layout.ts';
import { REPO_ROOT } from './testing/shell-under-test.ts';

/**
 * `npm run package` (after the build `npm test` already made): with LITBOX_ELECTRON_DIST naming an
 * Electron directory, the real .deb; without one, the unpacked app and the .deb around a
 * placeholder Electron. Either way the packaged folder, and the .deb installed into a temporary
 * folder (outside the repository, so nothing resolves from its node_modules), must hold, and
 * run, everything the host needs.
 */

const realElectron = process.env.LITBOX_ELECTRON_DIST;
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
const output = path.join(REPO_ROOT, 'dist', realElectron ? '' : 'layout-check');
const unpacked = path.join(output, 'linux-unpacked');

describe.runIf(process.platform === 'linux')('the desktop package', () => {
  it('holds the bundled Node, anvil, the native modules as built for Node, the contracts and the renderer, runs the host, and makes a .deb that installs all of it', () => {
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

    // The .deb, made by dpkg-deb and checked as dpkg sees it.
    const deb = fs.readdirSync(output).find((f) => f.endsWith('.deb'));
    expect(deb).toBe(`litbox_${pkg.version}_${debArchitecture()}.deb`);
    const debReport = checkDeb(path.join(output, deb!));
    expect(debReport.problems).toEqual([]);
    expect(debReport.placeholderElectron).toBe(!realElectron);
    expect(debReport.fields).toMatchObject({
      Package: 'litbox',
      Version: pkg.version,
      Architecture: debArchitecture(),
    });
    expect(debReport.checked).toEqual(
      expect.arrayContaining([
        '/usr/share/applications/litbox.desktop',
        'installed: better-sqlite3, isolated-vm and keytar load in the bundled Node',
      ]),
    );
    const contents = execFileSync('dpkg-deb', ['--contents', path.join(output, deb!)], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString();
    expect(contents).toMatch(/\.\/opt\/Litbox\/resources\/node\/bin\/node\n/);
    expect(contents).toMatch(/\.\/usr\/bin\/litbox -> \.\.\/\.\.\/opt\/Litbox\/litbox/);
  }, 600_000);
});
