import { describe, expect, it } from 'vitest';
import { findAccountButton } from './headless-login.ts';
import { DEFAULT_IDENTITIES } from './identities.ts';
import { escapeHtml, renderLoginPage } from './login-page.ts';
import { buildAuthorizationRequest, pkceChallenge } from './loopback-login.ts';

describe('authorization request', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('asks for a code with PKCE, state and nonce, and keeps the verifier out of the URL', () => {
    const request = buildAuthorizationRequest({
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      clientId: 'x.apps.googleusercontent.com',
      redirectUri: 'http://127.0.0.1:5555/callback',
      prompt: 'select_account',
    });
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      response_type: 'code',
      client_id: 'x.apps.googleusercontent.com',
      redirect_uri: 'http://127.0.0.1:5555/callback',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      prompt: 'select_account',
      state: request.state,
      nonce: request.nonce,
    });
    expect(q.code_challenge).toBe(pkceChallenge(request.codeVerifier));
    expect(request.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.url).not.toContain(request.codeVerifier);
  });

  it('makes fresh secrets every time', () => {
    const input = {
      authorizationEndpoint: 'http://127.0.0.1:1/auth',
      clientId: 'c',
      redirectUri: 'http://127.0.0.1/cb',
    };
    const a = buildAuthorizationRequest(input);
    const b = buildAuthorizationRequest(input);
    expect(new Set([a.state, a.nonce, a.codeVerifier, b.state, b.nonce, b.codeVerifier]).size).toBe(6);
  });
});

describe('login page', () => {
  it('escapes what it shows', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const html = renderLoginPage({
      actionBase: '/interaction/abc',
      clientName: '<script>alert(1)</script>',
      identities: [{ sub: 's"1', email: 'x@example.com', emailVerified: true, name: '<b>X</b>' }],
      issuer: 'http://127.0.0.1:1',
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>X</b>');
    expect(findAccountButton(html, 'x@example.com')).toEqual({ action: '/interaction/abc/login', sub: 's"1' });
  });

  it('offers every identity by email', () => {
    const html = renderLoginPage({
      actionBase: '/interaction/abc',
      clientName: 'Litbox',
      identities: DEFAULT_IDENTITIES,
      issuer: 'http://127.0.0.1:1',
    });
    for (const identity of DEFAULT_IDENTITIES) {
      expect(findAccountButton(html, identity.email)?.sub).toBe(identity.sub);
    }
    expect(findAccountButton(html, 'nobody@example.com')).toBeUndefined();
  });
});
