// The CLI from source (`node app/host/cli.ts …`): tests and the desktop shell run this.
// `npx litbox` and `npm run litbox` go through bin/litbox.mjs, which runs the bundle
// (out/cli, `npm run build:cli`) when it is up to date; see cli/run-cli.ts for the commands.
await import('./cli/cli-main.ts');
