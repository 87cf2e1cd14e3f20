import { describe, expect, it } from 'vitest';
import { HandshakeRequest, isLocalhostOrigin } from './node-routes.ts';

describe('which pages may call the Lit routes', () => {
  it('accepts pages served from this machine', () => {
    for (const origin of [
      'http://localhost:5173',
      'http://localhost',
      'https://localhost:8443',
      'http://127.0.0.1:3000',
      'http://[::1]:8080',
    ])
      expect(isLocalhostOrigin(origin), origin).toBe(true);
  });

  it('refuses every other origin, and anything that is not one', () => {
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'http://127.0.0.2:3000',
      'null',
      'file://',
      'chrome-extension://abcdef',
      'http://localhost:5173/path',
      'http://user@localhost:5173',
      '',
    ])
      expect(isLocalhostOrigin(origin), origin).toBe(false);
  });
});

describe('the handshake request', () => {
  it('takes what the v8 SDK sends and refuses a malformed challenge', () => {
    expect(HandshakeRequest.safeParse({ clientPublicKey: 'test', challenge: 'a1'.repeat(32), epoch: 1 }).success).toBe(
      true,
    );
    expect(HandshakeRequest.safeParse({ clientPublicKey: 'test', challenge: '0x' + 'a1'.repeat(31) }).success).toBe(
      false,
    );
  });
});
