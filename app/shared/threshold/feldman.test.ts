import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCommitments, commitToPolynomial, evaluateCommitments, verifyShare } from './feldman.ts';
import { bls12381G1Group, mulBase, secp256k1Group } from './groups.ts';
import { addPolynomials, evaluatePolynomial, randomPolynomial } from './polynomial.ts';

describe.each([
  ['secp256k1', secp256k1Group, 25],
  ['BLS12-381 G1', bls12381G1Group, 5],
] as const)('Feldman commitments in %s', (_name, group, numRuns) => {
  const F = group.Fn;

  it('accept every honest share and reject a share that is off by anything', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.bigInt({ min: 1n, max: F.ORDER - 1n }),
        (degree, index, offset) => {
          const p = randomPolynomial(F, degree);
          const commitments = commitToPolynomial(group, p);
          const value = evaluatePolynomial(F, p, index);
          expect(verifyShare(group, { index, value }, commitments)).toBe(true);
          expect(verifyShare(group, { index, value: F.add(value, offset) }, commitments)).toBe(false);
          // Right value, wrong node: also refused.
          expect(verifyShare(group, { index: index + 1, value }, commitments)).toBe(false);
        },
      ),
      { numRuns },
    );
  });

  it('evaluate to the share times the generator, and C_0 is the secret times the generator', () => {
    const p = randomPolynomial(F, 3);
    const commitments = commitToPolynomial(group, p);
    expect(commitments[0]?.equals(mulBase(group, p[0] as bigint))).toBe(true);
    for (const i of [1, 5, 9])
      expect(evaluateCommitments(group, commitments, i).equals(mulBase(group, evaluatePolynomial(F, p, i)))).toBe(true);
  });

  it('of several dealers add up to commitments of the summed polynomial', () => {
    const polys = [randomPolynomial(F, 2), randomPolynomial(F, 2), randomPolynomial(F, 2)];
    const summed = addCommitments(
      group,
      polys.map((p) => commitToPolynomial(group, p)),
    );
    const sumPoly = polys.reduce((a, b) => addPolynomials(F, a, b));
    expect(verifyShare(group, { index: 4, value: evaluatePolynomial(F, sumPoly, 4) }, summed)).toBe(true);
    expect(() =>
      addCommitments(group, [
        commitToPolynomial(group, polys[0] as bigint[]),
        commitToPolynomial(group, randomPolynomial(F, 3)),
      ]),
    ).toThrow(/differ in length/);
  });
});
