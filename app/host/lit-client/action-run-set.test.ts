import { describe, expect, it } from 'vitest';
import { chooseRunners } from './action-run-set.ts';

const nodes = [1, 2, 3, 4, 5, 6, 7].map((index) => ({ index, url: `http://127.0.0.1:${7000 + index}` }));
const indices = (list: readonly { index: number }[]) => list.map((n) => n.index);
const idle = () => 0;

describe('chooseRunners', () => {
  it('takes every reachable node when there are no more than it needs', () => {
    expect(indices(chooseRunners(nodes.slice(0, 5), 6, { holds: () => true, inFlight: idle, turn: 3 }))).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('takes the holders of the offered presignature before any other node', () => {
    const holders = new Set([2, 3, 4, 5, 6, 7]);
    for (let turn = 0; turn < 7; turn++)
      expect(indices(chooseRunners(nodes, 6, { holds: (i) => holders.has(i), inFlight: idle, turn }))).toEqual([
        2, 3, 4, 5, 6, 7,
      ]);
  });

  it('leaves out the node with the most calls unanswered', () => {
    const busy = new Map([[4, 3]]);
    const chosen = chooseRunners(nodes, 6, { holds: () => true, inFlight: (n) => busy.get(n.index) ?? 0, turn: 0 });
    expect(indices(chosen)).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it('shares the runs among equal nodes in turn', () => {
    const leftOut = new Map<number, number>();
    for (let turn = 0; turn < 70; turn++) {
      const chosen = indices(chooseRunners(nodes, 6, { holds: () => true, inFlight: idle, turn }));
      const out = nodes.find((n) => !chosen.includes(n.index))!.index;
      leftOut.set(out, (leftOut.get(out) ?? 0) + 1);
    }
    expect([...leftOut.values()]).toEqual([10, 10, 10, 10, 10, 10, 10]);
  });
});
