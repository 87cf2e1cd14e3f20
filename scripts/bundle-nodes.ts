import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { BUNDLE_RESOLVE, BUNDLE_TEXT, builtinsWithoutFacade, NODE_BUILTIN_EXTERNALS } from './bundle-resolve.ts';
import { NODE_BUNDLE, NODE_SOURCE_ENTRY, NODE_BUNDLE_EXTERNALS } from '../app/host/supervisor/node-entry.ts';
import { RUNNER_BUNDLE_NAME } from '../app/nodes/actions/action-runner.ts';

// `npm run build:nodes`: the node program as one ES module. N node processes start at once
// on a small machine, and loading ~1,000 modules costs each about 0.55 s of CPU; the bundle
// loads in about 0.2 s. Native addons and packages that read files next to themselves stay
// external (resolved from node_modules at run time). The Lit Action runner process (each node
// forks its own) is a second bundle beside the first: the node finds it by that name.
const RUNNER_SOURCE_ENTRY = fileURLToPath(new URL('../app/nodes/actions/runner-child.ts', import.meta.url));
const RUNNER_BUNDLE = path.join(path.dirname(NODE_BUNDLE), RUNNER_BUNDLE_NAME);
const started = performance.now();
for (const [input, file] of [
  [NODE_SOURCE_ENTRY, NODE_BUNDLE],
  [RUNNER_SOURCE_ENTRY, RUNNER_BUNDLE],
] as const) {
  await build({
    input,
    platform: 'node',
    external: [...NODE_BUNDLE_EXTERNALS, NODE_BUILTIN_EXTERNALS],
    plugins: [builtinsWithoutFacade],
    resolve: BUNDLE_RESOLVE,
    output: { file, format: 'esm', codeSplitting: false, ...BUNDLE_TEXT },
    logLevel: 'warn',
  });
}
console.log(`build:nodes: ${NODE_BUNDLE} and ${RUNNER_BUNDLE} in ${Math.round(performance.now() - started)} ms`);
