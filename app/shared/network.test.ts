import { describe, expect, it } from 'vitest';
import { parseNodeCount, thresholdFor } from './network.ts';

describe('network shape', () => {
  it('needs two thirds of the nodes, rounded up', () => {
    expect([3, 4, 7, 10, 20].map(thresholdFor)).toEqual([2, 3, 5, 7, 14]);
  });

  it('refuses node counts outside 3..20 with the allowed range', () => {
    for (const bad of ['2', '21', '7.5', 'seven', '']) {
      expect(() => parseNodeCount(bad)).toThrow(/from 3 to 20/);
    }
    expect(parseNodeCount('7')).toBe(7);
  });
});
