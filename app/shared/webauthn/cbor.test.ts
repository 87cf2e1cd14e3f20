import { describe, expect, it } from 'vitest';
import { decodeCbor, decodeCborItem, encodeCbor, type CborValue } from './cbor.ts';
import { fromHex, toHex } from './encoding.ts';

describe('CBOR', () => {
  // RFC 8949 Appendix A examples.
  const vectors: [CborValue, string][] = [
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [new Uint8Array(0), '40'],
    [Uint8Array.of(1, 2, 3, 4), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['\u00fc', '62c3bc'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
    [
      new Map<number | string, CborValue>([
        ['a', 1],
        ['b', [2, 3]],
      ]),
      'a26161016162820203',
    ],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
  ];
  it.each(vectors)('%o ↔ %s', (value, hex) => {
    expect(toHex(encodeCbor(value))).toBe(`0x${hex}`);
    expect(decodeCbor(fromHex(hex))).toEqual(value);
  });

  it('decodes floats (RFC 8949 Appendix A)', () => {
    expect(decodeCbor(fromHex('fa47c35000'))).toBe(100000.0);
    expect(decodeCbor(fromHex('fb3ff199999999999a'))).toBe(1.1);
  });

  it('sorts map keys canonically (CTAP2: shorter encoding first, then bytewise)', () => {
    const map = new Map<number | string, CborValue>([
      [-3, 0],
      [-1, 0],
      [3, 0],
      [1, 0],
      [-2, 0],
      ['kty', 0],
      [-257, 0],
    ]);
    const keys = [...(decodeCbor(encodeCbor(map)) as Map<number | string, CborValue>).keys()];
    expect(keys).toEqual([1, 3, -1, -2, -3, -257, 'kty']);
  });

  it('reports where an item ends, for items followed by more data', () => {
    expect(decodeCborItem(fromHex('a201020304ff'), 0)).toEqual({
      value: new Map([
        [1, 2],
        [3, 4],
      ]),
      end: 5,
    });
    expect(() => decodeCbor(fromHex('a201020304ff'))).toThrow(/1 bytes after the item/);
  });

  it('refuses what WebAuthn never sends', () => {
    expect(() => decodeCbor(fromHex('9f0102ff'))).toThrow(/indefinite/);
    expect(() => decodeCbor(fromHex('c074323031332d30332d32315432303a30343a30305a'))).toThrow(/tags/);
    expect(() => decodeCbor(fromHex('a201020103'))).toThrow(/duplicate/);
    expect(() => decodeCbor(fromHex('5820aabb'))).toThrow(/end of data/);
    expect(() => decodeCbor(fromHex('62c3'))).toThrow(/end of data/);
    expect(() => decodeCbor(fromHex('62ffff'))).toThrow(/UTF-8/);
    expect(() => decodeCbor(fromHex('1bffffffffffffffff'))).toThrow(/too large/);
    expect(() => decodeCbor(fromHex('a1820102'.padEnd(8, '0')))).toThrow(/keys/);
    expect(() => decodeCbor(new Uint8Array(0))).toThrow(/end of data/);
    expect(() => decodeCbor(fromHex('81'.repeat(20) + '00'))).toThrow(/deeply/);
    expect(() => decodeCbor(fromHex('9a7fffffff'))).toThrow(/end of data/);
  });
});
