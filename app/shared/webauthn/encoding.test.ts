import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64urlToBytes,
  blockHashToChallenge,
  bytesToBase64url,
  challengeToBlockHash,
  fromHex,
  isBase64url,
  normalizeBlockHash,
  toHex,
} from './encoding.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('base64url (RFC 4648 section 5, no padding)', () => {
  // RFC 4648 section 10 test vectors, padding removed.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('%j ↔ %s', (text, encoded) => {
    expect(bytesToBase64url(utf8(text))).toBe(encoded);
    expect(base64urlToBytes(encoded)).toEqual(utf8(text));
  });

  it('uses - and _ where base64 has + and /', () => {
    expect(bytesToBase64url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
  });

  it('agrees with Node for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = bytesToBase64url(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64urlToBytes(encoded)).toEqual(bytes);
      }),
    );
  });

  it('refuses padding, base64 characters and non-canonical trailing bits', () => {
    for (const bad of ['Zg==', 'Zm8=', 'a+b/', 'Z', 'Zh', 'Zm9', 'Zm8 ', 'é']) {
      expect(isBase64url(bad), bad).toBe(false);
      expect(() => base64urlToBytes(bad)).toThrow(/base64url/);
    }
    expect(isBase64url(42)).toBe(false);
  });
});

describe('hex', () => {
  it('reads 0x and bare hex of any case and writes 0x lower case', () => {
    expect(fromHex('0xABcd')).toEqual(Uint8Array.of(0xab, 0xcd));
    expect(fromHex('abcd')).toEqual(Uint8Array.of(0xab, 0xcd));
    expect(toHex(Uint8Array.of(0xab, 0xcd))).toBe('0xabcd');
    expect(() => fromHex('0xabc')).toThrow();
    expect(() => fromHex('0xzz')).toThrow();
  });
});

describe('block hash ↔ challenge', () => {
  const hash = '0x' + '0123456789abcdef'.repeat(4);

  it('encodes the 32 hash bytes as base64url, as Lit SDK does (base64url(Buffer.from(arrayify(blockHash))))', () => {
    expect(blockHashToChallenge(hash)).toBe(Buffer.from(hash.slice(2), 'hex').toString('base64url'));
    expect(blockHashToChallenge(hash.toUpperCase().replace('0X', '0x'))).toBe(blockHashToChallenge(hash));
    expect(challengeToBlockHash(blockHashToChallenge(hash))).toBe(hash);
  });

  it('is null for challenges that are not 32 bytes of base64url', () => {
    expect(challengeToBlockHash('Zm9v')).toBeNull();
    expect(challengeToBlockHash(Buffer.alloc(32).toString('base64'))).toBeNull(); // padded base64
    expect(challengeToBlockHash('not base64url!')).toBeNull();
  });

  it('refuses a block hash of the wrong length', () => {
    expect(() => normalizeBlockHash('0x1234')).toThrow(/32 bytes/);
    expect(() => blockHashToChallenge(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
