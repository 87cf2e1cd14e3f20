import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, safeStorage, session, shell } from 'electron';
import type { IpcMainInvokeEvent, SelectWebauthnAccountDetails, WebContents } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../shared/content-security-policy.ts';
import {
  MIN_PASSPHRASE_LENGTH,
  SHELL_CHANNELS,
  SubmitPassphrase,
  type HostToShell,
  type ShellView,
} from '../shared/shell-ipc.ts';
import { appMenuTemplate } from './app-menu.ts';
import { HostChild } from './host-child.ts';
import { StoredPassphrase } from './stored-passphrase.ts';
import {
  desktopContentSecurityPolicy,
  HOMEPAGE,
  isAllowedNavigation,
  isExternalLinkAllowed,
  isPermissionAllowed,
  isWebAuthnAllowed,
  windowOptions,
} from './window-options.ts';

/**
 * The thin desktop shell: one window, the host as a child process, OS integration.
 *
 * Start: the host starts at once (before Electron is ready, when the data directory exists)
 * and the window opens at once on the shell's own page; the host's UI (its onboarding view
 * shows the network's progress) replaces it as soon as the host listens.
 * Quit, by any of the platform's ways (menu, last window closed, SIGTERM/SIGINT, OS shutdown):
 * the window shows "stopping", the host stops, and the app exits once the host, anvil and
 * every node are gone (killed after QUIT_TIMEOUT_MS).
 * A host that dies after start is restarted once; again within RESTART_WINDOW_MS, the window
 * shows its last log lines and a Restart button.
 */

const QUIT_TIMEOUT_MS = 20_000;
const RESTART_WINDOW_MS = 60_000;
const WRONG_PASSPHRASE = 'That passphrase is wrong. Try again.';

const SHELL_PAGE = path.join(import.meta.dirname, 'shell-page', 'index.html');
const SHELL_PAGE_URL = pathToFileURL(SHELL_PAGE).href;
const PRELOAD = path.join(import.meta.dirname, '../preload/index.cjs');

class DesktopShell {
  private readonly dataDir = app.getPath('userData');
  private readonly storedPassphrase = new StoredPassphrase(safeStorage, this.dataDir);
  private window: BrowserWindow | undefined;
  private host: HostChild | undefined;
  /** The host's UI address while it listens. */
  private hostUi: { origin: string; url: string; port: number } | undefined;
  private view: ShellView = { view: 'starting' };
  private quitState: 'running' | 'stopping' | 'done' = 'running';
  private hostWasReady = false;
  private startFailed = false;
  private lastAutoRestart = 0;
  /** A passphrase the person typed, until the host asks for it (kept in memory only). */
  private typedPassphrase: string | undefined;
  /** The OS-kept passphrase was refused once: ask the person instead. */
  private storedPassphraseRefused = false;
  /** Where a new data directory keeps its secrets (kept for restarts before its first start finished). */
  private newVault: 'keychain' | 'passphrase-file' = 'keychain';

  /** Before `ready`: the host's start overlaps Electron's. */
  begin(): void {
    // A data directory that already chose its vault: nothing to decide, start now.
    if (recordedVault(this.dataDir)) this.startHost('keychain');
    app.on('second-instance', () => this.focusWindow());
    app.on('before-quit', (event) => this.onBeforeQuit(event));
    app.on('window-all-closed', () => app.quit());
    app.on('web-contents-created', (_event, contents) => this.guardContents(contents));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());
    this.handleBridge();
    void app.whenReady().then(() => this.onReady());
  }

  private onReady(): void {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({ platform: process.platform, openHomepage: () => this.openExternal(HOMEPAGE) }),
      ),
    );
    app.setAboutPanelOptions({ applicationName: 'Litbox', applicationVersion: app.getVersion(), website: HOMEPAGE });
    this.guardSession();
    // (The typings omit the event this handler gets; the docs describe it.)
    powerMonitor.on('shutdown', (event?: Electron.Event) => {
      event?.preventDefault(); // delays the OS shutdown until the host is gone
      app.quit();
    });
    this.openWindow();
    // A new data directory: its secrets go where the OS keeps them for this app (safeStorage),
    // else to the OS keychain through keytar, else to a file under a passphrase the person chooses.
    if (!this.host && this.quitState === 'running')
      this.startHost(this.storedPassphrase.isAvailable ? 'passphrase-file' : 'keychain');
  }

  private openWindow(): void {
    const win = new BrowserWindow(windowOptions(PRELOAD));
    this.window = win;
    win.once('ready-to-show', () => win.show());
    win.on('close', (event) => {
      if (this.quitState === 'done') return;
      event.preventDefault(); // the window shows "stopping" until the host is gone
      app.quit();
    });
    win.on('closed', () => (this.window = undefined));
    win.on('session-end', () => app.quit()); // Windows log-off and shut-down
    if (this.hostUi) showPage(win, this.hostUi.url);
    else showPage(win, SHELL_PAGE);
  }

  private focusWindow(): void {
    const win = this.window;
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  private startHost(newVault: 'keychain' | 'passphrase-file'): void {
    this.newVault = newVault;
    this.hostWasReady = false;
    this.startFailed = false;
    this.hostUi = undefined;
    let host: HostChild;
    try {
      host = new HostChild({
        appRoot: app.getAppPath(),
        resourcesPath: process.resourcesPath,
        dataDir: this.dataDir,
        newVault,
        onMessage: (message) => this.onHostMessage(host, message),
        onExit: (code, signal) => this.onHostExit(host, code, signal),
      });
    } catch (err) {
      // A broken install (no bundled Node runtime): said in the window, not a silent exit.
      this.host = undefined;
      this.startFailed = true;
      this.showView({ view: 'crashed', message: (err as Error).message, logTail: [] });
      return;
    }
    this.host = host;
  }

  private onHostMessage(host: HostChild, message: HostToShell): void {
    if (host !== this.host) return;
    switch (message.type) {
      case 'listening': {
        const url = new URL(message.url);
        this.hostUi = { origin: url.origin, port: Number(url.port), url: `${message.url}/#token=${message.token}` };
        if (this.quitState === 'running' && this.window) showPage(this.window, this.hostUi.url);
        break;
      }
      case 'ready':
        this.hostWasReady = true;
        break;
      case 'usable': // the host's own UI shows the pools filling: nothing for the shell to do
        break;
      case 'passphrase-needed':
        this.answerPassphrase(host, message.creating);
        break;
      case 'start-failed':
        this.startFailed = true;
        if (message.reason === 'wrong-passphrase') {
          if (this.typedPassphrase === undefined) this.storedPassphraseRefused = true;
          this.typedPassphrase = undefined;
          this.showView({ view: 'passphrase', creating: false, error: WRONG_PASSPHRASE });
        } else {
          this.showView({ view: 'crashed', message: message.message, logTail: [...host.logTail] });
        }
        break;
    }
  }

  private answerPassphrase(host: HostChild, creating: boolean): void {
    // safeStorage answers only once Electron is ready (the host may ask before that).
    if (!app.isReady()) {
      void app.whenReady().then(() => this.answerPassphrase(host, creating));
      return;
    }
    if (host !== this.host || this.quitState !== 'running') return;
    if (this.typedPassphrase !== undefined) {
      host.answerPassphrase(this.typedPassphrase);
      this.typedPassphrase = undefined;
      return;
    }
    if (!this.storedPassphraseRefused && this.storedPassphrase.isAvailable) {
      const kept = creating ? this.storedPassphrase.create() : this.storedPassphrase.read();
      if (kept !== undefined) {
        host.answerPassphrase(kept);
        return;
      }
    }
    this.showView({ view: 'passphrase', creating });
  }

  private onHostExit(host: HostChild, code: number | null, signal: NodeJS.Signals | null): void {
    if (host !== this.host || this.quitState !== 'running') return;
    this.hostUi = undefined;
    if (this.startFailed) return; // its view is on screen already
    const now = Date.now();
    if (this.hostWasReady && now - this.lastAutoRestart > RESTART_WINDOW_MS) {
      this.lastAutoRestart = now;
      console.error(`litbox: the host stopped (${signal ?? `exit code ${code}`}); restarting it`);
      this.showView({ view: 'starting' });
      this.startHost(this.newVault);
      return;
    }
    this.showView({
      view: 'crashed',
      message: `The host stopped (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
      logTail: [...host.logTail],
    });
  }

  /** Puts the shell's page on screen (if the host's UI is there) and tells it what to show. */
  private showView(view: ShellView): void {
    this.view = view;
    const win = this.window;
    if (!win || win.isDestroyed()) return;
    if (win.webContents.getURL() !== SHELL_PAGE_URL) showPage(win, SHELL_PAGE);
    else win.webContents.send(SHELL_CHANNELS.view, view);
  }

  private onBeforeQuit(event: Electron.Event): void {
    if (this.quitState === 'done') return;
    event.preventDefault();
    if (this.quitState === 'stopping') return;
    this.quitState = 'stopping';
    this.typedPassphrase = undefined;
    this.showView({ view: 'stopping' });
    const host = this.host;
    const stopped = host?.isRunning ? host.stop(QUIT_TIMEOUT_MS) : Promise.resolve('stopped' as const);
    void stopped.then((how) => {
      if (how === 'killed') console.error(`litbox: the host did not stop within ${QUIT_TIMEOUT_MS} ms; it was killed`);
      this.quitState = 'done';
      app.quit();
    });
  }

  private guardSession(): void {
    const ses = session.defaultSession;
    ses.webRequest.onHeadersReceived((details, callback) => {
      const ui = this.hostUi;
      if (!ui || new URL(details.url).origin !== ui.origin) return callback({});
      const headers = Object.fromEntries(
        Object.entries(details.responseHeaders ?? {}).filter(
          ([name]) => name.toLowerCase() !== 'content-security-policy',
        ),
      );
      headers['Content-Security-Policy'] = [desktopContentSecurityPolicy(contentSecurityPolicy(ui.port))];
      callback({ responseHeaders: headers });
    });
    ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
      callback(isPermissionAllowed(permission, details.requestingUrl, this.hostUi?.origin)),
    );
    ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
      isPermissionAllowed(permission, requestingOrigin, this.hostUi?.origin),
    );
    // WebHID, WebUSB, Web Serial: no page talks to a device (a security key) itself.
    ses.setDevicePermissionHandler(() => false);
    ses.on('select-webauthn-account', (_event, details, callback) => {
      void this.chooseWebAuthnAccount(details).then(callback, () => callback());
    });
  }

  /**
   * Which passkey a sign-in uses, when the authenticator holds several: asked in a dialog, and
   * only for the app's own pages and relying party; anything else is cancelled (no answer).
   */
  private async chooseWebAuthnAccount(details: SelectWebauthnAccountDetails): Promise<string | undefined> {
    if (!isWebAuthnAllowed(details.frame?.url, details.relyingPartyId, this.hostUi?.origin)) {
      console.error('litbox: refused a passkey request that is not from the Litbox window');
      return undefined;
    }
    const accounts = details.accounts;
    if (accounts.length === 1) return accounts[0]!.credentialId;
    if (accounts.length === 0 || !this.window) return undefined;
    const labels = accounts.map((a) => a.displayName || a.name || a.credentialId.slice(0, 12));
    const { response } = await dialog.showMessageBox(this.window, {
      type: 'question',
      title: 'Litbox',
      message: 'Sign in with which passkey?',
      buttons: [...labels, 'Cancel'],
      cancelId: labels.length,
      defaultId: 0,
    });
    return accounts[response]?.credentialId;
  }

  /** Every page and frame: no navigation away, no redirect away, no webview, no new window. */
  private guardContents(contents: WebContents): void {
    const allowed = (url: string): boolean => isAllowedNavigation(url, this.hostUi?.origin, SHELL_PAGE_URL);
    contents.on('will-navigate', (event) => {
      if (!allowed(event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!allowed(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!allowed(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      this.openExternal(url);
      return { action: 'deny' };
    });
  }

  private openExternal(url: string): void {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    else console.error('litbox: refused to open a link that is not one of the app’s own');
  }

  private fromShellPage(event: IpcMainInvokeEvent): boolean {
    return event.senderFrame?.url === SHELL_PAGE_URL;
  }

  private fromHostUi(event: IpcMainInvokeEvent): boolean {
    const url = event.senderFrame?.url;
    return url !== undefined && this.hostUi !== undefined && new URL(url).origin === this.hostUi.origin;
  }

  private handleBridge(): void {
    ipcMain.handle(SHELL_CHANNELS.openExternal, async (event, url: unknown) => {
      if (!this.fromHostUi(event)) throw new Error('refused: not from the Litbox window');
      if (typeof url !== 'string' || !isExternalLinkAllowed(url)) throw new Error('refused: not a link Litbox opens');
      await shell.openExternal(url);
    });
    ipcMain.handle(SHELL_CHANNELS.getView, (event) => {
      if (!this.fromShellPage(event)) throw new Error('refused: not from the shell page');
      return this.view;
    });
    ipcMain.handle(SHELL_CHANNELS.submitPassphrase, (event, raw: unknown) => {
      if (!this.fromShellPage(event)) throw new Error('refused: not from the shell page');
      const parsed = SubmitPassphrase.safeParse(raw);
      if (!parsed.success || this.view.view !== 'passphrase' || this.quitState !== 'running')
        return { ok: false, error: 'Nothing is waiting for a passphrase.' };
      const { passphrase } = parsed.data;
      if (this.view.creating && passphrase.length < MIN_PASSPHRASE_LENGTH)
        return { ok: false, error: `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.` };
      this.showView({ view: 'starting' });
      const host = this.host;
      if (host?.isRunning && !this.startFailed) {
        host.answerPassphrase(passphrase);
      } else {
        // The host stopped after a wrong passphrase, or is still stopping (its "wrong" came
        // before its exit; answered, this passphrase was lost and the window said "starting"
        // for good): a new one, once the old is gone, asks again and gets this one.
        this.typedPassphrase = passphrase;
        const gone = host?.isRunning ? host.exited : Promise.resolve();
        void gone.then(() => {
          if (this.host === host && this.quitState === 'running') this.startHost(this.newVault);
        });
      }
      return { ok: true };
    });
    ipcMain.handle(SHELL_CHANNELS.restartHost, (event) => {
      if (!this.fromShellPage(event)) throw new Error('refused: not from the shell page');
      if (this.view.view !== 'crashed' || this.quitState !== 'running') return;
      this.showView({ view: 'starting' });
      this.startHost(this.newVault);
    });
  }
}

/**
 * Loads the host's UI (a URL) or the shell's page (a file). A load replaced by the next one
 * (the host's UI arriving, a quit) rejects with ERR_ABORTED: expected, not an error.
 */
function showPage(win: BrowserWindow, target: string): void {
  const loading = target.startsWith('http') ? win.loadURL(target) : win.loadFile(target);
  loading.catch((err: unknown) => {
    // Electron's message names the URL, which holds the API token: only the code is logged.
    const code = /ERR_[A-Z_]+/.exec(String((err as Error).message))?.[0] ?? 'error';
    if (code !== 'ERR_ABORTED') console.error(`litbox: the window could not load its page (${code})`);
  });
}

/** The vault a data directory chose at its first start (network.json), if any. */
function recordedVault(dataDir: string): string | undefined {
  try {
    const network = JSON.parse(fs.readFileSync(path.join(dataDir, 'network.json'), 'utf8')) as { vault?: unknown };
    return typeof network.vault === 'string' ? network.vault : undefined;
  } catch {
    return undefined;
  }
}

// Another data directory than the OS's per-user one (several sandboxes side by side, tests).
if (process.env.LITBOX_DATA_DIR) app.setPath('userData', path.resolve(process.env.LITBOX_DATA_DIR));

// One Litbox per data directory: a second launch focuses the first window and exits.
if (app.requestSingleInstanceLock()) new DesktopShell().begin();
else app.quit();
