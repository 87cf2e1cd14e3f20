import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import builder from 'electron-builder';
import { buildDeb, checkDeb, DESKTOP_ENTRY, printDebReport } from './package-deb.ts';
import { checkPackageLayout } from './package-layout.ts';

/**
 * `npm run package`: builds everything (contracts, main/preload/renderer, the node bundle), then
 * the desktop packages with electron-builder (electron-builder.yml), then checks the packaged
 * layout. See docs/RELEASE.md.
 *
 *  - LITBOX_ELECTRON_DIST=DIR names an unpacked Electron (the version in package-lock.json, as
 *    `node_modules/electron/dist` holds it where the download works): the installers for this OS
 *    are made (Linux .deb and AppImage, macOS dmg, Windows nsis; `--targets deb` for fewer).
 *  - Without it (Electron cannot be downloaded here), the unpacked app is assembled around a
 *    placeholder Electron in dist/layout-check/ and checked, so the layout is known good on every
 *    machine; on Linux the .deb is made from it too and checked (installed into a temporary
 *    folder, the host run from there), and said to be a placeholder: never shipped.
 * The .deb is made by `dpkg-deb` (scripts/package-deb.ts), not electron-builder's fpm download.
 *
 * Options: --skip-build (reuse out/), --dir (unpacked folder only, no installers).
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    'skip-build': { type: 'boolean' },
    dir: { type: 'boolean' },
    targets: { type: 'string' },
  },
});

const platformKey = ({ linux: 'linux', darwin: 'mac', win32: 'win' } as Record<string, 'linux' | 'mac' | 'win'>)[
  process.platform
];
if (!platformKey) throw new Error(`no desktop package for ${process.platform}`);

if (!values['skip-build']) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });

const electronVersion = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
const realElectron = process.env.LITBOX_ELECTRON_DIST ? path.resolve(process.env.LITBOX_ELECTRON_DIST) : undefined;
if (realElectron && !fs.existsSync(realElectron))
  throw new Error(`LITBOX_ELECTRON_DIST=${realElectron} does not exist`);

const output = realElectron ? path.join(REPO_ROOT, 'dist') : path.join(REPO_ROOT, 'dist', 'layout-check');
const electronDist = realElectron ?? placeholderElectron();
const requested = values.targets?.split(',');
// On Linux the .deb is made after electron-builder, from its unpacked folder.
const wantDeb = platformKey === 'linux' && !values.dir && (requested?.includes('deb') ?? true);
let targets: string[] | undefined; // undefined: electron-builder.yml's targets for this OS
if (!realElectron || values.dir) targets = ['dir'];
else if (platformKey === 'linux') targets = ['dir', ...(requested ?? ['AppImage']).filter((t) => t !== 'deb')];
else targets = requested;

console.log(
  realElectron
    ? `packaging with the Electron in ${realElectron} (${electronVersion}) into ${output}`
    : `no LITBOX_ELECTRON_DIST: assembling the unpacked app around a placeholder Electron in ${output} (layout check only)`,
);
fs.rmSync(output, { recursive: true, force: true });

await builder.build({
  projectDir: REPO_ROOT,
  publish: 'never',
  [platformKey]: targets ?? [],
  config: {
    electronDist,
    electronVersion,
    directories: { output },
    linux: { desktop: { entry: DESKTOP_ENTRY } },
    // Fuses are flipped in Electron's binary; the placeholder has none to flip.
    ...(realElectron ? {} : { electronFuses: null }),
    // anvil's binary is an optional dependency of @foundry-rs/anvil, one package per platform,
    // which electron-builder's dependency walk can leave out: this platform's is copied in.
    afterPack: async (context) => {
      const resources =
        context.electronPlatformName === 'darwin'
          ? path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
          : path.join(context.appOutDir, 'resources');
      const anvil = `anvil-${process.platform}-${({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch]}`;
      const target = path.join(resources, 'app', 'node_modules', '@foundry-rs', anvil);
      if (!fs.existsSync(target))
        fs.cpSync(path.join(REPO_ROOT, 'node_modules', '@foundry-rs', anvil), target, { recursive: true });
    },
  },
});

const unpacked = fs
  .readdirSync(output)
  .map((name) => path.join(output, name))
  .find((dir) => /(?:-unpacked|^mac(?:-arm64)?)$/.test(path.basename(dir)) && fs.statSync(dir).isDirectory());
if (!unpacked) throw new Error(`electron-builder made no unpacked folder in ${output}`);
const report = checkPackageLayout(unpacked);
for (const item of report.checked) console.log(`layout: ok ${item}`);
for (const problem of report.problems) console.error(`layout: FAIL ${problem}`);
console.log(`layout: ${report.checked.length} checks on ${unpacked}, ${report.problems.length} problems`);
if (report.problems.length) process.exit(1);
if (wantDeb) {
  const started = performance.now();
  const deb = buildDeb({ unpacked, outputDir: output, compression: realElectron ? 'xz' : 'gzip-fast' });
  const built = performance.now();
  const passed = printDebReport(deb, checkDeb(deb));
  console.log(
    `deb: built in ${((built - started) / 1000).toFixed(1)} s, checked in ${((performance.now() - built) / 1000).toFixed(1)} s`,
  );
  if (!passed) process.exit(1);
}
if (realElectron)
  for (const file of fs.readdirSync(output).filter((f) => /\.(deb|AppImage|dmg|exe)$/.test(f)))
    console.log(`made ${path.join(output, file)}`);

/**
 * Stands in for Electron's unpacked distribution where none can be downloaded: the files
 * electron-builder copies and renames, with an executable that says what it is.
 */
function placeholderElectron(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-placeholder-electron-'));
  const exe =
    process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app' : 'electron';
  if (process.platform === 'darwin') {
    const macos = path.join(dir, exe, 'Contents', 'MacOS');
    fs.mkdirSync(macos, { recursive: true });
    fs.mkdirSync(path.join(dir, exe, 'Contents', 'Resources'), { recursive: true });
    fs.writeFileSync(path.join(macos, 'Electron'), '#!/bin/sh\necho "placeholder Electron"\nexit 1\n', { mode: 0o755 });
  } else {
    fs.writeFileSync(path.join(dir, exe), '#!/bin/sh\necho "placeholder Electron: not an app"\nexit 1\n', {
      mode: 0o755,
    });
    fs.mkdirSync(path.join(dir, 'resources'));
  }
  fs.writeFileSync(path.join(dir, 'version'), electronVersion);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'placeholder\n');
  return dir;
}
