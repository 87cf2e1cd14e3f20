import { describe, expect, it } from 'vitest';
import { shareSetsToTry } from './attest.ts';

const shares = (...indices: number[]) => indices.map((index) => ({ index }));
const indices = (sets: { index: number }[][]) => sets.map((set) => set.map((s) => s.index));

describe('which BLS share sets attest tries', () => {
  it('with exactly T shares, tries just those', () => {
    expect(indices(shareSetsToTry(shares(1, 2, 3), 3))).toEqual([[1, 2, 3]]);
  });

  it('then each of the first T swapped for each spare, so one bad share among them is got round', () => {
    expect(indices(shareSetsToTry(shares(4, 2, 7, 5), 3))).toEqual([
      [4, 2, 7],
      [2, 7, 5],
      [4, 7, 5],
      [4, 2, 5],
    ]);
    const sets = shareSetsToTry(shares(1, 2, 3, 4, 5), 3);
    expect(sets).toHaveLength(1 + 2 * 3);
    for (const bad of [1, 2, 3]) expect(indices(sets).some((set) => !set.includes(bad) && set.length === 3)).toBe(true);
  });
});
