import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { getBytes, hashMessage } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ActionInputError,
  parseAddress,
  parseBytes,
  parsePublicKey,
  parseSigName,
  parseToSign,
  parseTokenId,
  personalMessageDigest,
} from './validate.ts';

const FN = 'Lit.Actions.signEcdsa';
const publicKey = bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false));

describe('toSign', () => {
  it('takes exactly 32 bytes as an array or a Uint8Array', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(parseToSign(bytes, FN)).toEqual(bytes);
        expect(parseToSign([...bytes], FN)).toEqual(bytes);
      }),
    );
  });

  it('refuses any other length, saying how many bytes it got', () => {
    for (const n of [0, 1, 31, 33, 64]) {
      expect(() => parseToSign(new Uint8Array(n), FN)).toThrow(
        new ActionInputError(
          `${FN}: toSign must be exactly 32 bytes (a digest such as a keccak256 or sha256 hash); got ${n} bytes`,
        ),
      );
    }
  });

  it('refuses numbers that are not bytes instead of wrapping them like new Uint8Array would', () => {
    const values = Array<number>(32).fill(1);
    values[5] = 256;
    expect(() => parseToSign(values, FN)).toThrow(/element 5 is 256, not an integer 0\.\.255/);
    values[5] = 1.5;
    expect(() => parseToSign(values, FN)).toThrow(/element 5 is 1\.5/);
    expect(() => parseToSign('0x' + '00'.repeat(32), FN)).toThrow(/must be a Uint8Array or an array/);
    expect(() => parseToSign(undefined, FN)).toThrow(/got undefined/);
  });
});

describe('publicKey', () => {
  it('takes a 65-byte uncompressed point with or without 0x and returns lower-case 0x04...', () => {
    expect(parsePublicKey(publicKey, FN)).toBe(`0x${publicKey}`);
    expect(parsePublicKey(`0x${publicKey.toUpperCase()}`, FN)).toBe(`0x${publicKey}`);
  });

  it('refuses compressed keys, other lengths, non-hex and points off the curve', () => {
    const compressed = bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true));
    expect(() => parsePublicKey(compressed, FN)).toThrow(/65-byte uncompressed secp256k1 public key/);
    expect(() => parsePublicKey(publicKey.slice(0, -2), FN)).toThrow(/65-byte uncompressed/);
    expect(() => parsePublicKey('05' + publicKey.slice(2), FN)).toThrow(/65-byte uncompressed/);
    expect(() => parsePublicKey('04' + 'zz'.repeat(64), FN)).toThrow(/65-byte uncompressed/);
    expect(() => parsePublicKey(42, FN)).toThrow(/got 42/);
    const offCurve = '04' + publicKey.slice(2, 66) + (publicKey.slice(66, 129) + (publicKey.endsWith('0') ? '1' : '0'));
    expect(() => parsePublicKey(offCurve, FN)).toThrow(/is not a point on secp256k1/);
  });
});

describe('other arguments', () => {
  it('sigName is a non-empty string', () => {
    expect(parseSigName('sig1', FN)).toBe('sig1');
    expect(() => parseSigName('', FN)).toThrow(/sigName must be a non-empty string/);
    expect(() => parseSigName(7, FN)).toThrow(/got 7/);
    expect(() => parseSigName('x'.repeat(257), FN)).toThrow(/at most 256/);
  });

  it('a personal-sign message is hashed with the EIP-191 prefix, as ethers.hashMessage does', () => {
    expect(personalMessageDigest('hello', FN)).toEqual(getBytes(hashMessage('hello')));
    expect(personalMessageDigest([1, 2, 3], FN)).toEqual(getBytes(hashMessage(new Uint8Array([1, 2, 3]))));
    expect(() => personalMessageDigest({}, FN)).toThrow(/message must be a string or bytes/);
  });

  it('tokenId accepts decimal, 0x-hex, safe integers and bigints below 2^256', () => {
    expect(parseTokenId('0xff', FN)).toBe(255n);
    expect(parseTokenId('255', FN)).toBe(255n);
    expect(parseTokenId(255, FN)).toBe(255n);
    expect(parseTokenId(2n ** 256n - 1n, FN)).toBe(2n ** 256n - 1n);
    expect(() => parseTokenId(2n ** 256n, FN)).toThrow(/tokenId must be a uint256/);
    expect(() => parseTokenId('-1', FN)).toThrow(/tokenId must be a uint256/);
    expect(() => parseTokenId(1.5, FN)).toThrow(/tokenId must be a uint256/);
  });

  it('addresses come back checksummed; bytes accept 0x-hex too', () => {
    expect(parseAddress('0x' + 'ab'.repeat(20), FN)).toBe('0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB');
    expect(() => parseAddress('0x1234', FN)).toThrow(/20-byte hex address/);
    expect(parseBytes('0x0102', 'userId')).toEqual(new Uint8Array([1, 2]));
  });
});
