import { describe, expect, it } from 'vitest';
import { degreeFor, parseNodeCount, thresholdFor } from './network.ts';

describe('network shape', () => {
  it('needs two thirds of the nodes, rounded up (all three of three)', () => {
    expect([3, 4, 5, 7, 8, 10, 20].map(thresholdFor)).toEqual([3, 3, 4, 5, 6, 7, 14]);
    for (let n = 3; n <= 20; n++) expect(2 * degreeFor(n) + 1).toBeLessThanOrEqual(thresholdFor(n));
    expect(degreeFor(7)).toBe(2);
  });

  it('refuses node counts outside 3..20 with the allowed range', () => {
    for (const bad of ['2', '21', '7.5', 'seven', '']) {
      expect(() => parseNodeCount(bad)).toThrow(/from 3 to 20/);
    }
    expect(parseNodeCount('7')).toBe(7);
  });
});
