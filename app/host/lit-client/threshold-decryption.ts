import {
  DecryptionFailedError,
  describeEncrypted,
  type EncryptedData,
} from '../../shared/encryption/access-control-encryption.ts';
import { NotEnoughSharesToDecryptError, openWithShares } from '../../shared/encryption/open-with-shares.ts';
import type { AuthMethodProof, AuthSig, DecryptShareResponse } from '../../shared/node-api.ts';
import type { NodeCallErrorCode, NodeRouteRequest } from '../../shared/node-protocol.ts';
import { blsShareFromLitJson, type BlsSignatureShare } from '../../shared/threshold/bls.ts';
import type { NodeEndpoint } from './node-request.ts';
import { NodeCallError } from './node-request.ts';
import { judgeDecryptionShortfall } from './refusal-or-retry.ts';
import { DecryptionRefusedError, NotEnoughNodesForDecryptionError } from './errors.ts';

// The errors live with the client's others; named here too, where callers have found them.
export { DecryptionRefusedError, NotEnoughNodesForDecryptionError };

export interface DecryptRequest {
  encrypted: EncryptedData;
  authSig?: AuthSig;
  authMethods?: AuthMethodProof[];
  /** Ask as this PKP (its address is :userAddress), proved by auth methods it permits. */
  pkpPublicKey?: string;
}

export interface DecryptResult {
  plaintext: Uint8Array;
  /** The nodes whose shares made the key. */
  nodes: number[];
  /** The address the nodes checked the conditions for. */
  userAddress: string | null;
  /** Per node: its own time for the share (auth, conditions, share). */
  nodeMs: Record<number, number>;
  /** Client time, with T shares in hand, to combine them and open the ciphertext (parsing is done as they arrive). */
  combineMs: number;
}

export interface DecryptionTransport {
  threshold: number;
  nodeCount: number;
  /** Nodes whose channel opens now. */
  reachable(): Promise<NodeEndpoint[]>;
  /** One request per node; `accept` runs on each answer as it arrives (a throw makes it a failure). */
  askAll<T>(
    nodes: NodeEndpoint[],
    body: NodeRouteRequest<'decryptShare'>,
    accept: (answer: DecryptShareResponse, node: NodeEndpoint) => T,
  ): Promise<PromiseSettledResult<T>[]>;
}

/**
 * Threshold decryption from the client's side: every reachable node checks the request and
 * the conditions itself and answers with its share or its reason; T shares are combined here
 * into the key, and the ciphertext opened and checked against its data hash.
 */
export async function thresholdDecrypt(
  transport: DecryptionTransport,
  request: DecryptRequest,
): Promise<DecryptResult> {
  const { threshold, nodeCount } = transport;
  let identity: string;
  try {
    identity = describeEncrypted(request.encrypted).identity;
  } catch (err) {
    throw new DecryptionRefusedError((err as Error).message, { invalid: true });
  }
  const nodes = await transport.reachable();
  if (nodes.length < threshold)
    throw new NotEnoughNodesForDecryptionError(
      `not enough nodes: ${nodes.length} of ${nodeCount} reachable, decryption needs ${threshold}`,
    );
  // Each share is parsed (a G2 decompression and subgroup check, ~2 ms) the moment it arrives,
  // while later nodes are still working: a malformed one does not count towards the T.
  const asked = new Set(nodes.map((n) => n.index));
  const accept = (answer: DecryptShareResponse, node: NodeEndpoint) => {
    let share: BlsSignatureShare;
    try {
      share = blsShareFromLitJson(answer.share);
    } catch {
      throw new NodeCallError(node.index, 200, 'bad_share', 'sent a malformed share');
    }
    if (share.index !== node.index || answer.node !== node.index || !asked.has(node.index))
      throw new NodeCallError(node.index, 200, 'bad_share', 'sent a share for another node');
    return { answer, share };
  };
  const settled = await transport.askAll(
    nodes,
    {
      encrypted: request.encrypted,
      ...(request.authSig ? { authSig: request.authSig } : {}),
      ...(request.authMethods?.length ? { authMethods: request.authMethods } : {}),
      ...(request.pkpPublicKey ? { pkpPublicKey: request.pkpPublicKey } : {}),
    },
    accept,
  );

  const shares: BlsSignatureShare[] = [];
  const nodeMs: Record<number, number> = {};
  const refusals: { node: number; code: NodeCallErrorCode; message: string }[] = [];
  let userAddress: string | null = null;
  for (const result of settled) {
    if (result.status === 'rejected') {
      const err = result.reason as Error;
      refusals.push({
        node: err instanceof NodeCallError ? err.node : 0,
        code: err instanceof NodeCallError ? err.code : 'bad_answer',
        message: err.message,
      });
      continue;
    }
    const { answer, share } = result.value;
    if (nodeMs[share.index] !== undefined) continue; // one share per node
    shares.push(share);
    nodeMs[share.index] = answer.elapsedMs;
    userAddress = answer.userAddress;
  }
  if (shares.length < threshold) {
    refusals.sort((a, b) => a.node - b.node);
    const reasons = refusals.map((r) => `node ${r.node}: ${r.message}`);
    const refusal = judgeDecryptionShortfall(refusals, nodes.length, threshold);
    if (refusal) {
      // Too many nodes refused the request itself for T shares to be possible: say why.
      const { refused } = refusal;
      const first = refused[0]!;
      const why = refused.every((r) => r.code === first.code)
        ? first.message.replace(/ \(node \d+, block \d+\)$/, '')
        : 'the nodes refused';
      throw new DecryptionRefusedError(
        `${why}: ${shares.length} of ${nodes.length} nodes gave a decryption share, ${threshold} are needed`,
        { reasons, invalid: refusal.invalid },
      );
    }
    throw new NotEnoughNodesForDecryptionError(
      `not enough nodes: ${shares.length} of ${nodeCount} gave a decryption share, ${threshold} are needed (${reasons.join('; ')})`,
    );
  }
  // Client time from here, with T shares in hand: combining them and opening the record.
  const started = performance.now();
  try {
    const opened = await openWithShares(request.encrypted, identity, shares, threshold);
    return { ...opened, userAddress, nodeMs, combineMs: performance.now() - started };
  } catch (err) {
    if (err instanceof DecryptionFailedError) throw new DecryptionRefusedError(err.message, { invalid: true });
    if (err instanceof NotEnoughSharesToDecryptError) throw new NotEnoughNodesForDecryptionError(err.message);
    throw err;
  }
}
