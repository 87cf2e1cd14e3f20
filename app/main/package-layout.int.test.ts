import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeb, checkDeb, debArchitecture } from '../../scripts/package-deb.ts';
import { checkPackageLayout } from '../../scripts/package-layout.ts';
import { REPO_ROOT } from '../../testing/desktop/shell-under-test.ts';

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
    // Fails (exit 1) when the layout or the .deb check finds a problem.
    const said = execFileSync(
      process.execPath,
      ['scripts/package.ts', '--skip-build', ...(realElectron ? ['--targets', 'deb'] : [])],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
        timeout: 600_000,
      },
    ).toString();
    // package.ts ran the layout check on the unpacked folder (it exits 1 on a problem).
    expect(said).toMatch(/layout: \d+ checks on .*linux-unpacked, 0 problems/);
    for (const item of [
      'node/bin/node',
      "the host's modules and their dependencies load from the package",
      'better-sqlite3, isolated-vm and keytar load in the bundled Node',
    ])
      expect(said).toContain(`layout: ok ${item}\n`);

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

    // The .deb, made by dpkg-deb; package.ts checked it installed into a temporary folder
    // (scripts/package-deb.ts checkDeb), and says whether it holds the placeholder Electron.
    const deb = path.join(output, `litbox_${pkg.version}_${debArchitecture()}.deb`);
    expect(said).toMatch(new RegExp(`deb: \\d+ checks on ${deb.replaceAll('.', '\\.')} .*, 0 problems`));
    expect(said.includes('built around the placeholder Electron')).toBe(!realElectron);
    for (const item of [
      '/usr/share/applications/litbox.desktop',
      "installed: the host's modules and their dependencies load from the package",
      'installed: better-sqlite3, isolated-vm and keytar load in the bundled Node',
    ])
      expect(said).toContain(`deb: ok ${item}\n`);
    const field = (name: string) => execFileSync('dpkg-deb', ['--field', deb, name]).toString().trim();
    expect(field('Package')).toBe('litbox');
    expect(field('Version')).toBe(pkg.version);
    expect(field('Architecture')).toBe(debArchitecture());
    expect(field('Depends')).toMatch(/libgtk-3-0.*libnss3.*libsecret-1-0/);
    const contents = execFileSync('dpkg-deb', ['--contents', deb], { maxBuffer: 256 * 1024 * 1024 }).toString();
    expect(contents).toMatch(/\.\/opt\/Litbox\/resources\/node\/bin\/node\n/);
    expect(contents).toMatch(/\.\/opt\/Litbox\/resources\/app\/node_modules\/better-sqlite3\//);
    expect(contents).toMatch(/\.\/usr\/share\/applications\/litbox\.desktop\n/);
    expect(contents).toMatch(/\.\/usr\/share\/icons\/hicolor\/512x512\/apps\/litbox\.png\n/);
    expect(contents).toMatch(/\.\/usr\/bin\/litbox -> \.\.\/\.\.\/opt\/Litbox\/litbox/);
  }, 600_000);

  it('a .deb without the app inside fails its check, said plainly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-deb-broken-'));
    try {
      // An "unpacked app" with only the placeholder binary: no runtime, no host, no renderer.
      const unpackedApp = path.join(dir, 'linux-unpacked');
      fs.mkdirSync(path.join(unpackedApp, 'resources'), { recursive: true });
      fs.writeFileSync(path.join(unpackedApp, 'litbox'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      const report = checkDeb(buildDeb({ unpacked: unpackedApp, outputDir: dir, compression: 'gzip-fast' }));
      expect(report.placeholderElectron).toBe(true);
      expect(report.problems).toEqual(
        expect.arrayContaining([
          `missing the bundled Node runtime: /opt/Litbox/resources/node/bin/node`,
          'installed: missing the bundled Node runtime: node/bin/node',
          'installed: missing the renderer: app/out/renderer/index.html',
          'control field Installed-Size is "' + report.fields['Installed-Size'] + '": expected the size in KiB',
        ]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
