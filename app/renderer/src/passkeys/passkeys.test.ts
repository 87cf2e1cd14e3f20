import { describe, expect, it } from 'vitest';
import { passkeyCreationOptions, passkeyRequestOptions } from './passkeys.ts';

const blockHash = `0x${'0123456789abcdef'.repeat(4)}`;

describe('passkeyCreationOptions', () => {
  it("asks for a discoverable, user-verified passkey for Litbox's RP ID", () => {
    const options = passkeyCreationOptions({ username: 'ada', challenge: blockHash, userId: Uint8Array.of(1, 2, 3) });
    expect(options).toEqual({
      challenge: Buffer.from(blockHash.slice(2), 'hex').toString('base64url'),
      rp: { id: 'localhost', name: 'Litbox' },
      user: { id: 'AQID', name: 'ada', displayName: 'ada' },
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      attestation: 'none',
      excludeCredentials: [],
      timeout: 60_000,
    });
  });

  it('refuses a short challenge, an empty name and an oversized user id', () => {
    expect(() => passkeyCreationOptions({ username: 'ada', challenge: '0x1234', userId: Uint8Array.of(1) })).toThrow(
      /at least 16 bytes/,
    );
    expect(() => passkeyCreationOptions({ username: ' ', challenge: blockHash, userId: Uint8Array.of(1) })).toThrow(
      /user name/,
    );
    expect(() => passkeyCreationOptions({ username: 'ada', challenge: blockHash, userId: new Uint8Array(65) })).toThrow(
      /user.id/,
    );
  });
});

describe('passkeyRequestOptions', () => {
  it('signs the block hash bytes (base64url) with user verification required', () => {
    expect(passkeyRequestOptions({ challenge: blockHash })).toEqual({
      challenge: Buffer.from(blockHash.slice(2), 'hex').toString('base64url'),
      rpId: 'localhost',
      userVerification: 'required',
      timeout: 60_000,
    });
  });

  it('limits the credentials when given', () => {
    const options = passkeyRequestOptions({
      challenge: Buffer.from(blockHash.slice(2), 'hex'),
      allowCredentials: ['AQID'],
    });
    expect(options.allowCredentials).toEqual([{ id: 'AQID', type: 'public-key' }]);
    expect(() => passkeyRequestOptions({ challenge: blockHash, allowCredentials: ['a+b/'] })).toThrow(/base64url/);
  });

  it('refuses a challenge that is not a 32-byte block hash', () => {
    expect(() => passkeyRequestOptions({ challenge: '0x1234' })).toThrow(/32 bytes, got 2/);
  });
});
