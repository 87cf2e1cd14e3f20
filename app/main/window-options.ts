import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { LITBOX_RP_ID } from '../shared/webauthn/constants.ts';

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

/** The window may only ever show the host's own origin (and the shell's own page, by its exact file URL). */
export function isAllowedNavigation(target: string, hostOrigin: string | undefined, shellPageUrl?: string): boolean {
  try {
    const url = new URL(target);
    if (shellPageUrl !== undefined && url.protocol === 'file:') {
      const page = new URL(shellPageUrl);
      return url.pathname === page.pathname && url.host === page.host;
    }
    return hostOrigin !== undefined && url.origin === hostOrigin;
  } catch {
    return false;
  }
}

/** The app's homepage (Help menu, About panel). */
export const HOMEPAGE = 'https://litbox.app/'; // package.json "homepage"

/** Pages Litbox itself sends people to in their browser: https ones by host, exact. */
const EXTERNAL_HTTPS_HOSTS = new Set([
  'accounts.google.com', // Google sign-in (authorization code + PKCE, loopback redirect)
  new URL(HOMEPAGE).host,
]);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Links opened in the system browser: only the app's own ones, checked here. The sign-in
 * pages of the local issuer (loopback http) and of Google, and the homepage; never file:,
 * javascript:, custom schemes, credentials in the URL, or another site.
 */
export function isExternalLinkAllowed(target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol === 'https:') return LOOPBACK_HOSTS.has(url.hostname) || EXTERNAL_HTTPS_HOSTS.has(url.host);
  return false;
}

/**
 * Permissions the window may use, and only on the app's own origin: copying to the clipboard
 * (the copy buttons) and full screen. Everything else (camera, location, notifications, ...)
 * is refused for every origin, and so are the device permissions a page could use to talk to a
 * security key past WebAuthn (WebHID, WebUSB, Web Serial, smart cards, NFC): WebAuthn itself
 * is not a permission, and its account choice is allowed for the app's origin only
 * (isWebAuthnAllowed).
 */
const ALLOWED_ON_APP_ORIGIN = new Set(['clipboard-sanitized-write', 'fullscreen']);

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  hostOrigin: string | undefined,
): boolean {
  if (!ALLOWED_ON_APP_ORIGIN.has(permission)) return false;
  return isAppOrigin(requestingUrl, hostOrigin);
}

/**
 * A WebAuthn request (Electron's select-webauthn-account: which passkey to use) is answered
 * only for a page of the app's own origin asking for the app's own relying party (the RP ID
 * the host's passkeys are bound to, "localhost"). Any other frame or RP ID is cancelled.
 */
export function isWebAuthnAllowed(
  frameUrl: string | undefined,
  relyingPartyId: string,
  hostOrigin: string | undefined,
): boolean {
  if (frameUrl === undefined || hostOrigin === undefined || !isAppOrigin(frameUrl, hostOrigin)) return false;
  return relyingPartyId === LITBOX_RP_ID;
}

function isAppOrigin(url: string, hostOrigin: string | undefined): boolean {
  if (hostOrigin === undefined) return false;
  try {
    return new URL(url).origin === hostOrigin;
  } catch {
    return false;
  }
}

/**
 * The CSP the shell enforces on the host's pages: the host's own, with inline styles refused
 * too (the UI has none: its CSS is one file, React's style props and CodeMirror's constructed
 * style sheets are not inline styles to CSP).
 */
export function desktopContentSecurityPolicy(base: string): string {
  return base
    .split(';')
    .map((directive) => directive.trim())
    .map((directive) => (directive.startsWith('style-src ') ? "style-src 'self'" : directive))
    .join('; ');
}
