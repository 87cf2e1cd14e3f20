import { describe, expect, it } from 'vitest';
import { parseGoogleJwtConfig } from './config.ts';
import { GOOGLE_ISSUERS } from './key-sets.ts';
import { GoogleJwtVerifier } from './verify-google-jwt.ts';

describe('Google-style sign-in config', () => {
  it('takes Google and a local issuer with inline keys, dropping private key material', () => {
    const config = parseGoogleJwtConfig({
      trustedIssuers: [
        ...GOOGLE_ISSUERS,
        {
          issuer: 'http://127.0.0.1:4444',
          jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k', alg: 'RS256', use: 'sig', d: 'secret' }] },
        },
      ],
      audiences: ['litbox-desktop'],
    });
    expect(config.trustedIssuers[2]?.jwks?.keys[0]).not.toHaveProperty('d');
    expect(() => new GoogleJwtVerifier(config)).not.toThrow();
  });

  it('refuses an empty list and keys that are not RSA', () => {
    expect(() => parseGoogleJwtConfig({ trustedIssuers: [], audiences: ['a'] })).toThrow(/invalid/);
    expect(() =>
      parseGoogleJwtConfig({
        trustedIssuers: [{ issuer: 'x', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }],
        audiences: ['a'],
      }),
    ).toThrow(/invalid/);
  });
});
