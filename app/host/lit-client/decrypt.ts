import { NotEnoughNodesError, NotEnoughNodesForDecryptionError } from './errors.ts';
import type { LitNetwork } from './node-transport.ts';
import { settleWithQuorum } from './quorum.ts';
import { reachableNodes } from './reachability.ts';
import { thresholdDecrypt, type DecryptRequest, type DecryptResult } from './threshold-decryption.ts';

/** Once T nodes gave decryption shares, how long to wait for spares (a bad share costs a retry otherwise). */
const DECRYPTION_GRACE_MS = 30;

/**
 * Threshold decryption of an access-controlled record over the client's transport: each node
 * checks the conditions and gives its share; T shares make the key, here. The protocol is
 * threshold-decryption.ts; this is its adapter to the nodes and to the client's errors.
 */
export async function decrypt(network: LitNetwork, request: DecryptRequest): Promise<DecryptResult> {
  const { threshold, nodeCount, transport } = network;
  try {
    const result = await thresholdDecrypt(
      {
        threshold,
        nodeCount,
        reachable: () => reachableNodes(network),
        askAll: (nodes, body, accept) =>
          settleWithQuorum(
            nodes.map((node) =>
              transport
                .call(node, 'decryptShare', body, network.requestTimeoutMs)
                .then((answer) => accept(answer, node)),
            ),
            threshold,
            DECRYPTION_GRACE_MS,
          ),
      },
      request,
    );
    network.combined({ kind: 'decrypt', nodes: result.nodes, at: Date.now(), publicKey: null });
    return result;
  } catch (err) {
    if (err instanceof NotEnoughNodesForDecryptionError) throw new NotEnoughNodesError(err.message);
    throw err;
  }
}
