import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../shared/content-security-policy.ts';
import { isAllowedNavigation, isExternalLinkAllowed, windowOptions } from './window-options.ts';

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
  });

  it('opens only http(s) links externally', () => {
    expect(isExternalLinkAllowed('https://accounts.google.com/')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
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
