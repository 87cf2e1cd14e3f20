import type { RunningHost } from '../../app/host/host.ts';

/** Test support: wait for a condition with a deadline, polling. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** Waits until every node reports at least `keys` key shares and `presignatures` fresh presignatures. */
export function waitForPools(
  host: RunningHost,
  keys: number,
  presignatures: number,
  timeoutMs = 90_000,
): Promise<true> {
  return waitFor(
    `pools of ${keys} keys and ${presignatures} presignatures`,
    () => {
      const nodes = host.supervisor.status().nodes.filter((n) => n.up);
      return (
        nodes.length > 0 &&
        nodes.every((n) => (n.keysReady ?? 0) >= keys && (n.presignaturesFresh ?? 0) >= presignatures) &&
        true
      );
    },
    timeoutMs,
  );
}

/** The chain on the host's own private path (in process; cheat methods too), as the host's services see it. */
export function chainProvider(host: RunningHost) {
  return host.supervisor.chain!.provider(31337);
}
