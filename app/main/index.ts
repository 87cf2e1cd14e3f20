import { app, BrowserWindow, ipcMain, Menu, session, shell } from 'electron';
import path from 'node:path';
import { contentSecurityPolicy } from '../shared/content-security-policy.ts';
import { startHostChild, type HostChild } from './host-child.ts';
import { isAllowedNavigation, isExternalLinkAllowed, windowOptions } from './window-options.ts';

/** The thin desktop shell: one window on the host's UI, OS integration, nothing else. */

let host: HostChild | undefined;

async function createWindow(): Promise<void> {
  host = await startHostChild(app.getAppPath(), app.getPath('userData'), process.resourcesPath);
  const origin = new URL(host.url).origin;
  const port = Number(new URL(host.url).port);

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(port)] },
    });
  });
  // Nothing the page asks for (camera, notifications, ...) is granted.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const win = new BrowserWindow(windowOptions(path.join(import.meta.dirname, '../preload/index.cjs')));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, origin)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${host.url}/#token=${host.token}`);
}

// The preload's one extra: open a URL in the system browser (OAuth sign-in hand-off).
ipcMain.handle('shell:open-external', async (event, url: unknown) => {
  if (!host || !event.senderFrame || !isAllowedNavigation(event.senderFrame.url, new URL(host.url).origin))
    throw new Error('refused: not from the Litbox window');
  if (typeof url !== 'string' || !isExternalLinkAllowed(url)) throw new Error('refused: only http(s) links open');
  await shell.openExternal(url);
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  Menu.setApplicationMenu(null);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  try {
    await createWindow();
  } catch (err) {
    console.error(err);
    app.quit();
  }
});

app.on('before-quit', () => {
  host?.process.kill('SIGTERM');
});

app.on('window-all-closed', () => app.quit());
