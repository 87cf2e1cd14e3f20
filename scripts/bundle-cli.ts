import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'rolldown';
import { BUNDLE_RESOLVE, BUNDLE_TEXT, builtinsWithoutFacade, NODE_BUILTIN_EXTERNALS } from './bundle-resolve.ts';

// `npm run build:cli`: the CLI (and the host `litbox up` runs) as ES modules in out/cli, one
// chunk per command group, loaded only when that command runs: `litbox status` loads a few
// small chunks instead of the host's ~1,000 modules. bin/litbox.mjs runs it when it is newer
// than every source file it was made from (out/cli/inputs.json) and the lockfile.
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = path.join(ROOT, 'out', 'cli');
const ENTRY = path.join(ROOT, 'app', 'host', 'cli', 'cli-main.ts');
/** Native addons, packages that read files next to themselves, and the chain's binary: never bundled. */
const EXTERNALS = [
  'better-sqlite3',
  'isolated-vm',
  'tiny-secp256k1',
  'keytar',
  '@foundry-rs/anvil',
  'oidc-provider',
  'electron',
];

/**
 * `import.meta.url` in a bundled module still names its source file (relative to the chunk,
 * so the checkout can move): paths like "../../out/renderer" and createRequire() resolve
 * as they do from source.
 */
const importMetaUrlAsSource: Plugin = {
  name: 'import-meta-url-as-source',
  transform(code, id) {
    if (!code.includes('import.meta.url') || !path.isAbsolute(id)) return null;
    const relative = path.relative(OUT_DIR, id).split(path.sep).join('/');
    return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`) };
  },
};

const started = performance.now();
fs.rmSync(OUT_DIR, { recursive: true, force: true });
const output = await build({
  input: { litbox: ENTRY },
  platform: 'node',
  external: [...EXTERNALS.flatMap((name) => [name, new RegExp(`^${name}/`)]), NODE_BUILTIN_EXTERNALS],
  resolve: BUNDLE_RESOLVE,
  plugins: [importMetaUrlAsSource, builtinsWithoutFacade],
  output: {
    dir: OUT_DIR,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: '[name]-[hash].mjs',
    ...BUNDLE_TEXT,
  },
  logLevel: 'warn',
});
const inputs = new Set<string>();
for (const chunk of output.output)
  if (chunk.type === 'chunk')
    for (const id of chunk.moduleIds)
      if (path.isAbsolute(id) && !id.includes(`${path.sep}node_modules${path.sep}`))
        inputs.add(path.relative(ROOT, id).split(path.sep).join('/'));
fs.writeFileSync(path.join(OUT_DIR, 'inputs.json'), `${JSON.stringify([...inputs].sort(), null, 1)}\n`);
console.log(
  `build:cli: ${pathToFileURL(OUT_DIR).pathname} (${output.output.length} files, ${inputs.size} sources) in ${Math.round(performance.now() - started)} ms`,
);
