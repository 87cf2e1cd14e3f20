import { ATTESTATION_PREFIX } from '../../shared/node-api.ts';
import {
  blsShareFromLitJson,
  combineBlsShares,
  hashToG2,
  verifyBlsSignature,
  type BlsSignatureShare,
} from '../../shared/threshold/bls.ts';
import { NotEnoughNodesError } from './errors.ts';
import type { LitNetwork } from './node-transport.ts';
import { settleWithQuorum } from './quorum.ts';

/** Once T nodes gave a share, how long to wait for the others (spares for a bad share). */
const SHARE_GRACE_MS = 5;

/**
 * A threshold BLS signature with the network key over ATTESTATION_PREFIX + message: T
 * nodes' shares, Lagrange-combined in G2 and verified against the network key.
 */
export async function attest(
  network: LitNetwork,
  message: string,
  networkPublicKey: string,
): Promise<{ signature: string; nodes: number[] }> {
  const { threshold, nodeCount, transport } = network;
  const settled = await settleWithQuorum(
    network.nodes().map((node) => transport.call(node, 'blsAttest', { message }, network.requestTimeoutMs)),
    threshold,
    SHARE_GRACE_MS,
  );
  const shares = settled.flatMap((r) => {
    if (r.status !== 'fulfilled') return [];
    try {
      return [blsShareFromLitJson(r.value.share)];
    } catch {
      return []; // a malformed share counts as no share
    }
  });
  if (shares.length < threshold)
    throw new NotEnoughNodesError(
      `not enough nodes: ${shares.length} of ${nodeCount} gave a share, ${threshold} are needed`,
    );
  const signed = new TextEncoder().encode(ATTESTATION_PREFIX + message);
  const key = Buffer.from(networkPublicKey.replace(/^0x/, ''), 'hex');
  const hashed = hashToG2(signed);
  for (const set of shareSetsToTry(shares, threshold)) {
    const signature = combineBlsShares(set, threshold);
    if (verifyBlsSignature(signed, signature, key, hashed))
      return {
        signature: `0x${Buffer.from(signature.toBytes(true)).toString('hex')}`,
        nodes: set.map((s) => s.index).sort((a, b) => a - b),
      };
  }
  throw new NotEnoughNodesError('the network key shares did not combine into a valid signature');
}

/**
 * Which sets of T shares to combine, in order: the first T, then each with one of them swapped
 * for a spare, so that one bad share among the first T is got round with one spare.
 */
export function shareSetsToTry<S extends Pick<BlsSignatureShare, 'index'>>(
  shares: readonly S[],
  threshold: number,
): S[][] {
  const first = shares.slice(0, threshold);
  return [
    first,
    ...shares
      .slice(threshold)
      .flatMap((spare) => first.map((_, drop) => [...first.filter((__, i) => i !== drop), spare])),
  ];
}
