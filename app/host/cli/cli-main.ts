import module from 'node:module';
import { userCompileCacheDir } from '../supervisor/compile-cache.ts';

// The CLI program: bin/litbox.mjs runs it (bundled in out/cli, or this source when that is stale).
// V8's compiled code, cached across starts: loading the host's modules is most of its start-up.
// Enabled before the commands are imported, so they come through the cache. Only in the
// user's own cache folder (never the shared default under the temp directory).
const compileCacheDir = userCompileCacheDir();
if (compileCacheDir) module.enableCompileCache?.(compileCacheDir);
const { runCli } = await import('./run-cli.ts');

process.exitCode = await runCli(process.argv.slice(2));
