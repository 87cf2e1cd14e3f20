import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'rolldown';
import { BUNDLE_RESOLVE, BUNDLE_TEXT, builtinsWithoutFacade, NODE_BUILTIN_EXTERNALS } from './bundle-resolve.ts';
import { NODE_BUNDLE, NODE_SOURCE_ENTRY, NODE_BUNDLE_EXTERNALS } from '../app/host/supervisor/node-entry.ts';
import { RUNNER_BUNDLE_NAME } from '../app/nodes/actions/action-runner.ts';
import { PRESIGN_THREAD_BUNDLE_NAME } from '../app/nodes/protocols/presign-worker.ts';

// `npm run build:nodes`: the node program as one ES module. N node processes start at once
// on a small machine, and loading ~1,000 modules costs each about 0.55 s of CPU; the bundle
// loads in about 0.2 s. Native addons and packages that read files next to themselves stay
// external (resolved from node_modules at run time). The Lit Action runner process (each node
// forks its own) is a second bundle beside the first, and the thread a node makes presignature
// batches on a third: the node finds them by those names.
//
// What the node program imports only when a request needs it (the Google JWT and WebAuthn
// verifiers with their ASN.1 and X.509 parsers, a quarter of its code) goes into chunks beside
// main.mjs, so that a node's start neither reads nor compiles it: about 20 ms of CPU less per
// node process (310 → 290 ms, twelve loads each), at N processes per start and at each restart.
const RUNNER_SOURCE_ENTRY = fileURLToPath(new URL('../app/nodes/actions/runner-child.ts', import.meta.url));
const OUT_DIR = path.dirname(NODE_BUNDLE);
const RUNNER_BUNDLE = path.join(OUT_DIR, RUNNER_BUNDLE_NAME);
const PRESIGN_THREAD_SOURCE_ENTRY = fileURLToPath(new URL('../app/nodes/protocols/presign-thread.ts', import.meta.url));
const PRESIGN_THREAD_BUNDLE = path.join(OUT_DIR, PRESIGN_THREAD_BUNDLE_NAME);
const CHUNK_PREFIX = `${path.basename(NODE_BUNDLE, '.mjs')}-`;
const started = performance.now();

// Chunks of an earlier build (their names carry a content hash) would pile up beside the new ones.
fs.mkdirSync(OUT_DIR, { recursive: true });
for (const file of fs.readdirSync(OUT_DIR))
  if (file.startsWith(CHUNK_PREFIX) && file.endsWith('.mjs')) fs.rmSync(path.join(OUT_DIR, file));

const common: Omit<BuildOptions, 'input' | 'output'> = {
  platform: 'node',
  external: [...NODE_BUNDLE_EXTERNALS, NODE_BUILTIN_EXTERNALS],
  plugins: [builtinsWithoutFacade],
  resolve: BUNDLE_RESOLVE,
  logLevel: 'warn',
};
await build({
  ...common,
  input: { [path.basename(NODE_BUNDLE, '.mjs')]: NODE_SOURCE_ENTRY },
  output: {
    dir: OUT_DIR,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: `${CHUNK_PREFIX}[name]-[hash].mjs`,
    ...BUNDLE_TEXT,
  },
});
await build({
  ...common,
  input: RUNNER_SOURCE_ENTRY,
  output: { file: RUNNER_BUNDLE, format: 'esm', codeSplitting: false, ...BUNDLE_TEXT },
});
await build({
  ...common,
  input: PRESIGN_THREAD_SOURCE_ENTRY,
  output: { file: PRESIGN_THREAD_BUNDLE, format: 'esm', codeSplitting: false, ...BUNDLE_TEXT },
});
console.log(
  `build:nodes: ${NODE_BUNDLE}, ${RUNNER_BUNDLE} and ${PRESIGN_THREAD_BUNDLE} in ${Math.round(performance.now() - started)} ms`,
);
