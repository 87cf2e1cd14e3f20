import { describe, expect, it } from 'vitest';
import {
  presignBatchInBackground,
  presignBatchSize,
  presignBatchWanted,
  type PresignPoolView,
} from './presign-batch-policy.ts';

// N = 7, T = 5, a target of 400 per node.
const view = (v: Partial<PresignPoolView>): PresignPoolView => ({
  usable: 400,
  fewestHeld: 400,
  live: 7,
  joining: 0,
  threshold: 5,
  nodeCount: 7,
  target: 400,
  ...v,
});

describe('when the leader makes presignatures', () => {
  it('makes a batch when the usable pool is below half its target, and not above', () => {
    expect(presignBatchWanted(view({ usable: 199, fewestHeld: 199 }))).toBe(true);
    expect(presignBatchWanted(view({ usable: 200, fewestHeld: 200 }))).toBe(false);
  });

  it('makes a batch for a live node that missed the batches, up to twice the target', () => {
    expect(presignBatchWanted(view({ usable: 300, fewestHeld: 50 }))).toBe(true);
    expect(presignBatchWanted(view({ usable: 800, fewestHeld: 50 }))).toBe(false);
  });

  it('waits for a node more than T while the pool holds a quarter of its target', () => {
    // Two of seven down: a batch now would have exactly T holders, fragile to one more loss.
    expect(presignBatchWanted(view({ live: 5, usable: 150, fewestHeld: 150 }))).toBe(false);
    expect(presignBatchWanted(view({ live: 6, usable: 150, fewestHeld: 150 }))).toBe(true);
    // Nearly empty: presignatures held by T beat none at all.
    expect(presignBatchWanted(view({ live: 5, usable: 99, fewestHeld: 99 }))).toBe(true);
  });

  it('makes batches among all nodes where T is all of them, and none below T', () => {
    expect(presignBatchWanted(view({ live: 3, threshold: 3, nodeCount: 3, usable: 10, fewestHeld: 10 }))).toBe(true);
    expect(presignBatchWanted(view({ live: 4, usable: 0, fewestHeld: 0 }))).toBe(false);
  });

  it('waits for a node that is starting while the pool holds a quarter of its target', () => {
    // Nodes 5 and 6 joined after an outage, node 7 is still starting.
    expect(presignBatchWanted(view({ live: 6, joining: 1, usable: 150, fewestHeld: 150 }))).toBe(false);
    expect(presignBatchWanted(view({ live: 6, joining: 0, usable: 150, fewestHeld: 150 }))).toBe(true);
    expect(presignBatchWanted(view({ live: 6, joining: 1, usable: 99, fewestHeld: 99 }))).toBe(true);
  });
});

describe('how many presignatures a batch makes', () => {
  it('a quarter batch while the live nodes share fewer than that, so waiting requests get some soon', () => {
    expect(presignBatchSize(0, 100)).toBe(25);
    expect(presignBatchSize(24, 100)).toBe(25);
    expect(presignBatchSize(25, 100)).toBe(100);
    expect(presignBatchSize(150, 100)).toBe(100);
  });

  it('never below 10, nor above the batch', () => {
    expect(presignBatchSize(0, 20)).toBe(10);
    expect(presignBatchSize(0, 8)).toBe(8);
  });
});

describe("whether a batch runs below the nodes' signing", () => {
  it('in the background while the pool holds a quarter of its target; at their priority below that', () => {
    expect(presignBatchInBackground(399, 400)).toBe(true);
    expect(presignBatchInBackground(100, 400)).toBe(true);
    expect(presignBatchInBackground(99, 400)).toBe(false);
    expect(presignBatchInBackground(0, 400)).toBe(false);
  });
});
