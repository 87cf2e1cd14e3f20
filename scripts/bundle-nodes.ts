import { build } from 'rolldown';
import { NODE_BUNDLE, NODE_SOURCE_ENTRY, NODE_BUNDLE_EXTERNALS } from '../app/host/supervisor/node-entry.ts';

// `npm run build:nodes`: the node program as one ES module. N node processes start at once
// on a small machine, and loading ~1,000 modules costs each about 0.55 s of CPU; the bundle
// loads in about 0.2 s. Native addons and packages that read files next to themselves stay
// external (resolved from node_modules at run time).
const started = performance.now();
await build({
  input: NODE_SOURCE_ENTRY,
  platform: 'node',
  external: [...NODE_BUNDLE_EXTERNALS, /^node:/],
  output: { file: NODE_BUNDLE, format: 'esm', codeSplitting: false },
  logLevel: 'warn',
});
console.log(`build:nodes: ${NODE_BUNDLE} in ${Math.round(performance.now() - started)} ms`);
