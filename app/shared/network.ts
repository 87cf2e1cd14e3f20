/** Facts about the shape of a Litbox network that every process agrees on. */

export const MIN_NODES = 3;
export const MAX_NODES = 20;
/**
 * Six nodes, T = 4, t = 1: Lit's v8 SDK signs with max(3, floor(2N/3)) nodes, which reaches T only
 * when 3 divides N; six is the smallest such size that survives two failures (docs/SECURITY.md).
 */
export const DEFAULT_NODES = 6;
export const DEFAULT_CHAIN_ID = 31337;

/**
 * Degree t of key and presignature sharings: the most nodes that may collude. ECDSA
 * signature shares lie on a degree-2t polynomial, so 2t+1 must not exceed T.
 */
export function degreeFor(nodeCount: number): number {
  return Math.max(1, Math.floor((Math.ceil((2 * nodeCount) / 3) - 1) / 2));
}

/**
 * Signing threshold T = ceil(2N/3): fewer than T nodes can neither sign nor decrypt. The one
 * exception is N = 3, where t = 1 needs all three (2t+1 = 3).
 */
export function thresholdFor(nodeCount: number): number {
  return Math.max(Math.ceil((2 * nodeCount) / 3), 2 * degreeFor(nodeCount) + 1);
}

/** Checks a requested node count and explains the allowed range when it is wrong. */
export function parseNodeCount(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < MIN_NODES || n > MAX_NODES) {
    throw new RangeError(`--nodes must be a whole number from ${MIN_NODES} to ${MAX_NODES} (got ${String(value)})`);
  }
  return n;
}
