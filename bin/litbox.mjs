#!/usr/bin/env node
/* global process, URL, console */
// `npx litbox …` / `npm run litbox -- …`: the Litbox CLI (commands: app/host/cli/run-cli.ts).
// Plain JavaScript, so that any Node can start it. It runs the CLI on Node 24 or later (the
// host's native addons are built for it): when this Node is older it runs the project's own
// Node 24 (the `node` devDependency) instead. It runs the bundle in out/cli (`npm run build:cli`)
// when that is newer than every source file it was made from and the lockfile; else the source.
// An installed copy (under node_modules) always runs the bundle: Node strips no types there.
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (Number(process.versions.node.split('.')[0]) < 24) {
  const { runOnNode24 } = await import('./node24.mjs');
  runOnNode24(ROOT, fileURLToPath(import.meta.url), args);
} else {
  const bundle = `${ROOT}out/cli/litbox.mjs`;
  if (isInstalledPackage()) {
    if (!fs.existsSync(bundle)) {
      console.error(`litbox: this installed copy (${ROOT}) has no out/cli; it was packed without \`npm run build\``);
      process.exit(1);
    }
    await import(pathToFileURL(bundle).href);
  } else {
    await import(pathToFileURL(bundleIsCurrent(bundle) ? bundle : `${ROOT}app/host/cli/cli-main.ts`).href);
  }
}

/**
 * Installed as a dependency (`npm install litbox`, then `npx litbox`): the sources cannot run
 * (Node refuses to strip types under node_modules), and file times say nothing (npm gives each
 * file the time it unpacked it), so the bundle is the program.
 */
function isInstalledPackage() {
  return ROOT.split(/[\\/]/).includes('node_modules');
}

/** The bundle is current when it is newer than the lockfile and every source it was made from. */
function bundleIsCurrent(bundle) {
  if (process.env.LITBOX_CLI_ENTRY === 'source') return false;
  let made;
  let inputs;
  try {
    made = fs.statSync(bundle).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(`${ROOT}out/cli/inputs.json`, 'utf8'));
  } catch {
    return false;
  }
  const newer = (file) => {
    try {
      return fs.statSync(`${ROOT}${file}`).mtimeMs > made;
    } catch {
      return false; // a packaged copy without the sources
    }
  };
  return !newer('package-lock.json') && !inputs.some(newer);
}
