import { runCli } from './cli/run-cli.ts';

// `npm run --silent litbox -- <command>`; see cli/run-cli.ts for the commands.
process.exitCode = await runCli(process.argv.slice(2));
