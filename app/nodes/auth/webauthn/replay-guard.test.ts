import { describe, expect, it } from 'vitest';
import { parseWebAuthnAssertion } from '../../../shared/webauthn/index.ts';
import { noneEs256, packedEdDsa } from '../../../shared/webauthn/spec-test-vectors.ts';
import { specAssertion } from '../../../shared/webauthn/test-support.ts';
import { PasskeyReplayGuard } from './replay-guard.ts';

describe('PasskeyReplayGuard', () => {
  const a = parseWebAuthnAssertion(specAssertion(noneEs256));
  const b = parseWebAuthnAssertion(specAssertion(packedEdDsa));

  it('refuses an assertion seen before until it expires', () => {
    let now = 0;
    const guard = new PasskeyReplayGuard({ ttlMs: 1000, now: () => now });
    guard.claim(a);
    expect(() => guard.claim(a)).toThrow(/already used/);
    now = 999;
    expect(() => guard.claim(a)).toThrow(/already used/);
    now = 1000;
    guard.claim(a);
  });

  it('keys on what was signed, not on the signature encoding', () => {
    const guard = new PasskeyReplayGuard();
    guard.claim(a);
    const reencoded = { ...a, response: { ...a.response, signature: b.response.signature } };
    expect(() => guard.claim(reencoded)).toThrow(/already used/);
  });

  it('stays within maxEntries, dropping expired entries first, then the oldest', () => {
    let now = 0;
    const guard = new PasskeyReplayGuard({ ttlMs: 100, maxEntries: 1, now: () => now });
    guard.claim(a);
    guard.claim(b);
    expect(guard.size).toBe(1);
    guard.claim(a); // a was evicted to make room for b
    now = 500;
    guard.claim(b);
    expect(guard.size).toBe(1);
  });
});
