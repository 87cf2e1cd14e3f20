import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPolynomials,
  evaluateAtIndices,
  evaluatePolynomial,
  randomPolynomial,
  scalePolynomial,
  zeroConstantPolynomial,
} from './polynomial.ts';

const F = secp256k1.Point.Fn;
const anyScalar = fc.bigInt({ min: 0n, max: F.ORDER - 1n });

describe('polynomials', () => {
  it('have exactly the requested degree and the given constant term', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), anyScalar, (degree, secret) => {
        const p = randomPolynomial(F, degree, secret);
        expect(p).toHaveLength(degree + 1);
        if (degree > 0) expect(p[degree]).not.toBe(0n); // at degree 0 the only coefficient is the secret
        expect(evaluatePolynomial(F, p, 0)).toBe(secret);
      }),
    );
  });

  it('with a zero constant term share the value 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (degree) => {
        const z = zeroConstantPolynomial(F, degree);
        expect(evaluatePolynomial(F, z, 0)).toBe(0n);
        expect(z.slice(1).every((c) => c !== 0n)).toBe(true);
      }),
    );
    expect(() => zeroConstantPolynomial(F, 0)).toThrow(RangeError);
  });

  it('evaluate as the naive sum of a_k·x^k, and sums and multiples evaluate linearly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 50 }),
        anyScalar,
        (d1, d2, x, c) => {
          const p = randomPolynomial(F, d1);
          const q = randomPolynomial(F, d2);
          const naive = p.reduce((acc, a, k) => F.add(acc, F.mul(a, F.pow(BigInt(x), BigInt(k)))), 0n);
          expect(evaluatePolynomial(F, p, x)).toBe(naive);
          expect(evaluatePolynomial(F, addPolynomials(F, p, q), x)).toBe(
            F.add(evaluatePolynomial(F, p, x), evaluatePolynomial(F, q, x)),
          );
          expect(evaluatePolynomial(F, scalePolynomial(F, p, c), x)).toBe(F.mul(c, evaluatePolynomial(F, p, x)));
        },
      ),
    );
  });

  it('give node i the value at x = i', () => {
    const p = randomPolynomial(F, 3);
    const values = evaluateAtIndices(F, p, 7);
    values.forEach((v, i) => expect(v).toBe(evaluatePolynomial(F, p, i + 1)));
  });
});
