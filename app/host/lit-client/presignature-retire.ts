import type { LitNetwork } from './node-transport.ts';
import type { PresignatureChoice } from './presignature-queue.ts';

/**
 * Tells the holders of used presignatures that took no part in using them (an action runs at
 * T + 1 nodes; a rebind binds among the nodes that ran) to retire their copies. Those copies can
 * never gather T bindings again; left fresh, they would pile up on the nodes left out, crowd
 * their listings of fresh presignatures and count in their pools. Not awaited, and a failure
 * changes nothing: a node that misses it keeps a copy nobody can use, as a node that was down does.
 */
export function retireAtNonParticipants(
  network: LitNetwork,
  used: readonly Pick<PresignatureChoice, 'id' | 'holders'>[],
  participants: ReadonlySet<number>,
): void {
  const byNode = new Map<number, string[]>();
  for (const { id, holders } of used)
    for (const holder of holders)
      if (!participants.has(holder)) byNode.set(holder, [...(byNode.get(holder) ?? []), id]);
  for (const node of network.nodes()) {
    const presignatureIds = byNode.get(node.index);
    if (!presignatureIds || network.transport.knownDown(node)) continue;
    network.transport.call(node, 'presignRetire', { presignatureIds }, network.requestTimeoutMs).catch(() => undefined);
  }
}
