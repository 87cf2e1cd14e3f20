import type { NodeRouteName, NodeRouteRequest, NodeRouteResponse } from '../../shared/node-protocol.ts';
import type { LastSignature } from './client-types.ts';
import { NodeChannel } from './node-channel.ts';
import type { NodeEndpoint } from './node-request.ts';
import type { PresignatureQueue } from './presignature-queue.ts';

/**
 * How the Lit client's operations reach the nodes: a route of one node by name, its answer
 * parsed with the node protocol's schema; every failure a NodeCallError. The operations see
 * only this, so a test can put recorded or computed node answers behind it.
 */
export interface NodeTransport {
  call<N extends NodeRouteName>(
    node: NodeEndpoint,
    name: N,
    body: NodeRouteRequest<N>,
    timeoutMs: number,
  ): Promise<NodeRouteResponse<N>>;
  /** Opens the way to the node now (rejects with a NodeCallError when it is unreachable). */
  connect(node: NodeEndpoint, timeoutMs: number): Promise<void>;
  /** Whether the node is known to be down now (see NodeChannel.knownDown); untried counts as up. */
  knownDown(node: NodeEndpoint): boolean;
  /** Calls to the node sent and not answered yet (0 for a node not called yet). */
  inFlight(node: NodeEndpoint): number;
}

/** The presignatures an operation may use: the PresignatureQueue's view of who holds what. */
export type PresignatureSource = Pick<PresignatureQueue, 'take' | 'giveBack' | 'refresh'>;

/** Everything an operation works with: the nodes, the transport to them, and the network's shape. */
export interface LitNetwork {
  readonly transport: NodeTransport;
  readonly nodes: () => readonly NodeEndpoint[];
  readonly threshold: number;
  readonly nodeCount: number;
  /** Per node request. */
  readonly requestTimeoutMs: number;
  readonly presignatures: PresignatureSource;
  /** Told of every signature or decryption combined (for the network page). */
  readonly combined: (last: LastSignature) => void;
}

/**
 * The transport over one persistent WebSocket per node (NodeChannel). A channel is made on
 * first use and kept per index and URL.
 */
export class NodeChannels implements NodeTransport {
  private readonly channels = new Map<string, NodeChannel>();
  private readonly onReopen: () => void;

  /** `onReopen`: called when a channel opens again after it dropped (the node restarted, say). */
  constructor(onReopen: () => void) {
    this.onReopen = onReopen;
  }

  // Not async: the channel's own promise is handed on, without another await per request.
  call<N extends NodeRouteName>(
    node: NodeEndpoint,
    name: N,
    body: NodeRouteRequest<N>,
    timeoutMs: number,
  ): Promise<NodeRouteResponse<N>> {
    return this.channel(node).call(name, body, timeoutMs);
  }

  connect(node: NodeEndpoint, timeoutMs: number): Promise<void> {
    return this.channel(node).connect(timeoutMs);
  }

  knownDown(node: NodeEndpoint): boolean {
    return this.channel(node).knownDown;
  }

  inFlight(node: NodeEndpoint): number {
    return this.channels.get(`${node.index}@${node.url}`)?.inFlight ?? 0;
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  private channel(node: NodeEndpoint): NodeChannel {
    const key = `${node.index}@${node.url}`;
    let channel = this.channels.get(key);
    if (!channel) {
      channel = new NodeChannel(node, this.onReopen);
      this.channels.set(key, channel);
    }
    return channel;
  }
}
