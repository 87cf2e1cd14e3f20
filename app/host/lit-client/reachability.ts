import type { NodeCallError, NodeEndpoint } from './node-request.ts';
import type { LitNetwork } from './node-transport.ts';
import { settleWithQuorum } from './quorum.ts';

/** Once T channels are open, how long the others get to open (not the whole timeout). */
const CONNECT_GRACE_MS = 200;
/**
 * How long a look at which channels are down is reused: a pick scores dozens of queued
 * presignatures in one go. Not longer: a request woken because a node came back must see it
 * (at 100 ms it did not, and waited another 250 ms for T nodes it already had).
 */
const DOWN_LOOKUP_REUSE_MS = 5;

/**
 * Nodes whose channel opens now (a node that is down is left out at once), by index; why each
 * other node was left out goes into `problems`.
 */
export async function reachableNodes(network: LitNetwork, problems: string[] = []): Promise<NodeEndpoint[]> {
  const nodes = network.nodes();
  // A node that is down refuses the connection at once; a busy one may take a while to
  // accept: once T are open, the others get a moment more, not the whole timeout.
  const open = await settleWithQuorum(
    nodes.map((n) => network.transport.connect(n, network.requestTimeoutMs).then(() => n)),
    network.threshold,
    CONNECT_GRACE_MS,
  );
  const reachable = open.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = new Map(
    open.flatMap((r) =>
      r.status === 'rejected' ? [[(r.reason as NodeCallError).node, (r.reason as Error).message]] : [],
    ),
  );
  for (const n of nodes)
    if (!reachable.includes(n)) problems.push(`node ${n.index} ${failed.get(n.index) ?? 'was still connecting'}`);
  return reachable.sort((a, b) => a.index - b.index);
}

/**
 * The nodes whose channels are known to be down (see NodeChannel.knownDown), looked up at most
 * every DOWN_LOOKUP_REUSE_MS: a pick scores dozens of queued presignatures by their holders.
 */
export function downNodes(network: LitNetwork): () => ReadonlySet<number> {
  let down = new Set<number>();
  let at = -Infinity;
  return () => {
    if (performance.now() - at > DOWN_LOOKUP_REUSE_MS) {
      down = new Set(network.nodes().flatMap((n) => (network.transport.knownDown(n) ? [n.index] : [])));
      at = performance.now();
    }
    return down;
  };
}
