import { describe, expect, it } from 'vitest';
import { settleUntil, settleWithQuorum } from './quorum.ts';

const after = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));
const never = <T>() => new Promise<T>(() => {});

describe('settleWithQuorum', () => {
  it('resolves a grace period after the quorum, without the node that never answers', async () => {
    const started = Date.now();
    const settled = await settleWithQuorum([after(5, 1), after(10, 2), never()], 2, 20);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('counts failures as settled but not towards the quorum', async () => {
    const settled = await settleWithQuorum([after(1, 0, true), after(5, 1), after(8, 0, true)], 2, 10);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(2);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps answers that arrive within the grace period', async () => {
    const settled = await settleWithQuorum([after(1, 1), after(2, 2), after(15, 3), after(400, 4)], 2, 60);
    expect(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))).toEqual([1, 2, 3]);
  });

  it('resolves at once with nothing to wait for', async () => {
    expect(await settleWithQuorum([], 3, 1_000)).toEqual([]);
  });
});

describe('settleUntil', () => {
  it('waits past disagreeing answers until enough agree', async () => {
    const agree = (values: readonly string[]) => values.filter((v) => v === 'a').length >= 2;
    const settled = await settleUntil(
      [after(1, 'b'), after(3, 'a'), after(6, 'b'), after(9, 'a'), never<string>()],
      agree,
      5,
    );
    expect(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))).toEqual(['b', 'a', 'b', 'a']);
  });

  it('with a grace that grows with the time taken, waits for a node a little behind, not for one far behind', async () => {
    const settled = await settleUntil(
      [after(40, 'a'), after(45, 'a'), after(70, 'a'), after(5_000, 'a')],
      (values) => values.length >= 2,
      (elapsed) => elapsed,
    );
    expect(settled).toHaveLength(3);
  });
});
