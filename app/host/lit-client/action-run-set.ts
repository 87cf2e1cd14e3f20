import type { NodeEndpoint } from './node-request.ts';

/**
 * Nodes beyond T that run each of the wallet's Lit Actions. A run needs T answers that agree and
 * T shares of each signature; one spare lets a node go down or fall behind mid-run without the
 * action running again. Every other node would run the action, bind and answer for nothing: at
 * N = 7 that was two of the seven runs, each a node's request and its runner's isolate.
 */
export const RUN_SPARES = 1;

/**
 * Which of the reachable nodes run one action, T + RUN_SPARES of them (all when fewer are
 * reachable): first those that hold the presignature offered to the run (only they can bind it),
 * then those with the fewest calls from this client still unanswered (a node that has just
 * restarted, or is busy, answers later and gets fewer runs), then in turn, so that equal nodes
 * share the runs. Returned in index order.
 */
export function chooseRunners(
  reachable: readonly NodeEndpoint[],
  count: number,
  options: { holds: (index: number) => boolean; inFlight: (node: NodeEndpoint) => number; turn: number },
): NodeEndpoint[] {
  if (reachable.length <= count) return [...reachable];
  const { holds, inFlight, turn } = options;
  const rank = (node: NodeEndpoint, position: number) => ({
    node,
    holds: holds(node.index) ? 0 : 1,
    inFlight: inFlight(node),
    turn: (position - (turn % reachable.length) + reachable.length) % reachable.length,
  });
  return reachable
    .map(rank)
    .sort((a, b) => a.holds - b.holds || a.inFlight - b.inFlight || a.turn - b.turn)
    .slice(0, count)
    .map((r) => r.node)
    .sort((a, b) => a.index - b.index);
}
