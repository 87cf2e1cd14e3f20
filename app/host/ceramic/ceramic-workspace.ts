import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command that installs the optional Ceramic workspace (said whenever it is missing). */
export const CERAMIC_INSTALL_COMMAND = 'npm run compat:ceramic:install';

/**
 * Where the Ceramic workspace (compat/ceramic: js-ceramic 6.11 and the in-process IPFS) is:
 * LITBOX_CERAMIC_DIR, or compat/ceramic in the first folder above this module that has one
 * (the repository, from app/host/ceramic or from the bundled out/cli alike).
 */
export function ceramicWorkspaceDir(): string {
  const override = process.env.LITBOX_CERAMIC_DIR;
  if (override) return path.resolve(override);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'compat', 'ceramic');
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(process.cwd(), 'compat', 'ceramic');
    dir = parent;
  }
}

export interface CeramicWorkspace {
  dir: string;
  /** The stock `ceramic` CLI entry of @ceramicnetwork/cli. */
  cliEntry: string;
  /** The module given to Node with --import: the in-process IPFS. */
  preload: string;
}

/** The installed workspace, or an error saying plainly what to run. */
export function findCeramicWorkspace(): CeramicWorkspace {
  const dir = ceramicWorkspaceDir();
  const cliEntry = path.join(dir, 'node_modules', '@ceramicnetwork', 'cli', 'lib', 'bin', 'ceramic.js');
  if (!fs.existsSync(cliEntry))
    throw new Error(
      `the Ceramic node is not installed (no ${path.relative(process.cwd(), cliEntry) || cliEntry}); run \`${CERAMIC_INSTALL_COMMAND}\` in the Litbox folder once (about 5 minutes, 500 MB), then start again with --ceramic`,
    );
  return { dir, cliEntry, preload: path.join(dir, 'preload.js') };
}
