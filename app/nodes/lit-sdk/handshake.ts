import { LIT_SDK_EPOCH, type HandshakeData, type HandshakeRequest } from '../../shared/lit-sdk/node-routes.ts';
import type { NodeContext } from '../node-context.ts';
import { LitRequestError } from './lit-routes.ts';

/** What the node names itself to Lit's SDK (shown in its logs only). */
export const LITBOX_NODE_VERSION = 'litbox-node/1';

export interface HandshakeIdentity {
  signingPublicKey: Buffer;
  encryptionPublicKey: Buffer;
}

/**
 * Lit's handshake: the node's keys, the network key, the chain head. Nothing secret, nothing
 * changed; it answers once the network key is agreed (before that: not_ready, and the SDK
 * counts this node out).
 */
export async function litHandshake(
  ctx: NodeContext,
  identity: HandshakeIdentity,
  _request: HandshakeRequest,
): Promise<HandshakeData> {
  const networkKey = ctx.networkKey.ready()?.publicKey;
  if (!networkKey)
    throw new LitRequestError('handshake', 'not_ready', 'this node has no network key yet (genesis is still running)');
  const block = await ctx.chain.provider.getBlock('latest');
  if (!block?.hash) throw new LitRequestError('handshake', 'not_ready', 'the chain gave no latest block');
  const subnetPublicKey = networkKey.replace(/^0x/, '').toLowerCase();
  return {
    serverPublicKey: identity.signingPublicKey.toString('hex'),
    subnetPublicKey,
    networkPublicKey: subnetPublicKey,
    networkPublicKeySet: subnetPublicKey,
    clientSdkVersion: '',
    hdRootPubkeys: [],
    attestation: null,
    latestBlockhash: block.hash.toLowerCase(),
    nodeIdentityKey: identity.encryptionPublicKey.toString('hex'),
    nodeVersion: LITBOX_NODE_VERSION,
    epoch: LIT_SDK_EPOCH,
  };
}
