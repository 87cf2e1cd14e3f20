/* global process, console */
// Re-runs the CLI on Node 24: bin/litbox.mjs was started by an older Node (a system Node 20, say).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The project's Node 24 (the `node` devDependency that `npm ci` installs), if there is one. */
function findNode24(root) {
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const candidates = [path.join(root, 'node_modules', 'node', 'bin', exe)];
  try {
    candidates.push(path.join(path.dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', exe));
  } catch {
    // not installed beside litbox either
  }
  return candidates.find((file) => fs.existsSync(file));
}

export function runOnNode24(root, launcher, args) {
  const node = findNode24(root);
  if (!node) {
    // An installed copy has no devDependencies, so no Node of its own: only PATH can help.
    const installed = root.split(/[\\/]/).includes('node_modules');
    console.error(
      `litbox: needs Node 24 or later (this is Node ${process.versions.node}); ${installed ? 'put Node 24 on PATH' : 'run `npm ci` in the Litbox checkout (it installs one) or put Node 24 on PATH'}`,
    );
    process.exit(1);
  }
  const child = spawn(node, [launcher, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal; other signals are passed on.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
