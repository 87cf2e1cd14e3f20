import { bls12_381 } from '@noble/curves/bls12-381.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashToScalar,
  invertAll,
  randomScalars,
  scalarFromBytes,
  scalarFromHex,
  scalarToBytes,
  scalarToHex,
} from './scalar.ts';

const fields = [
  ['secp256k1', secp256k1.Point.Fn],
  ['bls12-381', bls12_381.G1.Point.Fn],
] as const;

describe.each(fields)('scalars of %s', (_name, F) => {
  const anyScalar = fc.bigInt({ min: 0n, max: F.ORDER - 1n });

  it('survive a hex and a bytes round trip, 32 bytes big-endian', () => {
    fc.assert(
      fc.property(anyScalar, (v) => {
        expect(scalarFromHex(F, scalarToHex(F, v))).toBe(v);
        expect(scalarFromHex(F, '0x' + scalarToHex(F, v))).toBe(v);
        const bytes = scalarToBytes(F, v);
        expect(bytes.length).toBe(32);
        expect(scalarFromBytes(F, bytes)).toBe(v);
      }),
    );
    expect(scalarToHex(F, 1n)).toBe('00'.repeat(31) + '01');
  });

  it('refuses values at or above the order instead of reducing them', () => {
    expect(() => scalarToBytes(F, F.ORDER)).toThrow(RangeError);
    expect(() => scalarFromHex(F, F.ORDER.toString(16).padStart(64, '0'))).toThrow(/order/);
    expect(() => scalarFromHex(F, 'abcd')).toThrow(/64 characters/);
  });

  it('draws random scalars that are non-zero, in range and distinct', () => {
    const values = randomScalars(F, 3000); // more than one 64 KiB RNG chunk
    expect(values).toHaveLength(3000);
    expect(values.every((v) => v > 0n && v < F.ORDER)).toBe(true);
    expect(new Set(values).size).toBe(3000);
  });

  it('inverts a batch with one inversion, and refuses zero', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: F.ORDER - 1n }), { minLength: 1, maxLength: 20 }), (values) => {
        const inverses = invertAll(F, values);
        values.forEach((v, i) => expect(F.mul(v, inverses[i] as bigint)).toBe(1n));
      }),
    );
    expect(() => invertAll(F, [3n, 0n])).toThrow(/zero/);
  });
});

describe('hashToScalar', () => {
  const F = secp256k1.Point.Fn;
  it('is deterministic, separated by domain, and not fooled by moving bytes between parts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const h = hashToScalar(F, 'TEST-A', [a, b]);
        expect(hashToScalar(F, 'TEST-A', [a, b])).toBe(h);
        expect(hashToScalar(F, 'TEST-B', [a, b])).not.toBe(h);
        // The same bytes split differently: length prefixes keep them apart.
        const moved = [a.subarray(0, a.length - 1), new Uint8Array([...a.subarray(a.length - 1), ...b])];
        expect(hashToScalar(F, 'TEST-A', moved)).not.toBe(h);
        expect(h >= 0n && h < F.ORDER).toBe(true);
      }),
    );
    expect(hashToScalar(F, 'TEST-A', [utf8ToBytes('ab'), utf8ToBytes('c')])).not.toBe(
      hashToScalar(F, 'TEST-A', [utf8ToBytes('a'), utf8ToBytes('bc')]),
    );
  });
});
