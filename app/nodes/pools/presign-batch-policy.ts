/** What the leader knows of the presignature pools when it decides on a batch. */
export interface PresignPoolView {
  /** Presignatures at least T live nodes hold fresh. */
  usable: number;
  /** Of those, how many the live node that holds the fewest holds. */
  fewestHeld: number;
  /** Live nodes, who would take part in the batch. */
  live: number;
  /** Nodes that answer but have not joined yet: starting, about to be live. */
  joining: number;
  threshold: number;
  nodeCount: number;
  /** Fresh presignatures each node keeps. */
  target: number;
}

/**
 * Whether the leader starts a presignature batch now. A batch starts when the usable pool is
 * below half its target, or when a live node missed the batches (it was slow or down when
 * another node briefly led) and holds few; the latter is bounded, so that a node that can
 * never take part does not make batches pile up on the others.
 *
 * A batch among exactly T nodes (the others down for a moment) makes presignatures that any
 * one of those T going down makes useless: the chaos run failed requests on them. While the
 * pool still holds a quarter of its target, the leader waits for a node more.
 *
 * Likewise while a node is starting (it answers, but has not joined): a batch then leaves it out,
 * and its CPU work slowed the start beside it. In the chaos run, three nodes started again after
 * an outage took 4–6 s instead of about 2 s while the others made batch after batch.
 */
export function presignBatchWanted(view: PresignPoolView): boolean {
  const { usable, fewestHeld, live, joining, threshold, nodeCount, target } = view;
  if (live < threshold) return false;
  const starved = fewestHeld < target / 2 && usable < 2 * target;
  if (usable >= target / 2 && !starved) return false;
  if (joining > 0 && usable >= target / 4) return false;
  const spare = live > threshold || live === nodeCount;
  return spare || usable < target / 4;
}

/** The smallest batch made in a hurry. */
const MIN_URGENT_BATCH = 10;

/**
 * How many presignatures the batch makes. While the live nodes share almost none (a node just
 * went down, and those made without it are no use now), requests wait for this batch: a quarter
 * of one is ready in about a quarter of the time, and the rest follows at once. Otherwise a whole
 * batch, whose fixed costs (three rounds, N² sealed messages) spread over more presignatures.
 */
export function presignBatchSize(usable: number, batch: number): number {
  const quarter = Math.max(MIN_URGENT_BATCH, Math.ceil(batch / 4));
  return usable < quarter ? Math.min(batch, quarter) : batch;
}

/**
 * Whether the batch runs below the nodes' signing (presign-worker.ts): while the pool still holds
 * a quarter of its target, requests are not waiting for this batch, and the signatures being
 * made go first. Below that, it runs at the nodes' priority: beside busy programs a batch below
 * it took 2–5 s, and the pool ran dry behind it.
 */
export function presignBatchInBackground(usable: number, target: number): boolean {
  return usable >= target / 4;
}
