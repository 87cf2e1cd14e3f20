/**
 * Channels of the shell window's bridge (app/preload ↔ app/main). Apart from shell-ipc.ts so
 * the sandboxed preload bundles no schema library.
 */
export const SHELL_CHANNELS = {
  view: 'shell:view',
  getView: 'shell:get-view',
  submitPassphrase: 'shell:submit-passphrase',
  restartHost: 'shell:restart-host',
  openExternal: 'shell:open-external',
} as const;
