import module from 'node:module';
import { userCompileCacheDir } from './supervisor/compile-cache.ts';

// V8's compiled code, cached across starts: loading the host's modules is most of its start-up.
// Enabled before anything else is imported, so the rest comes through the cache.
// Only in the user's own cache folder (never the shared default under the temp directory).
const compileCacheDir = userCompileCacheDir();
if (compileCacheDir) module.enableCompileCache(compileCacheDir);
const { runCli } = await import('./cli/run-cli.ts');

// `npm run --silent litbox -- <command>`; see cli/run-cli.ts for the commands.
process.exitCode = await runCli(process.argv.slice(2));
