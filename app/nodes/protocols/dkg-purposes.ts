import { tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import { KEY_TYPE } from '../../shared/contracts/index.ts';
import type { DkgResult } from '../../shared/threshold/dkg.ts';
import {
  bls12381G1CompressedBytes,
  bls12381G1Group,
  secp256k1Group,
  secp256k1UncompressedBytes,
  type Group,
} from '../../shared/threshold/groups.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { NodeContext } from '../node-context.ts';

/**
 * What a DKG run is for. The rounds are the same; the group, the degree, where the share is
 * kept and what "commit" means differ.
 */
export interface DkgPurpose {
  name: 'pkp' | 'network';
  group: Group;
  degree(ctx: NodeContext): number;
  maxCount: number;
  /** Stores the shares as pending; returns the public keys (hex) in order. */
  savePending(ctx: NodeContext, session: string, results: readonly DkgResult[]): string[];
  /** Runs once every node confirmed the same keys. */
  commit(ctx: NodeContext, session: string, publicKeys: readonly string[]): Promise<void>;
}

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`;

/** PKP keys: secp256k1, degree t, routed on chain by every node's vote. */
export const PKP_KEYS: DkgPurpose = {
  name: 'pkp',
  group: secp256k1Group,
  degree: (ctx) => ctx.t,
  maxCount: 64,
  savePending(ctx, session, results) {
    const stored = results.map((r) => {
      const publicKey = hex(secp256k1UncompressedBytes(r.publicKey));
      return { tokenId: tokenIdFromPubkey(publicKey).toString(), publicKey, share: r.secretShare };
    });
    ctx.keys.savePending(session, stored);
    return stored.map((s) => s.publicKey);
  },
  async commit(ctx, _session, publicKeys) {
    const tokenIds = publicKeys.map((pk) => tokenIdFromPubkey(pk).toString());
    if (tokenIds.some((id, i) => ctx.keys.get(id)?.publicKey !== publicKeys[i]))
      throw new NodeRequestError(409, 'disagreement', 'the confirmed keys are not the ones this node holds');
    ctx.keys.markReady(tokenIds);
    const staking = ctx.chain.addresses.Staking;
    for (let i = 0; i < publicKeys.length; i++) {
      await ctx.chain.send(async (w) => {
        // A fixed gas limit: the vote that reaches the threshold also routes the key, which an
        // estimate made before the other nodes' votes landed would not cover.
        const tx = await w.PubkeyRouter.voteForRoutingData(tokenIds[i]!, publicKeys[i]!, staking, KEY_TYPE.ECDSA, {
          gasLimit: 600_000,
        });
        await tx.wait();
      });
    }
  },
};

/** The network's BLS12-381 key: one per network, degree T-1, made at genesis. */
export const NETWORK_KEY: DkgPurpose = {
  name: 'network',
  group: bls12381G1Group,
  degree: (ctx) => ctx.threshold - 1,
  maxCount: 1,
  savePending(ctx, session, results) {
    const [result] = results;
    if (!result || results.length !== 1)
      throw new NodeRequestError(400, 'bad_batch', 'the network has exactly one BLS key');
    const publicKey = hex(bls12381G1CompressedBytes(result.publicKey));
    ctx.networkKey.savePending(session, publicKey, result.secretShare);
    return [publicKey];
  },
  async commit(ctx, session, publicKeys) {
    ctx.networkKey.markReady(session, publicKeys[0]!);
  },
};

export const DKG_PURPOSES: Record<DkgPurpose['name'], DkgPurpose> = { pkp: PKP_KEYS, network: NETWORK_KEY };
