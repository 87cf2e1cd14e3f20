// Feldman verifiable secret sharing: the dealer publishes C_k = a_k·G for each coefficient
// a_k of its polynomial. Anyone can then compute "share i in the exponent", Σ_k C_k·i^k =
// p(i)·G, so a recipient checks its share without learning anything but the C_k, and the
// public key is C_0. Generic over the group: secp256k1 and BLS12-381 G1 use the same code.
import { mulBase, mulPublic, type Group, type GroupPoint } from './groups.ts';
import type { Polynomial } from './polynomial.ts';
import { assertNodeIndex, type Share } from './scalar.ts';

/** Public commitments to a polynomial: entry k is coefficient k times the generator. */
export type Commitments = readonly GroupPoint[];

/** C_k = a_k·G for every coefficient (degree+1 base multiplications). */
export function commitToPolynomial(group: Group, poly: Polynomial): GroupPoint[] {
  return poly.map((a) => mulBase(group, a));
}

/**
 * Σ_k C_k·i^k, which equals p(i)·G for the committed p: node i's public verification share.
 * Horner's rule keeps every multiplier equal to the small index i, which is cheap.
 */
export function evaluateCommitments(group: Group, commitments: Commitments, index: number): GroupPoint {
  assertNodeIndex(index);
  if (commitments.length === 0) throw new RangeError('no commitments');
  const i = BigInt(index);
  let acc = commitments[commitments.length - 1] as GroupPoint;
  for (let k = commitments.length - 2; k >= 0; k--) acc = mulPublic(acc, i).add(commitments[k] as GroupPoint);
  return acc;
}

/** True when share.value·G equals the commitments evaluated at share.index. */
export function verifyShare(group: Group, share: Share, commitments: Commitments): boolean {
  if (share.value < 0n || share.value >= group.Fn.ORDER) return false;
  return mulBase(group, share.value).equals(evaluateCommitments(group, commitments, share.index));
}

/**
 * Coefficient-wise sum of several dealers' commitments: the commitments to the sum of their
 * polynomials, i.e. to the jointly generated key. All lists must have the same length.
 */
export function addCommitments(group: Group, lists: readonly Commitments[]): GroupPoint[] {
  const first = lists[0];
  if (first === undefined) throw new RangeError('no commitments to add');
  return first.map((_, k) =>
    lists.reduce((acc, list) => {
      const c = list[k];
      if (c === undefined || list.length !== first.length) {
        throw new RangeError('commitment lists differ in length (different polynomial degrees)');
      }
      return acc.add(c);
    }, group.Point.ZERO),
  );
}
