import { describe, expect, it } from 'vitest';
import {
  Address,
  Cid,
  Digest,
  Hex,
  PublicKey,
  PublicKeyText,
  SignatureHex,
  TransactionHash,
  WIRE_MESSAGES,
  isWireValue,
  wireValueProblem,
} from './wire-values.ts';

const x = 'ab'.repeat(32);
const y = 'CD'.repeat(32);
const key = `04${x}${y}`;

describe('wire values: what each accepts and refuses', () => {
  it('a public key: 65 uncompressed bytes, with or without 0x, any case', () => {
    for (const text of [key, `0x${key}`, `0x${key.toUpperCase()}`])
      expect(PublicKey.safeParse(text).success, text).toBe(true);
    for (const text of [
      `0x02${x}`, // compressed
      `0x${key}00`, // a byte too long
      `0x${key.slice(0, -2)}`, // a byte short
      `0x05${x}${y}`, // not the uncompressed prefix
      `0x04${x}${y.slice(0, -1)}g`, // not hex
      `00x${key}`,
      '',
    ])
      expect(wireValueProblem(PublicKey, text), text).toBe(WIRE_MESSAGES.publicKey);
    expect(wireValueProblem(PublicKey, 7)).toBeDefined();
  });

  it('a digest and a transaction hash: 0x and 32 bytes; the 0x is required', () => {
    expect(Digest.safeParse(`0x${x}`).success).toBe(true);
    expect(wireValueProblem(Digest, x)).toBe(WIRE_MESSAGES.digest);
    expect(wireValueProblem(Digest, '0x1234')).toBe(WIRE_MESSAGES.digest);
    expect(wireValueProblem(Digest, `0x${x}00`)).toBe(WIRE_MESSAGES.digest);
    expect(TransactionHash.safeParse(`0x${y}`).success).toBe(true);
    expect(wireValueProblem(TransactionHash, '0x')).toBe(WIRE_MESSAGES.transactionHash);
  });

  it('an address: 0x and 20 bytes, any case, its checksum not required', () => {
    for (const text of [
      '0x000000000000000000000000000000000000dEaD',
      '0x000000000000000000000000000000000000DEAD', // wrong checksum: still an address on the wire
      '0xabcdefabcdefabcdefabcdefabcdefabcdefabcd',
    ])
      expect(Address.safeParse(text).success, text).toBe(true);
    for (const text of [
      '0x1234',
      '000000000000000000000000000000000000dEaD',
      '0x000000000000000000000000000000000000dEaDa',
    ])
      expect(wireValueProblem(Address, text), text).toBe(WIRE_MESSAGES.address);
  });

  it('hex: whole bytes after 0x, none at all included', () => {
    for (const text of ['0x', '0x00', '0xDeadBeef']) expect(Hex.safeParse(text).success, text).toBe(true);
    for (const text of ['0xabc', 'ab', '0xzz']) expect(wireValueProblem(Hex, text), text).toBe(WIRE_MESSAGES.hex);
  });

  it('a signature: 0x and 65 bytes r‖s‖v', () => {
    expect(SignatureHex.safeParse(`0x${x}${x}1b`).success).toBe(true);
    expect(wireValueProblem(SignatureHex, `0x${x}${x}`)).toBe(WIRE_MESSAGES.signature);
  });

  it('a CID: v0 in base58 (no 0, O, I or l)', () => {
    const cid = 'QmSRrHZSPbPadHzYGDDVeXQknxhj9SFR7ey6kBYqBCKWPi';
    expect(Cid.safeParse(cid).success).toBe(true);
    for (const text of ['QmNotACid', `${cid}x`, cid.replace('S', '0'), `bafy${cid.slice(4)}`])
      expect(wireValueProblem(Cid, text), text).toBe(WIRE_MESSAGES.cid);
  });
});

describe('wire values: one form once parsed', () => {
  it('a public key becomes 0x04… in lower case, whichever spelling came in', () => {
    const canonical = `0x${key.toLowerCase()}`;
    expect(PublicKey.parse(key)).toBe(canonical);
    expect(PublicKey.parse(`0x${key.toUpperCase()}`)).toBe(canonical);
    expect(PublicKey.parse(canonical)).toBe(canonical);
  });

  it('digests, hashes, hex and signatures become lower case; addresses and CIDs stay as given', () => {
    expect(Digest.parse(`0x${y}`)).toBe(`0x${y.toLowerCase()}`);
    expect(TransactionHash.parse(`0x${y}`)).toBe(`0x${y.toLowerCase()}`);
    expect(Hex.parse('0xDeadBeef')).toBe('0xdeadbeef');
    expect(SignatureHex.parse(`0x${y}${y}1B`)).toBe(`0x${y.toLowerCase()}${y.toLowerCase()}1b`);
    expect(Address.parse('0x000000000000000000000000000000000000dEaD')).toBe(
      '0x000000000000000000000000000000000000dEaD',
    );
  });

  it('the checking schema accepts the same texts and leaves them as they are', () => {
    expect(PublicKeyText.parse(key)).toBe(key);
    expect(isWireValue(PublicKeyText, key)).toBe(isWireValue(PublicKey, key));
    expect(isWireValue(PublicKeyText, `0x02${x}`)).toBe(false);
  });
});
