/** Facts about the shape of a Litbox network that every process agrees on. */

export const MIN_NODES = 3;
export const MAX_NODES = 20;
export const DEFAULT_NODES = 7;
export const DEFAULT_CHAIN_ID = 31337;

/** Signing threshold T = ceil(2N/3): fewer than T nodes can neither sign nor decrypt. */
export function thresholdFor(nodeCount: number): number {
  return Math.ceil((2 * nodeCount) / 3);
}

/** Checks a requested node count and explains the allowed range when it is wrong. */
export function parseNodeCount(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < MIN_NODES || n > MAX_NODES) {
    throw new RangeError(`--nodes must be a whole number from ${MIN_NODES} to ${MAX_NODES} (got ${String(value)})`);
  }
  return n;
}
