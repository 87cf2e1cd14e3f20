// Shamir secret sharing: split a secret into N shares on a random polynomial of degree d
// (any d+1 shares recover it, d or fewer reveal nothing), recover it, and detect shares that
// do not lie on the same polynomial as the others.
import { interpolateWithPlan, makeInterpolationPlan } from './lagrange.ts';
import { evaluatePolynomial, randomPolynomial } from './polynomial.ts';
import { assertDistinctIndices, type ScalarField, type Share } from './scalar.ts';

/** Shares for nodes 1..n of `secret` on a fresh random polynomial of `degree`. */
export function splitSecret(F: ScalarField, secret: bigint, degree: number, n: number): Share[] {
  if (n < degree + 1) throw new RangeError(`${n} shares cannot carry a degree-${degree} sharing`);
  const poly = randomPolynomial(F, degree, secret);
  const shares: Share[] = [];
  for (let i = 1; i <= n; i++) shares.push({ index: i, value: evaluatePolynomial(F, poly, i) });
  return shares;
}

/** Raised when shares do not all lie on one polynomial of the expected degree. */
export class InconsistentSharesError extends Error {
  /** Node indices whose shares are wrong, when they could be singled out; undefined otherwise. */
  readonly badIndices: readonly number[] | undefined;
  constructor(message: string, badIndices: readonly number[] | undefined) {
    super(message);
    this.name = 'InconsistentSharesError';
    this.badIndices = badIndices;
  }
}

/**
 * The secret p(0) from at least degree+1 shares. The first degree+1 (in the order given)
 * determine p; every further share must agree with it, otherwise this throws
 * {@link InconsistentSharesError} naming the bad shares when they can be identified.
 */
export function reconstructSecret(F: ScalarField, shares: readonly Share[], degree: number): bigint {
  const plan = makeInterpolationPlan(
    F,
    shares.map((s) => s.index),
    degree,
  );
  const { value, disagreeing } = interpolateWithPlan(
    F,
    plan,
    shares.map((s) => s.value),
  );
  if (disagreeing.length > 0) throw inconsistentSharesError(F, shares, degree, 'shares');
  return value;
}

/** True when all shares lie on one polynomial of `degree` (always true for <= degree+1 shares). */
export function sharesAreConsistent(F: ScalarField, shares: readonly Share[], degree: number): boolean {
  if (shares.length <= degree + 1) {
    assertDistinctIndices(shares.map((s) => s.index));
    return true;
  }
  const plan = makeInterpolationPlan(
    F,
    shares.map((s) => s.index),
    degree,
  );
  return (
    interpolateWithPlan(
      F,
      plan,
      shares.map((s) => s.value),
    ).disagreeing.length === 0
  );
}

/** Fewer shares than the threshold arrived. */
export class NotEnoughSharesError extends Error {
  readonly needed: number;
  readonly got: number;
  constructor(needed: number, got: number) {
    super(`not enough signature shares: got ${got}, need ${needed}; ask more nodes or retry`);
    this.name = 'NotEnoughSharesError';
    this.needed = needed;
    this.got = got;
  }
}

/** The most candidate explanations {@link findBadShares} will try before giving up. */
const MAX_TRIES = 5000;

/**
 * Which shares are off the polynomial the others agree on. Returns [] when all are
 * consistent; the bad indices when leaving out e shares makes the other n − e consistent and
 * n − e > (n + degree)/2 (two different degree-d polynomials share at most d points, so then
 * no other explanation exists and the culprits are certain); undefined when the shares cannot
 * tell (too many bad ones for the extras available, or too many candidates to try).
 * Tries e = 1, 2, ... in turn, so the usual case of one bad share costs n checks.
 */
export function findBadShares(F: ScalarField, shares: readonly Share[], degree: number): number[] | undefined {
  if (sharesAreConsistent(F, shares, degree)) return [];
  const n = shares.length;
  let tries = 0;
  for (let e = 1; 2 * (n - e) > n + degree; e++) {
    for (const left of combinations(n, e)) {
      if (++tries > MAX_TRIES) return undefined;
      const rest = shares.filter((_, i) => !left.includes(i));
      if (sharesAreConsistent(F, rest, degree))
        return left.map((i) => (shares[i] as Share).index).sort((a, b) => a - b);
    }
  }
  return undefined;
}

/** The error {@link reconstructSecret} and the signature combiners throw, with culprits if known. */
export function inconsistentSharesError(
  F: ScalarField,
  shares: readonly Share[],
  degree: number,
  what: string,
): InconsistentSharesError {
  const bad = findBadShares(F, shares, degree);
  const detail =
    bad === undefined
      ? 'cannot tell which are wrong; retry with shares from other nodes'
      : `bad ${what} from node(s) ${bad.join(', ')}`;
  return new InconsistentSharesError(
    `${shares.length} ${what} do not lie on one degree-${degree} polynomial: ${detail}`,
    bad,
  );
}

/** All k-element index subsets of 0..n-1, in lexicographic order. */
function* combinations(n: number, k: number): Generator<number[]> {
  const pick = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield pick.slice();
    let i = k - 1;
    while (i >= 0 && pick[i] === n - k + i) i--;
    if (i < 0) return;
    pick[i] = (pick[i] as number) + 1;
    for (let j = i + 1; j < k; j++) pick[j] = (pick[j - 1] as number) + 1;
  }
}
