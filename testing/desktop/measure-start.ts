import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { processesMentioning, ShellUnderTest, smallNetworkDataDir, tempUserData } from './shell-under-test.ts';

/**
 * The desktop app's start-up, measured by launching the compiled main process the way the
 * lifecycle tests do (plain Node + the Electron double, the window's pages in Chromium):
 *   - window: launch → the window is shown (`ready-to-show` → show()),
 *   - wallet: launch → the wallet is on screen and usable (the "Open wallet" button or the
 *     app's navigation),
 * on a new data directory (the network's first start: contracts deployed, the network key made)
 * and on an existing one. Each line has the machine's load (1-minute average) beside it.
 * The double's browser start (its `ready`) stands in for Electron's own start-up and is reported
 * apart: "window − ready" is what the shell adds.
 *
 *   scripts/with-test-keyring.sh node --no-node-snapshot testing/desktop/measure-start.ts [RUNS] [OTHER_MAIN=path/to/out/main/index.js]
 *
 * With OTHER_MAIN (an earlier build of out/main, e.g. the code before a change), both are
 * measured alternately on the same data directory.
 */

const WALLET = '[data-testid="open-wallet"], nav[aria-label="Sections"]';
const runs = Number(process.argv[2] ?? 3);
const otherMain = process.argv[3];

interface Sample {
  ready: number;
  window: number;
  hostUi: number;
  wallet: number;
}

async function once(userData: string, mainEntry?: string): Promise<Sample> {
  const shell = new ShellUnderTest({ userData, mainEntry });
  const started = performance.now();
  try {
    const shown = await shell.waitFor('window-shown');
    const ui = await shell.waitForHostUi();
    await shell.page('wait', WALLET);
    const wallet = performance.now() - started;
    const ready = shell.events.find((e) => e.double === 'ready')!.at;
    return { ready, window: shown.at, hostUi: ui.at, wallet };
  } finally {
    await shell.quit();
    // The earlier shell did not wait for its host: let it finish before the next launch.
    for (let i = 0; i < 300 && processesMentioning(userData).length; i++) await new Promise((r) => setTimeout(r, 100));
  }
}

const fmt = (s: Sample): string =>
  `ready ${s.ready.toFixed(0)}  window ${s.window.toFixed(0)} (shell +${(s.window - s.ready).toFixed(0)})  host UI ${s.hostUi.toFixed(0)}  wallet ${s.wallet.toFixed(0)} ms  (load ${os.loadavg()[0]!.toFixed(2)})`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`uptime: ${execFileSync('uptime').toString().trim()}`);
const firstStarts: Sample[] = [];
let userData = '';
for (let i = 0; i < runs; i++) {
  userData = tempUserData('litbox-measure-');
  await smallNetworkDataDir(userData, 'keychain');
  const sample = await once(userData);
  firstStarts.push(sample);
  console.log(`new data directory (first start, 3 nodes), current: ${fmt(sample)}`);
}
const variants: [string, string | undefined][] = [['current', undefined]];
if (otherMain) variants.unshift(['other', otherMain]);
const samples = new Map<string, Sample[]>(variants.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++)
  for (const [name, entry] of variants) {
    const sample = await once(userData, entry);
    samples.get(name)!.push(sample);
    console.log(`existing data directory, ${name}: ${fmt(sample)}`);
  }
const summary = (what: string, list: Sample[]): void =>
  console.log(
    `median ${what}: window ${median(list.map((s) => s.window)).toFixed(0)} ms (shell +${median(list.map((s) => s.window - s.ready)).toFixed(0)}), ` +
      `wallet ${median(list.map((s) => s.wallet)).toFixed(0)} ms (shell +${median(list.map((s) => s.wallet - s.ready)).toFixed(0)})`,
  );
summary('new data directory', firstStarts);
for (const [name, list] of samples) summary(`existing data directory, ${name}`, list);
console.log(`uptime: ${execFileSync('uptime').toString().trim()}`);
