import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.ts';

describe('retry budget', () => {
  it('allows a burst of retries, then one per 1/perRequest requests', () => {
    const budget = new RetryBudget(0.25, 3);
    expect([budget.spend(), budget.spend(), budget.spend(), budget.spend()]).toEqual([true, true, true, false]);
    for (let i = 0; i < 3; i++) budget.earn();
    expect(budget.spend()).toBe(false);
    budget.earn();
    expect(budget.spend()).toBe(true);
    for (let i = 0; i < 100; i++) budget.earn();
    expect([budget.spend(), budget.spend(), budget.spend(), budget.spend()]).toEqual([true, true, true, false]);
  });
});
