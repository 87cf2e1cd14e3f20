import { describe, expect, it } from 'vitest';
import { agreedBy, mostCommon, tally } from './consensus.ts';

describe('what the nodes agree on', () => {
  it('counts values as JSON: equal objects from different nodes are one value', () => {
    const counted = tally([{ a: 1, b: 'x' }, { a: 2 }, { a: 1, b: 'x' }, { a: 1, b: 'x' }]);
    expect(counted).toEqual([
      { value: { a: 1, b: 'x' }, count: 3 },
      { value: { a: 2 }, count: 1 },
    ]);
  });

  it('keeps the order of first appearance between values counted alike (the earliest answer wins a tie)', () => {
    expect(mostCommon(['late', 'early', 'early', 'late'])).toBe('late');
    expect(tally(['b', 'a']).map((t) => t.value)).toEqual(['b', 'a']);
  });

  it('counts "no value" (undefined) as a value of its own, apart from null', () => {
    expect(tally([undefined, null, undefined])).toEqual([
      { value: undefined, count: 2 },
      { value: null, count: 1 },
    ]);
  });

  it('agrees only when T have the same value: a plurality is not enough', () => {
    expect(agreedBy(['a', 'a', 'b', 'c'], 3)).toEqual({ value: 'a', agreed: false });
    expect(agreedBy(['a', 'a', 'b', 'a'], 3)).toEqual({ value: 'a', agreed: true });
    expect(agreedBy([], 1)).toEqual({ value: undefined, agreed: false });
  });

  it('agrees on "no error" when T nodes have none, however many differ among the rest', () => {
    const errors = [undefined, { kind: 'x', message: 'm' }, undefined, undefined, { kind: 'y', message: 'n' }];
    expect(agreedBy(errors, 3)).toEqual({ value: undefined, agreed: true });
  });
});
