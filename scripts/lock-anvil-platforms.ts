import fs from 'node:fs';

/**
 * The registry this project installs from has only anvil's linux-x64 binary package; npm then
 * leaves the other platforms' optional packages out of package-lock.json and `npm ci` refuses
 * the lock as out of sync. This adds them back as optional, platform-bound entries, which
 * `npm ci` skips on other platforms without fetching. Run after any `npm install`:
 * `npm run lock:fix`.
 */
const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as { packages: Record<string, unknown> };
const anvil = lock.packages['node_modules/@foundry-rs/anvil'] as {
  version: string;
  optionalDependencies: Record<string, string>;
};
const platforms: Record<string, [string, string]> = {
  'darwin-amd64': ['darwin', 'x64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'linux-amd64': ['linux', 'x64'],
  'linux-arm64': ['linux', 'arm64'],
  'win32-amd64': ['win32', 'x64'],
};
let added = 0;
for (const name of Object.keys(anvil.optionalDependencies)) {
  const key = `node_modules/${name}`;
  const platform = platforms[name.replace('@foundry-rs/anvil-', '')];
  if (lock.packages[key] || !platform) continue;
  lock.packages[key] = {
    version: anvil.version,
    cpu: [platform[1]],
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [platform[0]],
  };
  added++;
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock:fix: added ${added} anvil platform entries`);
