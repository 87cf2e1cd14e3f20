import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../shared/content-security-policy.ts';
import {
  desktopContentSecurityPolicy,
  HOMEPAGE,
  isAllowedNavigation,
  isExternalLinkAllowed,
  isPermissionAllowed,
  isWebAuthnAllowed,
  windowOptions,
} from './window-options.ts';

describe('the desktop window', () => {
  it('isolates the renderer from Node and Electron', () => {
    const prefs = windowOptions('/app/preload/index.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(prefs.preload).toBe('/app/preload/index.cjs');
  });

  it('refuses navigation away from the host origin', () => {
    const origin = 'http://localhost:5170';
    expect(isAllowedNavigation('http://localhost:5170/pkps', origin)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5171/', origin)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', origin)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', origin)).toBe(false);
    expect(isAllowedNavigation('not a url', origin)).toBe(false);
    // Before the host listens, nothing but the shell's own page.
    const page = 'file:///opt/Litbox/resources/app/out/main/shell-page/index.html';
    expect(isAllowedNavigation(page, undefined, page)).toBe(true);
    expect(isAllowedNavigation('file:///opt/Litbox/resources/app/out/main/other.html', undefined, page)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5170/', undefined, page)).toBe(false);
  });

  it("opens only the app's own links externally: sign-in pages and the homepage", () => {
    expect(isExternalLinkAllowed('https://accounts.google.com/o/oauth2/v2/auth?client_id=x')).toBe(true);
    expect(isExternalLinkAllowed('http://127.0.0.1:41234/auth?client_id=litbox-wallet')).toBe(true);
    expect(isExternalLinkAllowed('http://localhost:41234/auth')).toBe(true);
    expect(isExternalLinkAllowed(HOMEPAGE)).toBe(true);
    expect(isExternalLinkAllowed('https://evil.example/')).toBe(false);
    expect(isExternalLinkAllowed('http://accounts.google.com/')).toBe(false);
    expect(isExternalLinkAllowed('https://accounts.google.com.evil.example/')).toBe(false);
    expect(isExternalLinkAllowed('https://user:pw@accounts.google.com/')).toBe(false);
    expect(isExternalLinkAllowed('http://192.168.1.1/')).toBe(false);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    expect(isExternalLinkAllowed('litbox://callback')).toBe(false);
  });

  it('grants the clipboard and full screen to its own origin only, and nothing else to anyone', () => {
    const origin = 'http://localhost:5170';
    expect(isPermissionAllowed('clipboard-sanitized-write', `${origin}/pkps`, origin)).toBe(true);
    expect(isPermissionAllowed('fullscreen', origin, origin)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'http://localhost:5171/', origin)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'file:///x', origin)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', origin, undefined)).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'usb', 'openExternal'])
      expect(isPermissionAllowed(permission, origin, origin)).toBe(false);
  });

  it('refuses every origin the device permissions that reach a security key past WebAuthn', () => {
    const origin = 'http://localhost:5170';
    for (const permission of ['hid', 'usb', 'serial', 'smart-card', 'nfc', 'unknown'])
      expect(isPermissionAllowed(permission, `${origin}/`, origin)).toBe(false);
  });

  it("answers WebAuthn only for the app's own origin and its relying party", () => {
    const origin = 'http://localhost:5170';
    expect(isWebAuthnAllowed(`${origin}/#/accounts`, 'localhost', origin)).toBe(true);
    // Another origin: another port on localhost, 127.0.0.1, https, a foreign site, a file.
    for (const frame of [
      'http://localhost:5171/',
      'http://127.0.0.1:5170/',
      'https://localhost:5170/',
      'https://evil.example/',
      'file:///opt/Litbox/resources/app/out/main/shell-page/index.html',
      'not a url',
    ])
      expect(isWebAuthnAllowed(frame, 'localhost', origin)).toBe(false);
    // The app's page asking for another relying party.
    for (const rpId of ['evil.example', 'litbox.app', '127.0.0.1', ''])
      expect(isWebAuthnAllowed(`${origin}/`, rpId, origin)).toBe(false);
    // No frame (navigated away), or before the host listens.
    expect(isWebAuthnAllowed(undefined, 'localhost', origin)).toBe(false);
    expect(isWebAuthnAllowed(`${origin}/`, 'localhost', undefined)).toBe(false);
  });

  it("enforces the host's CSP without inline styles", () => {
    const csp = desktopContentSecurityPolicy(contentSecurityPolicy(5170));
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('has a CSP without inline scripts or foreign connections', () => {
    const csp = contentSecurityPolicy(5170);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self' ws://localhost:5170 ws://127.0.0.1:5170");
  });
});
