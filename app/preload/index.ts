import { contextBridge, ipcRenderer } from 'electron';

// The renderer gets exactly one shell extra; everything else goes through the host API.
contextBridge.exposeInMainWorld('litboxShell', {
  openExternal: (url: string): Promise<void> => ipcRenderer.invoke('shell:open-external', url),
});
