/**
 * What the nodes agree on: values compared as JSON (two answers that say the same thing in
 * objects of their own count as one), counted, the most common first.
 */

/** Each distinct value with how many of `values` have it, the most common first. */
export function tally<T>(values: readonly T[]): { value: T; count: number }[] {
  const counts = new Map<string, { value: T; count: number }>();
  for (const value of values) {
    const key = JSON.stringify(value) ?? 'undefined';
    const entry = counts.get(key) ?? { value, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/** The value most of `values` have (compared as JSON); `values` must not be empty. */
export function mostCommon<T>(values: readonly T[]): T {
  return tally(values)[0]!.value;
}

/** The most common value, and whether at least `quorum` of `values` have it. */
export function agreedBy<T>(values: readonly T[], quorum: number): { value: T | undefined; agreed: boolean } {
  const top = tally(values)[0];
  return { value: top?.value, agreed: (top?.count ?? 0) >= quorum };
}
