import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The window's security settings, kept apart from Electron's runtime so a unit test can
 * assert them on machines where Electron cannot run.
 */
export const secureWebPreferences = (preloadPath: string): WebPreferences => ({
  preload: preloadPath,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
});

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 820,
    minWidth: 760,
    minHeight: 560,
    title: 'Litbox',
    show: false,
    backgroundColor: '#15161b',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The window may only ever show the host's own origin. */
export function isAllowedNavigation(target: string, hostOrigin: string): boolean {
  try {
    return new URL(target).origin === hostOrigin;
  } catch {
    return false;
  }
}

/** Links the user opens go to the system browser, and only http(s) ones. */
export function isExternalLinkAllowed(target: string): boolean {
  try {
    const { protocol } = new URL(target);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
