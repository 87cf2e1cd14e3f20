// The CLI entry the desktop shell and the tests start (`node app/host/cli.ts …`). It goes
// through the same launcher as `npx litbox`: the bundle in out/cli when that is current (the
// host then loads a few chunks instead of ~1,000 modules), else the source
// (cli/cli-main.ts). See cli/run-cli.ts for the commands.
const launcher = new URL('../../bin/litbox.mjs', import.meta.url).href;
await import(launcher);
