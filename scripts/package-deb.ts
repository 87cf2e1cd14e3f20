import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPackageLayout } from './package-layout.ts';

/**
 * The Linux .deb, made with Debian's own `dpkg-deb` from electron-builder's unpacked folder
 * (electron-builder's deb target needs fpm, a download that does not work on our machines).
 * Installs as electron-builder's would: the app in /opt/Litbox, `litbox` on PATH, a desktop
 * entry and the icons in the hicolor theme.
 *
 *   node scripts/package-deb.ts dist/linux-unpacked [OUTPUT_DIR]     # build and check
 *   node scripts/package-deb.ts --check dist/litbox_0.1.0_amd64.deb  # check only
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
export const INSTALL_DIR = '/opt/Litbox';
const EXECUTABLE = 'litbox'; // electron-builder.yml linux.executableName
const PACKAGE_NAME = 'litbox';

/**
 * The libraries Electron's binary links against, and libsecret for the OS secret store
 * (safeStorage, keytar). Each "a | b" names Debian 12's package and its 64-bit-time successor.
 */
export const DEB_DEPENDS = [
  'libgtk-3-0 | libgtk-3-0t64',
  'libnss3',
  'libnotify4',
  'libxss1',
  'libxtst6',
  'xdg-utils',
  'libatspi2.0-0 | libatspi2.0-0t64',
  'libuuid1',
  'libsecret-1-0',
  'libgbm1',
  'libdrm2',
  'libxkbcommon0',
  'libasound2 | libasound2t64',
];

/** The desktop entry (also given to electron-builder for the AppImage). */
export const DESKTOP_ENTRY = {
  Name: 'Litbox',
  GenericName: 'Threshold wallet sandbox',
  Comment: 'Wallet with a local Lit-style threshold network',
  Categories: 'Development;Finance;',
  StartupWMClass: 'Litbox',
  Terminal: 'false',
};

const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512];

interface PackageJson {
  version: string;
  description: string;
  homepage: string;
  author: { name: string; email: string };
}

export function debArchitecture(arch: string = process.arch): string {
  const known: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386' };
  const deb = known[arch];
  if (!deb) throw new Error(`no Debian architecture for ${arch}`);
  return deb;
}

export interface BuildDebOptions {
  /** electron-builder's unpacked folder (dist/linux-unpacked). */
  unpacked: string;
  outputDir: string;
  /** xz for a release; gzip -1 where the .deb is only checked (much faster on 300 MB). */
  compression?: 'xz' | 'gzip-fast';
}

/** Builds the .deb and returns its path. */
export function buildDeb(options: BuildDebOptions): string {
  try {
    execFileSync('dpkg-deb', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'the .deb is made with dpkg-deb, which is not installed: install dpkg (apt-get install dpkg), or leave the .deb out (--targets AppImage)',
    );
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const arch = debArchitecture();
  const staging = fs.mkdtempSync(path.join(options.outputDir, '.deb-root-'));
  fs.chmodSync(staging, 0o755); // the package's "./" (mkdtemp makes it 0700)
  try {
    // The app: hard links to the unpacked folder (same file system: no 300 MB copy).
    const appDir = path.join(staging, INSTALL_DIR.slice(1));
    fs.mkdirSync(path.dirname(appDir), { recursive: true });
    execFileSync('cp', ['-al', options.unpacked, appDir]);

    const bin = path.join(staging, 'usr', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(path.posix.join('..', '..', INSTALL_DIR.slice(1), EXECUTABLE), path.join(bin, EXECUTABLE));

    const share = path.join(staging, 'usr', 'share');
    writeFile(path.join(share, 'applications', `${PACKAGE_NAME}.desktop`), desktopEntry(), 0o644);
    for (const size of ICON_SIZES)
      copyFile(
        path.join(REPO_ROOT, 'resources', 'icons', `${size}x${size}.png`),
        path.join(share, 'icons', 'hicolor', `${size}x${size}`, 'apps', `${PACKAGE_NAME}.png`),
      );
    copyFile(
      path.join(REPO_ROOT, 'resources', 'icon.svg'),
      path.join(share, 'icons', 'hicolor', 'scalable', 'apps', `${PACKAGE_NAME}.svg`),
    );
    writeFile(
      path.join(share, 'doc', PACKAGE_NAME, 'copyright'),
      `Litbox ${pkg.version}\nCopyright 2026 the Litbox authors <${pkg.author.email}>\n${pkg.homepage}\n`,
      0o644,
    );

    const control = path.join(staging, 'DEBIAN');
    fs.mkdirSync(control, { mode: 0o755 });
    writeFile(
      path.join(control, 'control'),
      controlFile({ pkg, arch, installedSizeKiB: installedSizeKiB(staging, control) }),
      0o644,
    );
    writeFile(path.join(control, 'postinst'), POSTINST, 0o755);
    writeFile(path.join(control, 'postrm'), POSTRM, 0o755);

    const deb = path.join(options.outputDir, `${PACKAGE_NAME}_${pkg.version}_${arch}.deb`);
    const compression = options.compression === 'gzip-fast' ? ['-Zgzip', '-z1'] : ['-Zxz'];
    execFileSync('dpkg-deb', ['--root-owner-group', ...compression, '--build', staging, deb], { stdio: 'pipe' });
    return deb;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function controlFile(options: { pkg: PackageJson; arch: string; installedSizeKiB: number }): string {
  const { pkg, arch, installedSizeKiB } = options;
  // The long description: continuation lines start with a space.
  const long =
    'Litbox runs an embedded EVM chain with the PKP contracts and N local threshold\n' +
    'nodes beside a wallet UI, all on this computer.';
  return [
    `Package: ${PACKAGE_NAME}`,
    `Version: ${pkg.version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${pkg.author.name} <${pkg.author.email}>`,
    `Installed-Size: ${installedSizeKiB}`,
    `Depends: ${DEB_DEPENDS.join(', ')}`,
    'Section: utils',
    'Priority: optional',
    `Homepage: ${pkg.homepage}`,
    `Description: ${'A desktop wallet with a whole Lit-style threshold network inside it'}`,
    ...long.split('\n').map((line) => ` ${line}`),
    '',
  ].join('\n');
}

function desktopEntry(): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${DESKTOP_ENTRY.Name}`,
    `GenericName=${DESKTOP_ENTRY.GenericName}`,
    `Comment=${DESKTOP_ENTRY.Comment}`,
    `Exec=${INSTALL_DIR}/${EXECUTABLE} %U`,
    `Icon=${PACKAGE_NAME}`,
    `Terminal=${DESKTOP_ENTRY.Terminal}`,
    `Categories=${DESKTOP_ENTRY.Categories}`,
    `StartupWMClass=${DESKTOP_ENTRY.StartupWMClass}`,
    '',
  ].join('\n');
}

// Electron's setuid sandbox helper (only a real Electron has one), and the desktop caches.
const POSTINST = `#!/bin/sh
set -e
if [ -f ${INSTALL_DIR}/chrome-sandbox ]; then
  chown root:root ${INSTALL_DIR}/chrome-sandbox
  chmod 4755 ${INSTALL_DIR}/chrome-sandbox
fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
exit 0
`;

const POSTRM = `#!/bin/sh
set -e
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
exit 0
`;

function writeFile(file: string, text: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode); // not narrowed by the umask
}

function copyFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o644);
}

/** Installed-Size: the files' sizes in KiB, each rounded up (as dpkg-gencontrol counts). */
function installedSizeKiB(root: string, skip: string): number {
  let total = 0;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (full === skip) continue;
      if (entry.isDirectory()) walk(full);
      else total += Math.ceil(fs.lstatSync(full).size / 1024) || 1;
    }
  };
  walk(root);
  return total;
}

export interface DebReport {
  problems: string[];
  checked: string[];
  /** The app binary is a placeholder (no real Electron given): the .deb checks packaging only. */
  placeholderElectron: boolean;
  fields: Record<string, string>;
}

/**
 * Checks a .deb as dpkg sees it: its control fields, that it installs the desktop entry, the
 * icons and `litbox` on PATH, and (unpacked into a temporary folder with dpkg-deb) that the
 * installed /opt/Litbox passes the packaged layout check, the host running from it.
 */
export function checkDeb(deb: string): DebReport {
  const problems: string[] = [];
  const checked: string[] = [];
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const fields: Record<string, string> = {};
  for (const name of [
    'Package',
    'Version',
    'Architecture',
    'Maintainer',
    'Depends',
    'Description',
    'Installed-Size',
    'Homepage',
  ])
    fields[name] = execFileSync('dpkg-deb', ['--field', deb, name]).toString().trim();
  const expectField = (name: string, ok: boolean, what: string): void => {
    checked.push(`control ${name}`);
    if (!ok) problems.push(`control field ${name} is "${fields[name]}": ${what}`);
  };
  expectField('Package', fields.Package === PACKAGE_NAME, `expected ${PACKAGE_NAME}`);
  expectField('Version', fields.Version === pkg.version, `expected ${pkg.version} (package.json)`);
  expectField('Architecture', fields.Architecture === debArchitecture(), `expected ${debArchitecture()}`);
  expectField('Maintainer', /^.+ <[^@\s]+@[^@\s]+>$/.test(fields.Maintainer ?? ''), 'expected "Name <email>"');
  expectField(
    'Depends',
    ['libgtk-3-0', 'libnss3', 'libsecret-1-0'].every((lib) => (fields.Depends ?? '').includes(lib)),
    "expected Electron's libraries and libsecret",
  );
  expectField('Description', (fields.Description ?? '').length > 10, 'expected a description');
  expectField('Installed-Size', Number(fields['Installed-Size']) > 10_000, 'expected the size in KiB');

  const contents = execFileSync('dpkg-deb', ['--contents', deb], { maxBuffer: 256 * 1024 * 1024 }).toString();
  const paths = new Set(contents.split('\n').map((line) => /\s\.(\/\S*)/.exec(line)?.[1] ?? ''));
  const entries = contents
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
  checked.push('every file owned by root, no directory other than 0755, nothing writable by others');
  for (const [mode = '', owner = '', , , , name = ''] of entries) {
    if (owner !== 'root/root') problems.push(`${name} is owned by ${owner}, not root/root`);
    if (mode.startsWith('d') && mode !== 'drwxr-xr-x') problems.push(`directory ${name} has mode ${mode}`);
    if (!mode.startsWith('l') && (mode[5] === 'w' || mode[8] === 'w')) problems.push(`${name} is writable by others`);
  }
  const expected: [string, string][] = [
    [`${INSTALL_DIR}/${EXECUTABLE}`, 'the app binary'],
    [`${INSTALL_DIR}/resources/node/bin/node`, 'the bundled Node runtime'],
    [`${INSTALL_DIR}/resources/app/out/main/index.js`, 'the main process'],
    [`/usr/bin/${EXECUTABLE}`, 'the command on PATH'],
    [`/usr/share/applications/${PACKAGE_NAME}.desktop`, 'the desktop entry'],
    [`/usr/share/icons/hicolor/512x512/apps/${PACKAGE_NAME}.png`, 'the icon'],
    [`/usr/share/icons/hicolor/scalable/apps/${PACKAGE_NAME}.svg`, 'the scalable icon'],
  ];
  for (const [file, what] of expected) {
    checked.push(file);
    if (!paths.has(file)) problems.push(`missing ${what}: ${file}`);
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-deb-check-'));
  let placeholderElectron = false;
  try {
    execFileSync('dpkg-deb', ['--extract', deb, root]);
    const binary = path.join(root, INSTALL_DIR.slice(1), EXECUTABLE);
    placeholderElectron = fs.existsSync(binary) && !fs.readFileSync(binary).subarray(0, 4).equals(ELF_MAGIC);
    const desktop = fs.readFileSync(path.join(root, 'usr/share/applications', `${PACKAGE_NAME}.desktop`), 'utf8');
    checked.push('desktop entry');
    for (const line of ['Type=Application', `Exec=${INSTALL_DIR}/${EXECUTABLE} %U`, `Icon=${PACKAGE_NAME}`])
      if (!desktop.split('\n').includes(line)) problems.push(`the desktop entry lacks ${line}`);
    checked.push('litbox on PATH points at the app');
    if (fs.readlinkSync(path.join(root, 'usr/bin', EXECUTABLE)) !== `../..${INSTALL_DIR}/${EXECUTABLE}`)
      problems.push(`/usr/bin/${EXECUTABLE} does not point at ${INSTALL_DIR}/${EXECUTABLE}`);
    const layout = checkPackageLayout(path.join(root, INSTALL_DIR.slice(1)));
    checked.push(...layout.checked.map((item) => `installed: ${item}`));
    problems.push(...layout.problems.map((problem) => `installed: ${problem}`));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return { problems, checked, placeholderElectron, fields };
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Prints a check's outcome; true when it passed. */
export function printDebReport(deb: string, report: DebReport): boolean {
  for (const item of report.checked) console.log(`deb: ok ${item}`);
  for (const problem of report.problems) console.error(`deb: FAIL ${problem}`);
  console.log(
    `deb: ${report.checked.length} checks on ${deb} (${report.fields.Package} ${report.fields.Version} ` +
      `${report.fields.Architecture}), ${report.problems.length} problems`,
  );
  if (report.placeholderElectron)
    console.log(
      'deb: built around the placeholder Electron (no LITBOX_ELECTRON_DIST): it checks the packaging ' +
        'and the host inside it, but its window cannot start; never ship it',
    );
  return report.problems.length === 0;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === '--check' && args[1]) {
    process.exit(printDebReport(args[1], checkDeb(path.resolve(args[1]))) ? 0 : 1);
  } else if (args[0]) {
    const unpacked = path.resolve(args[0]);
    const deb = buildDeb({ unpacked, outputDir: path.resolve(args[1] ?? path.dirname(unpacked)) });
    process.exit(printDebReport(deb, checkDeb(deb)) ? 0 : 1);
  } else {
    console.error(
      'usage: node scripts/package-deb.ts UNPACKED_DIR [OUTPUT_DIR] | node scripts/package-deb.ts --check FILE.deb',
    );
    process.exit(2);
  }
}
