// Lagrange interpolation over a scalar field. Combining shares of a secret, checking that
// extra shares lie on the same polynomial, and combining signature shares all reduce to
// "weights that depend only on the node indices" times "the values", so the weights are
// computed once (with a single field inversion) and reused, e.g. for a whole batch.
import { assertDistinctIndices, invertAll, type ScalarField, type Share } from './scalar.ts';

/**
 * λ_i(x) = Π_{j≠i} (x − j)/(i − j) for each i in `indices`: then p(x) = Σ λ_i(x)·p(i) for every
 * polynomial p of degree < indices.length. Defaults to x = 0, where p(0) is the secret.
 */
export function lagrangeCoefficients(F: ScalarField, indices: readonly number[], at: bigint = 0n): bigint[] {
  assertDistinctIndices(indices);
  const x = F.create(at);
  const xs = indices.map((i) => F.create(BigInt(i)));
  const numerators: bigint[] = [];
  const denominators: bigint[] = [];
  for (let a = 0; a < xs.length; a++) {
    let num = F.ONE;
    let den = F.ONE;
    const xa = xs[a] as bigint;
    for (let b = 0; b < xs.length; b++) {
      if (a === b) continue;
      const xb = xs[b] as bigint;
      num = F.mul(num, F.sub(x, xb));
      den = F.mul(den, F.sub(xa, xb));
    }
    numerators.push(num);
    denominators.push(den);
  }
  const inverses = invertAll(F, denominators);
  return numerators.map((num, a) => F.mul(num, inverses[a] as bigint));
}

/** Σ weights[i]·values[i]. */
export function weightedSum(F: ScalarField, weights: readonly bigint[], values: readonly bigint[]): bigint {
  if (weights.length !== values.length) throw new RangeError('weights and values differ in length');
  let acc = F.ZERO;
  for (let i = 0; i < weights.length; i++) acc = F.add(acc, F.mul(weights[i] as bigint, values[i] as bigint));
  return acc;
}

/** p(at) for the unique polynomial of degree < shares.length through the shares. */
export function interpolateAt(F: ScalarField, shares: readonly Share[], at: bigint = 0n): bigint {
  if (shares.length === 0) throw new RangeError('no shares to interpolate');
  const weights = lagrangeCoefficients(
    F,
    shares.map((s) => s.index),
    at,
  );
  return weightedSum(
    F,
    weights,
    shares.map((s) => s.value),
  );
}

/**
 * Precomputed weights for a fixed set of node indices and a polynomial degree d: the first
 * d+1 indices (the basis) determine the polynomial; `atZero` recovers p(0) from them and
 * `atExtras[e]` predicts the value at the e-th extra index, which must equal what that node
 * sent. Reuse one plan for every item of a batch that came from the same nodes.
 */
export interface InterpolationPlan {
  readonly degree: number;
  /** All indices, in the order values must be given. */
  readonly indices: readonly number[];
  readonly basis: readonly number[];
  readonly extras: readonly number[];
  readonly atZero: readonly bigint[];
  readonly atExtras: readonly (readonly bigint[])[];
}

export function makeInterpolationPlan(F: ScalarField, indices: readonly number[], degree: number): InterpolationPlan {
  if (indices.length < degree + 1) {
    throw new RangeError(`a degree-${degree} polynomial needs ${degree + 1} points, got ${indices.length}`);
  }
  assertDistinctIndices(indices);
  const basis = indices.slice(0, degree + 1);
  const extras = indices.slice(degree + 1);
  return {
    degree,
    indices: indices.slice(),
    basis,
    extras,
    atZero: lagrangeCoefficients(F, basis, 0n),
    atExtras: extras.map((e) => lagrangeCoefficients(F, basis, BigInt(e))),
  };
}

/**
 * Applies a plan to values given in `plan.indices` order: returns p(0) from the basis and the
 * extra indices whose values disagree with the polynomial the basis defines.
 */
export function interpolateWithPlan(
  F: ScalarField,
  plan: InterpolationPlan,
  values: readonly bigint[],
): { value: bigint; disagreeing: number[] } {
  if (values.length !== plan.indices.length) throw new RangeError('one value per planned index is required');
  const basisValues = values.slice(0, plan.basis.length);
  const disagreeing: number[] = [];
  plan.atExtras.forEach((weights, e) => {
    const expected = weightedSum(F, weights, basisValues);
    if (!F.eql(expected, values[plan.basis.length + e] as bigint)) disagreeing.push(plan.extras[e] as number);
  });
  return { value: weightedSum(F, plan.atZero, basisValues), disagreeing };
}
