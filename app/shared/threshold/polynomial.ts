// Polynomials over a scalar field, stored as coefficient arrays (constant term first).
// They are the dealer's secret in Shamir sharing: the constant term is the shared value,
// and node i receives the evaluation at x = i.
import { randomScalars, type ScalarField } from './scalar.ts';

/** Coefficients `[a0, a1, ..., ad]` of a0 + a1·x + ... + ad·x^d. */
export type Polynomial = readonly bigint[];

/**
 * A polynomial of exactly `degree` with random coefficients. The constant term is `constant`
 * when given (the secret being shared), random otherwise. All non-constant coefficients are
 * non-zero, so the degree is exact: a lower degree would lower the privacy threshold.
 */
export function randomPolynomial(F: ScalarField, degree: number, constant?: bigint): Polynomial {
  if (!Number.isSafeInteger(degree) || degree < 0) throw new RangeError(`degree must be >= 0, got ${degree}`);
  const coefficients = randomScalars(F, degree + 1);
  if (constant !== undefined) coefficients[0] = F.create(constant);
  return coefficients;
}

/**
 * A random polynomial of `degree` whose constant term is zero: a sharing of 0. Adding such
 * sharings re-randomises other sharings without changing the value they hide.
 */
export function zeroConstantPolynomial(F: ScalarField, degree: number): Polynomial {
  if (degree < 1) throw new RangeError('a zero-constant polynomial needs degree >= 1');
  return randomPolynomial(F, degree, 0n);
}

/** p(x) by Horner's rule: d multiplications. `x` is usually a node index. */
export function evaluatePolynomial(F: ScalarField, poly: Polynomial, x: bigint | number): bigint {
  const xs = F.create(BigInt(x));
  let acc = F.ZERO;
  for (let k = poly.length - 1; k >= 0; k--) acc = F.add(F.mul(acc, xs), poly[k] as bigint);
  return acc;
}

/** Values of `poly` at node indices 1..n (entry i-1 is node i's share). */
export function evaluateAtIndices(F: ScalarField, poly: Polynomial, n: number): bigint[] {
  const out: bigint[] = new Array<bigint>(n);
  for (let i = 1; i <= n; i++) out[i - 1] = evaluatePolynomial(F, poly, i);
  return out;
}

/** Coefficient-wise sum; the shorter polynomial is padded with zeros. */
export function addPolynomials(F: ScalarField, a: Polynomial, b: Polynomial): Polynomial {
  const out: bigint[] = [];
  for (let k = 0; k < Math.max(a.length, b.length); k++) out.push(F.add(a[k] ?? F.ZERO, b[k] ?? F.ZERO));
  return out;
}

/** c·p(x), coefficient-wise. */
export function scalePolynomial(F: ScalarField, p: Polynomial, c: bigint): Polynomial {
  return p.map((a) => F.mul(a, c));
}
