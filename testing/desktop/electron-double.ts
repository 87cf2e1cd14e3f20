import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * A double of exactly the parts of Electron's main-process API that app/main uses, for running
 * the compiled main process under plain Node (Electron's binary cannot be downloaded here).
 * It behaves as Electron documents, where the shell depends on it:
 *  - app: `ready` once the browser is up; quit() emits before-quit (cancellable), closes the
 *    windows (each `close` cancellable, which cancels the quit), will-quit, quit, then exits;
 *    with no `window-all-closed` listener the last window closing quits; the single-instance
 *    lock is a lock file plus a socket in userData, and the second instance notifies the first
 *    synchronously inside requestSingleInstanceLock (the first gets `second-instance`).
 *  - BrowserWindow: a real Chromium page (headless Debian Chromium through Playwright), with the
 *    preload run in it against a double of contextBridge/ipcRenderer; `ready-to-show` after the
 *    first load; webContents.send reaches ipcRenderer listeners; ipcMain.handle gets invokes
 *    with senderFrame.url.
 *  - session: onHeadersReceived rewrites the headers of real document responses (Playwright
 *    routing); the permission
 *    handlers are kept and asked by the test.
 *  - safeStorage: AES-GCM under a key the test gives (LITBOX_DOUBLE_SAFE_STORAGE_KEY), else
 *    unavailable with the "basic_text" backend, as on Linux without a secret store.
 *  - shell.openExternal: recorded, not opened; dialog.showMessageBox: recorded, answered as
 *    the test says.
 *  - session's select-webauthn-account and device permission handler: asked by the test.
 * What happens is reported to the test process over the IPC channel ({ double: event, ... });
 * the test drives it with { cmd } messages (see onCommand).
 */

const env = process.env;
const APP_PATH = path.resolve(env.LITBOX_DOUBLE_APP_PATH ?? process.cwd());
// Electron's default userData is the OS's per-user folder; the double's comes from the test
// (so that builds of the shell that never call setPath can be run too), else a temp folder.
let USER_DATA = env.LITBOX_DOUBLE_USER_DATA ?? path.join(os.tmpdir(), 'litbox-electron-double-user-data');
const CHROMIUM = env.LITBOX_CHROMIUM ?? '/usr/bin/chromium';
// Electron sets this in the main process: where the packaged app's extra resources are.
(process as { resourcesPath?: string }).resourcesPath =
  env.LITBOX_DOUBLE_RESOURCES ?? path.join(APP_PATH, 'node_modules', 'electron', 'dist', 'resources');

function report(event: string, data: Record<string, unknown> = {}): void {
  if (process.connected) process.send?.({ double: event, ...data });
}

/** An Electron-style event: preventDefault() and defaultPrevented. */
class ElectronEvent {
  defaultPrevented = false;
  [key: string]: unknown;
  constructor(fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// ---- the browser behind the windows -------------------------------------------------------

let browser: Browser | undefined;
let context: BrowserContext | undefined;
const browserUp: Promise<void> = (async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Signals to the main process are the shell's to handle (Electron's browser does not close
    // on them); Playwright's own handlers would close the windows and exit with 130 on SIGINT.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
  context = await browser.newContext();
})();

/**
 * session.webRequest.onHeadersReceived on a page's documents (their CSP is what the shell sets),
 * through Playwright's routing: the document is fetched and fulfilled with the listener's
 * headers. (Header overrides through the DevTools protocol's continueResponse do not reach
 * Chromium's CSP.) Only documents: a request made again from Node would lose the Origin header
 * the host checks on API calls. A fulfilled response has no network address, so the browser is
 * started without Local Network Access checks (Electron's own rewrite keeps the address).
 */
async function rewriteDocumentHeaders(page: Page): Promise<void> {
  await page.route(/^https?:/, async (route) => {
    try {
      const listener = session.defaultSession.webRequest.headersListener;
      if (!listener || route.request().resourceType() !== 'document') return await route.continue();
      const response = await route.fetch();
      const headers: Record<string, string[]> = {};
      for (const { name, value } of response.headersArray()) (headers[name] ??= []).push(value);
      const rewritten = await new Promise<{ responseHeaders?: Record<string, string[]> }>((resolve) =>
        listener({ url: route.request().url(), responseHeaders: headers }, resolve),
      );
      const out = rewritten.responseHeaders ?? headers;
      await route.fulfill({
        response,
        headers: Object.fromEntries(Object.entries(out).map(([name, values]) => [name, values.join(', ')])),
      });
    } catch {
      // The server is gone (the host exited as the app quit) or the page closed: the load
      // fails, as it would in Electron, instead of the rejection taking the whole double down.
      await route.abort('connectionrefused').catch(() => undefined);
    }
  });
}

// ---- app ----------------------------------------------------------------------------------

class App extends EventEmitter {
  private ready = false;
  private quitting = false;
  private shuttingDown = false;
  private lockHeld = false;
  private server: net.Server | undefined;
  readonly isPackaged = false;
  readonly name = 'Litbox';

  constructor() {
    super();
    void browserUp.then(
      () => {
        this.ready = true;
        report('ready');
        this.emit('ready', new ElectronEvent(), {});
      },
      (err: unknown) => {
        console.error(`electron double: the browser did not start: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  }

  /** From quit() (unless a window cancelled it) or exit() until the process ends. */
  isQuitting(): boolean {
    return this.quitting || this.shuttingDown;
  }

  isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.once('ready', () => resolve()));
  }

  setPath(name: string, value: string): void {
    if (name !== 'userData') throw new Error(`electron double: setPath(${name}) is not used by the shell`);
    if (this.ready) throw new Error('electron double: userData is set before ready, as Electron requires');
    USER_DATA = value;
  }

  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`electron double: getPath(${name}) is not used by the shell`);
    return USER_DATA;
  }

  getAppPath(): string {
    return APP_PATH;
  }

  getVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(APP_PATH, 'package.json'), 'utf8')) as { version: string }).version;
  }

  setAboutPanelOptions(options: Record<string, unknown>): void {
    report('about-panel', { options });
  }

  requestSingleInstanceLock(): boolean {
    fs.mkdirSync(USER_DATA, { recursive: true });
    const lock = path.join(USER_DATA, 'SingletonLock');
    const socket = singletonSocketPath();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
        this.lockHeld = true;
        fs.rmSync(socket, { force: true });
        this.server = net.createServer((conn) => {
          let data = '';
          conn.on('data', (d) => (data += d.toString()));
          conn.on('end', () => {
            const { argv, cwd } = JSON.parse(data) as { argv: string[]; cwd: string };
            report('second-instance');
            this.emit('second-instance', new ElectronEvent(), argv, cwd, {});
          });
        });
        this.server.listen(socket);
        this.server.unref();
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number(fs.readFileSync(lock, 'utf8'));
        if (isAlive(owner)) {
          // Electron tells the first instance before returning; so does the double.
          const message = JSON.stringify({ argv: process.argv, cwd: process.cwd() });
          execFileSync(process.execPath, [
            '-e',
            `const c=require('net').connect(process.argv[1],()=>c.end(process.argv[2]));c.on('close',()=>process.exit(0))`,
            socket,
            message,
          ]);
          return false;
        }
        fs.rmSync(lock, { force: true }); // left by a process that died
      }
    }
    return false;
  }

  quit(): void {
    if (this.quitting) return;
    const beforeQuit = new ElectronEvent();
    this.emit('before-quit', beforeQuit);
    report('before-quit', { prevented: beforeQuit.defaultPrevented });
    if (beforeQuit.defaultPrevented) return;
    this.quitting = true;
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.closeForQuit()) {
        this.quitting = false; // a window refused to close: the quit is cancelled
        return;
      }
    }
    const willQuit = new ElectronEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.emit('quit', new ElectronEvent(), 0);
    void this.shutDown(0);
  }

  exit(code = 0): void {
    void this.shutDown(code);
  }

  /** The last window closed (not while quitting). */
  allWindowsClosed(): void {
    if (this.quitting) return;
    if (this.listenerCount('window-all-closed') === 0) this.quit();
    else this.emit('window-all-closed', new ElectronEvent());
  }

  private async shutDown(code: number): Promise<void> {
    this.shuttingDown = true;
    if (this.lockHeld) {
      fs.rmSync(path.join(USER_DATA, 'SingletonLock'), { force: true });
      this.server?.close();
      fs.rmSync(singletonSocketPath(), { force: true });
    }
    // Route handlers still running (a document the shell loaded as it quit) would otherwise get
    // answers for a page that is gone, and Playwright throws those out of its connection.
    for (const page of context?.pages() ?? [])
      await page.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => undefined);
    await browser?.close().catch(() => undefined);
    report('exit', { code });
    process.exit(code);
  }
}

/** Unix sockets have a short path limit; the socket lives in the temp dir, named after userData. */
function singletonSocketPath(): string {
  const id = createHash('sha256').update(USER_DATA).digest('hex').slice(0, 16);
  return path.join(path.dirname(fs.realpathSync(USER_DATA)), `.litbox-double-${id}.sock`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const app = new App();

// Playwright's client can still get a message for a page the quit has just closed; its
// connection then throws "Cannot find parent object page@…" from a timer, and the double exited
// with 1 where Electron quits cleanly (seen in CI: "quit right after the first start"). Only
// that, and only while quitting, is the page going away; any other uncaught error still ends
// the double with 1, as Node's default would.
process.on('uncaughtException', (err) => {
  if (app.isQuitting() && /Cannot find parent object page@/.test(err.message)) return;
  console.error(err);
  process.exit(1);
});

// ---- ipcMain ----------------------------------------------------------------------------

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, InvokeHandler>();

export const ipcMain = {
  handle(channel: string, handler: InvokeHandler): void {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  },
};

async function invoke(channel: string, args: unknown[], senderUrl: string, sender: WebContents): Promise<unknown> {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  return handler({ senderFrame: { url: senderUrl }, sender }, ...args);
}

// ---- BrowserWindow / webContents --------------------------------------------------------

class WebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = WebContents.nextId++;
  private url = '';
  private destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' | 'allow' }) | undefined;
  readonly page: Promise<Page>;

  constructor(preload: string | undefined) {
    super();
    this.page = browserUp.then(async () => {
      const page = await context!.newPage();
      // Like Electron's --enable-logging: the page's errors show in the main process's output.
      page.on('console', (m) => m.type() === 'error' && console.error(`[window] ${m.text()}`));
      page.on('pageerror', (err) => console.error(`[window] ${err.message}`));
      await rewriteDocumentHeaders(page);
      await page.exposeBinding('__litboxDoubleInvoke', ({ frame }, channel: string, args: unknown[]) =>
        invoke(channel, args, frame.url(), this),
      );
      if (preload) await page.addInitScript({ content: preloadScript(fs.readFileSync(preload, 'utf8')) });
      return page;
    });
    app.emit('web-contents-created', new ElectronEvent(), this);
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    void this.page.then((page) =>
      page
        .evaluate(
          ([c, a]) =>
            (
              window as unknown as { __litboxDoubleDeliver?: (c: string, a: unknown[]) => void }
            ).__litboxDoubleDeliver?.(c as string, a as unknown[]),
          [channel, args] as const,
        )
        .catch(() => undefined),
    );
  }

  /** Navigates like loadURL: resolves on load, rejects when the load fails. */
  async load(url: string): Promise<void> {
    this.url = url;
    report('load', { url: redactToken(url) });
    const page = await this.page;
    await page.goto(url, { waitUntil: 'load' });
    this.emit('did-finish-load');
  }
}

/** The preload, run in the page against a double of contextBridge and ipcRenderer. */
function preloadScript(source: string): string {
  return `(() => {
  const listeners = new Map();
  window.__litboxDoubleDeliver = (channel, args) => (listeners.get(channel) ?? []).forEach((l) => l({}, ...args));
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze(api) }) },
    ipcRenderer: {
      invoke: (channel, ...args) => window.__litboxDoubleInvoke(channel, args),
      on: (channel, listener) => listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
    },
  };
  const require = (name) => { if (name === 'electron') return electron; throw new Error('preload may not require ' + name); };
  const module = { exports: {} };
  (function (require, module, exports) { ${source}\n })(require, module, module.exports);
})();`;
}

function redactToken(url: string): string {
  return url.replace(/#token=.*/, '#token=…');
}

export class BrowserWindow extends EventEmitter {
  private static readonly open = new Set<BrowserWindow>();
  readonly webContents: WebContents;
  private visible = false;
  private minimized = false;
  private destroyed = false;
  private loadedOnce = false;

  static getAllWindows(): BrowserWindow[] {
    return [...BrowserWindow.open];
  }

  constructor(options: { show?: boolean; webPreferences?: { preload?: string } } = {}) {
    super();
    if (!app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    this.webContents = new WebContents(options.webPreferences?.preload);
    BrowserWindow.open.add(this);
    report('window-created', { options });
    this.webContents.on('did-finish-load', () => {
      if (this.loadedOnce) return;
      this.loadedOnce = true;
      this.emit('ready-to-show');
    });
    if (options.show !== false) this.show();
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.load(url);
  }

  loadFile(file: string): Promise<void> {
    return this.webContents.load(pathToFileURL(path.resolve(APP_PATH, file)).href);
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    report('window-shown');
    this.emit('show');
  }

  focus(): void {
    report('window-focused');
    this.emit('focus');
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  minimize(): void {
    this.minimized = true;
    report('window-minimized');
  }

  restore(): void {
    this.minimized = false;
    report('window-restored');
  }

  isVisible(): boolean {
    return this.visible && !this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** The user closes the window (title bar button, Ctrl+W). */
  close(): void {
    if (!this.closeForQuit()) return;
    if (BrowserWindow.open.size === 0) app.allWindowsClosed();
  }

  /** Emits `close` (cancellable); returns whether the window closed. */
  closeForQuit(): boolean {
    if (this.destroyed) return true;
    const event = new ElectronEvent();
    this.emit('close', event);
    report('window-close', { prevented: event.defaultPrevented });
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.webContents.destroy();
    BrowserWindow.open.delete(this);
    void this.webContents.page.then((page) => page.close()).catch(() => undefined);
    this.emit('closed');
    return true;
  }
}

// ---- Menu, session, shell, safeStorage, powerMonitor ---------------------------------------

interface MenuTemplateItem {
  role?: string;
  label?: string;
  submenu?: MenuTemplateItem[];
  click?: () => void;
}

export const Menu = {
  buildFromTemplate(template: MenuTemplateItem[]): { items: MenuTemplateItem[] } {
    return { items: template };
  },
  setApplicationMenu(menu: { items: MenuTemplateItem[] } | null): void {
    const describe = (items: MenuTemplateItem[]): unknown[] =>
      items.map((i) => ({ role: i.role, label: i.label, submenu: i.submenu ? describe(i.submenu) : undefined }));
    report('menu', { items: menu ? describe(menu.items) : null });
  },
};

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;
type PermissionRequestHandler = (
  contents: WebContents | null,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void;
type PermissionCheckHandler = (
  contents: WebContents | null,
  permission: string,
  requestingOrigin: string,
  details: { isMainFrame: boolean },
) => boolean;

class Session extends EventEmitter {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  readonly webRequest = {
    headersListener: undefined as HeadersListener | undefined,
    onHeadersReceived(listener: HeadersListener): void {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  devicePermissionHandler: ((details: { deviceType: string; origin: string }) => boolean) | undefined;
  setDevicePermissionHandler(handler: (details: { deviceType: string; origin: string }) => boolean): void {
    this.devicePermissionHandler = handler;
  }
}

export const session = { defaultSession: new Session() };

/** Message boxes: reported, and answered with the button the test chose (`dialog-answer`), else the default. */
const dialogAnswers: number[] = [];
export const dialog = {
  async showMessageBox(
    _window: BrowserWindow,
    options: { message: string; buttons?: string[]; defaultId?: number },
  ): Promise<{ response: number; checkboxChecked: boolean }> {
    report('message-box', { message: options.message, buttons: options.buttons ?? [] });
    return { response: dialogAnswers.shift() ?? options.defaultId ?? 0, checkboxChecked: false };
  },
};

export const shell = {
  async openExternal(url: string): Promise<void> {
    report('open-external', { url });
  },
};

const safeStorageKey = env.LITBOX_DOUBLE_SAFE_STORAGE_KEY
  ? Buffer.from(env.LITBOX_DOUBLE_SAFE_STORAGE_KEY, 'hex')
  : undefined;

export const safeStorage = {
  isEncryptionAvailable(): boolean {
    return app.isReady() && safeStorageKey !== undefined;
  },
  getSelectedStorageBackend(): string {
    return safeStorageKey ? 'gnome_libsecret' : 'basic_text';
  },
  encryptString(plain: string): Buffer {
    if (!safeStorageKey) throw new Error('Encryption is not available.');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', safeStorageKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  },
  decryptString(encrypted: Buffer): string {
    if (!safeStorageKey) throw new Error('Decryption is not available.');
    const decipher = createDecipheriv('aes-256-gcm', safeStorageKey, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  },
};

export const powerMonitor = new EventEmitter();

// ---- the test's commands ------------------------------------------------------------------

type Command =
  | { cmd: 'quit' }
  | { cmd: 'close-window' }
  | { cmd: 'minimize' }
  | { cmd: 'os-shutdown' }
  | {
      cmd: 'page';
      id: number;
      action: 'fill' | 'click' | 'text' | 'wait' | 'url' | 'evaluate' | 'screenshot';
      selector?: string;
      value?: string;
    }
  | { cmd: 'invoke'; id: number; channel: string; args: unknown[]; senderUrl: string }
  | { cmd: 'permission'; id: number; kind: 'request' | 'check'; permission: string; url: string }
  | { cmd: 'contents-event'; id: number; name: string; url: string }
  | { cmd: 'window-open'; id: number; url: string }
  | { cmd: 'dialog-answer'; response: number }
  | { cmd: 'device-permission'; id: number; deviceType: string; origin: string }
  | {
      cmd: 'webauthn-account';
      id: number;
      frameUrl: string | null;
      relyingPartyId: string;
      accounts: { credentialId: string; name?: string }[];
    };

/** The app's window, waiting for it while the app starts. */
async function firstWindow(timeoutMs = 60_000): Promise<BrowserWindow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) return win;
    if (Date.now() > deadline) throw new Error('no window');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function onCommand(command: Command): Promise<unknown> {
  const win = command.cmd === 'page' ? await firstWindow() : BrowserWindow.getAllWindows()[0];
  switch (command.cmd) {
    case 'quit':
      return app.quit();
    case 'close-window':
      return win?.close();
    case 'minimize':
      return win?.minimize();
    case 'os-shutdown': {
      const event = new ElectronEvent();
      powerMonitor.emit('shutdown', event);
      return event.defaultPrevented;
    }
    case 'page': {
      const page = await win!.webContents.page;
      const selector = command.selector ?? 'body';
      switch (command.action) {
        case 'fill':
          return page.fill(selector, command.value ?? '');
        case 'click':
          return page.click(selector);
        case 'text':
          return page.locator(selector).first().textContent({ timeout: 30_000 });
        case 'wait':
          return void (await page.locator(selector).first().waitFor({ timeout: 90_000 }));
        case 'url':
          return redactToken(page.url());
        case 'screenshot':
          return void (await page.screenshot({ path: command.value ?? 'double-window.png' }));
        case 'evaluate':
          return page.evaluate(command.value ?? 'undefined');
      }
      return undefined;
    }
    case 'invoke':
      if (!win) throw new Error('no window');
      return invoke(command.channel, command.args, command.senderUrl, win.webContents);
    case 'permission': {
      const ses = session.defaultSession;
      if (command.kind === 'check')
        return ses.permissionCheckHandler?.(win?.webContents ?? null, command.permission, command.url, {
          isMainFrame: true,
        });
      return new Promise((resolve) =>
        ses.permissionRequestHandler
          ? ses.permissionRequestHandler(win?.webContents ?? null, command.permission, resolve, {
              requestingUrl: command.url,
              isMainFrame: true,
            })
          : resolve(true),
      );
    }
    case 'contents-event': {
      if (!win) throw new Error('no window');
      const event = new ElectronEvent({ url: command.url });
      win.webContents.emit(command.name, event, command.url);
      return event.defaultPrevented;
    }
    case 'window-open':
      if (!win) throw new Error('no window');
      return win.webContents.windowOpenHandler?.({ url: command.url }) ?? { action: 'allow' };
    case 'dialog-answer':
      return void dialogAnswers.push(command.response);
    case 'device-permission': {
      // Without a handler Electron asks the select-*-device events; the double says "allowed" then.
      const handler = session.defaultSession.devicePermissionHandler;
      return handler ? handler({ deviceType: command.deviceType, origin: command.origin }) : true;
    }
    case 'webauthn-account': {
      // Resolves with what the listener passed to callback (undefined: the request is cancelled).
      const ses = session.defaultSession;
      if (ses.listenerCount('select-webauthn-account') === 0) return { answered: false };
      return new Promise((resolve) =>
        ses.emit(
          'select-webauthn-account',
          new ElectronEvent(),
          {
            relyingPartyId: command.relyingPartyId,
            accounts: command.accounts,
            frame: command.frameUrl === null ? null : { url: command.frameUrl },
          },
          (credentialId?: string | null) => resolve({ answered: true, credentialId: credentialId ?? null }),
        ),
      );
    }
  }
}

process.on('message', (raw: unknown) => {
  const command = raw as Command;
  if (!command || typeof command !== 'object' || !('cmd' in command)) return;
  const id = 'id' in command ? command.id : undefined;
  onCommand(command).then(
    (value) => id !== undefined && report('reply', { id, ok: true, value }),
    (err: unknown) => id !== undefined && report('reply', { id, ok: false, error: (err as Error).message }),
  );
});
