/**
 * Like Promise.allSettled, but resolves `graceMs` after `quorum` promises fulfilled, with
 * whatever has settled by then (a hung node cannot hold a request up to its timeout).
 */
export function settleWithQuorum<T>(
  promises: Promise<T>[],
  quorum: number,
  graceMs: number,
): Promise<PromiseSettledResult<T>[]> {
  return new Promise((resolve) => {
    const results: PromiseSettledResult<T>[] = [];
    let fulfilled = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      resolve([...results]);
    };
    promises.forEach((p) =>
      p.then(
        (value) => {
          results.push({ status: 'fulfilled', value });
          if (++fulfilled === quorum && results.length < promises.length) timer = setTimeout(finish, graceMs);
          if (results.length === promises.length) finish();
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
