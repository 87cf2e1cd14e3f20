/**
 * Like Promise.allSettled, but resolves `graceMs` after the values fulfilled so far are
 * `enough`, with whatever has settled by then (a hung or slow node cannot hold a request up to
 * its timeout). Resolves at once when every promise settled.
 */
export function settleUntil<T>(
  promises: Promise<T>[],
  enough: (fulfilled: readonly T[]) => boolean,
  graceMs: number,
): Promise<PromiseSettledResult<T>[]> {
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
          else if (timer === undefined && enough(values)) timer = setTimeout(finish, graceMs);
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
