/**
 * Like Promise.allSettled, but resolves a grace period after the values fulfilled so far are
 * `enough`, with whatever has settled by then (a hung or slow node cannot hold a request up to
 * its timeout). Resolves at once when every promise settled. `graceMs` may depend on how long
 * it took to have enough: then a node a little behind the others is still waited for.
 */
export function settleUntil<T>(
  promises: Promise<T>[],
  enough: (fulfilled: readonly T[]) => boolean,
  graceMs: number | ((elapsedMs: number) => number),
): Promise<PromiseSettledResult<T>[]> {
  const started = Date.now();
  const grace = typeof graceMs === 'number' ? () => graceMs : () => graceMs(Date.now() - started);
  return new Promise((resolve) => {
    const results: PromiseSettledResult<T>[] = [];
    const values: T[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      resolve([...results]);
    };
    promises.forEach((p) =>
      p.then(
        (value) => {
          results.push({ status: 'fulfilled', value });
          values.push(value);
          if (results.length === promises.length) finish();
          else if (timer === undefined && enough(values)) timer = setTimeout(finish, grace());
        },
        (reason: unknown) => {
          results.push({ status: 'rejected', reason });
          if (results.length === promises.length) finish();
        },
      ),
    );
    if (promises.length === 0) finish();
  });
}

/** settleUntil `quorum` promises fulfilled. */
export function settleWithQuorum<T>(
  promises: Promise<T>[],
  quorum: number,
  graceMs: number,
): Promise<PromiseSettledResult<T>[]> {
  return settleUntil(promises, (fulfilled) => fulfilled.length >= quorum, graceMs);
}
