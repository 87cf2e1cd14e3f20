import { bls12_381 } from '@noble/curves/bls12-381.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolateAt, interpolateWithPlan, lagrangeCoefficients, makeInterpolationPlan } from './lagrange.ts';
import { evaluatePolynomial, randomPolynomial } from './polynomial.ts';

/** A degree, and a shuffled set of at least degree+1 distinct node indices out of 1..n. */
const degreeAndIndices = fc
  .integer({ min: 3, max: 20 })
  .chain((n) => fc.integer({ min: 1, max: n - 1 }).map((degree) => ({ n, degree })))
  .chain(({ n, degree }) =>
    fc
      .shuffledSubarray(
        Array.from({ length: n }, (_, i) => i + 1),
        { minLength: degree + 1 },
      )
      .map((indices) => ({ degree, indices })),
  );

describe.each([
  ['secp256k1', secp256k1.Point.Fn],
  ['bls12-381', bls12_381.G1.Point.Fn],
] as const)('Lagrange interpolation over %s', (_name, F) => {
  it('recovers p(x) at any x from degree+1 points', () => {
    fc.assert(
      fc.property(degreeAndIndices, fc.bigInt({ min: 0n, max: 1000n }), ({ degree, indices }, x) => {
        const p = randomPolynomial(F, degree);
        const shares = indices.slice(0, degree + 1).map((index) => ({ index, value: evaluatePolynomial(F, p, index) }));
        expect(interpolateAt(F, shares, x)).toBe(evaluatePolynomial(F, p, x));
      }),
      { numRuns: 50 },
    );
  });

  it('weights at 0 add up to 1 (they reproduce the constant polynomial 1)', () => {
    fc.assert(
      fc.property(degreeAndIndices, ({ indices }) => {
        expect(lagrangeCoefficients(F, indices).reduce((a, b) => F.add(a, b), 0n)).toBe(1n);
      }),
      { numRuns: 50 },
    );
  });

  it('a plan finds p(0) and flags exactly the extra points that are off the polynomial', () => {
    fc.assert(
      fc.property(degreeAndIndices, fc.nat(), ({ degree, indices }, pick) => {
        const p = randomPolynomial(F, degree);
        const values = indices.map((i) => evaluatePolynomial(F, p, i));
        const plan = makeInterpolationPlan(F, indices, degree);
        expect(interpolateWithPlan(F, plan, values)).toEqual({ value: p[0], disagreeing: [] });
        if (indices.length > degree + 1) {
          const e = degree + 1 + (pick % (indices.length - degree - 1));
          values[e] = F.add(values[e] as bigint, 1n);
          expect(interpolateWithPlan(F, plan, values).disagreeing).toEqual([indices[e]]);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('refuses repeated indices and too few points', () => {
    expect(() => lagrangeCoefficients(F, [1, 2, 2])).toThrow(/twice/);
    expect(() => makeInterpolationPlan(F, [1, 2], 2)).toThrow(/needs 3 points/);
    expect(() => lagrangeCoefficients(F, [0, 1])).toThrow(/index/);
  });
});
