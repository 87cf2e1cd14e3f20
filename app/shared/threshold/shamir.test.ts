import { bls12_381 } from '@noble/curves/bls12-381.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolateAt } from './lagrange.ts';
import type { Share } from './scalar.ts';
import {
  findBadShares,
  InconsistentSharesError,
  reconstructSecret,
  sharesAreConsistent,
  splitSecret,
} from './shamir.ts';

/** N in 3..20, a degree t with t+1 <= N, and a secret. */
const sharing = (order: bigint) =>
  fc.integer({ min: 3, max: 20 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      degree: fc.integer({ min: 1, max: n - 1 }),
      secret: fc.bigInt({ min: 0n, max: order - 1n }),
    }),
  );

describe.each([
  ['secp256k1', secp256k1.Point.Fn],
  ['bls12-381', bls12_381.G1.Point.Fn],
] as const)('Shamir sharing over %s', (_name, F) => {
  it('recovers the secret from any degree+1 or more of the N shares, in any order', () => {
    fc.assert(
      fc.property(
        sharing(F.ORDER).chain(({ n, degree, secret }) =>
          fc.record({
            degree: fc.constant(degree),
            secret: fc.constant(secret),
            chosen: fc.shuffledSubarray(splitSecret(F, secret, degree, n), { minLength: degree + 1 }),
          }),
        ),
        ({ degree, secret, chosen }) => {
          expect(reconstructSecret(F, chosen, degree)).toBe(secret);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with only degree shares (T-1) refuses to reconstruct, and interpolating them gives a wrong value', () => {
    fc.assert(
      fc.property(sharing(F.ORDER), ({ n, degree, secret }) => {
        const few = splitSecret(F, secret, degree, n).slice(0, degree);
        expect(() => reconstructSecret(F, few, degree)).toThrow(/needs/);
        // Treating T-1 shares as enough (a lower-degree curve through them) misses the secret.
        expect(interpolateAt(F, few)).not.toBe(secret);
      }),
      { numRuns: 60 },
    );
  });

  it('names a tampered share when enough extra shares outvote it, and refuses to reconstruct', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 20 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            degree: fc.integer({ min: 1, max: n - 3 }),
            bad: fc.integer({ min: 1, max: n }),
          }),
        ),
        ({ n, degree, bad }) => {
          const shares = splitSecret(F, 42n, degree, n).map((s) =>
            s.index === bad ? { ...s, value: F.add(s.value, 1n) } : s,
          );
          expect(sharesAreConsistent(F, shares, degree)).toBe(false);
          expect(findBadShares(F, shares, degree)).toEqual([bad]);
          let caught: unknown;
          try {
            reconstructSecret(F, shares, degree);
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(InconsistentSharesError);
          expect((caught as InconsistentSharesError).badIndices).toEqual([bad]);
          expect((caught as Error).message).toContain(`node(s) ${bad}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('with a single extra share, detects a tampered share but cannot say whose', () => {
    const shares: Share[] = splitSecret(F, 7n, 3, 5);
    shares[2] = { index: 3, value: F.add((shares[2] as Share).value, 5n) };
    expect(findBadShares(F, shares, 3)).toBeUndefined();
    expect(() => reconstructSecret(F, shares, 3)).toThrow(/cannot tell which/);
  });

  it('names two tampered shares when the extras allow it (N = 9, degree 2)', () => {
    const shares = splitSecret(F, 5n, 2, 9).map((s) =>
      s.index === 4 || s.index === 8 ? { ...s, value: F.sub(s.value, 3n) } : s,
    );
    expect(findBadShares(F, shares, 2)).toEqual([4, 8]);
  });

  it('reports consistent shares as having no bad ones', () => {
    expect(findBadShares(F, splitSecret(F, 9n, 2, 7), 2)).toEqual([]);
  });
});
