import { contextBridge, ipcRenderer } from 'electron';
import { SHELL_CHANNELS } from '../shared/shell-channels.ts';
import type { ShellView } from '../shared/shell-ipc.ts';

// The renderer's only extras; everything else goes through the host API. Main checks each
// call's sender again: the shell-page calls are refused from any page but the shell's own.
contextBridge.exposeInMainWorld('litboxShell', {
  openExternal: (url: string): Promise<void> => ipcRenderer.invoke(SHELL_CHANNELS.openExternal, url),
  view: (): Promise<ShellView> => ipcRenderer.invoke(SHELL_CHANNELS.getView),
  onView: (listener: (view: ShellView) => void): void => {
    ipcRenderer.on(SHELL_CHANNELS.view, (_event, view: ShellView) => listener(view));
  },
  submitPassphrase: (passphrase: string): Promise<{ ok: true } | { ok: false; error: string }> =>
    ipcRenderer.invoke(SHELL_CHANNELS.submitPassphrase, { passphrase }),
  restartHost: (): Promise<void> => ipcRenderer.invoke(SHELL_CHANNELS.restartHost),
});
