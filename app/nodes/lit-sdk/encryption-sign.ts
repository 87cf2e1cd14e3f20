import { LitConditionsError, litEncryptionIdentity, readLitConditions } from '../../shared/lit-sdk/lit-conditions.ts';
import { LitBlsShare, type EncryptionSignData, type EncryptionSignRequest } from '../../shared/lit-sdk/node-routes.ts';
import { blsShareToLitJson, blsSignShare } from '../../shared/threshold/bls.ts';
import { evaluateConditions } from '../conditions/evm-conditions.ts';
import type { NodeContext } from '../node-context.ts';
import { LitRequestError } from './lit-routes.ts';
import { verifySessionSig } from './session-sig.ts';

/**
 * Lit's decryption share (POST /web/encryption/sign/v2, what `litClient.decrypt` asks each node
 * for). Every check is this node's own, in this order: the conditions are ones it can read; the
 * session signature was made for this node and grants decryption of exactly these conditions
 * and data (or of any); the conditions hold on the sandbox chain now for the wallet behind the
 * session. Only then does it sign the identity, rebuilt here from the conditions and the data
 * hash, with its share of the network key: x_j·H(identity), which the SDK combines with the
 * other nodes' shares into the key that opens the ciphertext.
 */
export async function litEncryptionSign(ctx: NodeContext, request: EncryptionSignRequest): Promise<EncryptionSignData> {
  const networkKey = ctx.networkKey.ready();
  if (!networkKey)
    throw new LitRequestError(
      'encryptionSign',
      'not_ready',
      'this node has no network key yet (genesis is still running)',
    );
  const me = ctx.peers.peer(ctx.index)?.endpoint;
  if (!me) throw new LitRequestError('encryptionSign', 'not_ready', 'this node does not find itself in Staking yet');

  let conditions;
  try {
    conditions = readLitConditions(request);
  } catch (err) {
    if (!(err instanceof LitConditionsError)) throw err;
    throw new LitRequestError(
      'encryptionSign',
      err.unsupported ? 'unsupported_conditions' : 'bad_request',
      err.message,
    );
  }
  const session = verifySessionSig(
    request.authSig,
    { address: me, networkPublicKey: networkKey.publicKey },
    {
      ability: 'access-control-condition-decryption',
      resource: `${conditions.hash}/${request.dataToEncryptHash}`,
    },
  );

  let met: boolean;
  try {
    met = await evaluateConditions(conditions.list, session.requester, ctx.chain.provider);
  } catch (err) {
    throw new LitRequestError(
      'encryptionSign',
      'unsupported_conditions',
      `the conditions could not be checked on the sandbox chain: ${(err as Error).message}`,
    );
  }
  if (!met)
    throw new LitRequestError(
      'encryptionSign',
      'conditions_not_met',
      `the access control conditions are not met for ${session.requester} (node ${ctx.index}, block ${ctx.chain.latestBlock})`,
    );

  const identity = litEncryptionIdentity(conditions.hash, request.dataToEncryptHash);
  const signature = blsSignShare(new TextEncoder().encode(identity), networkKey.share);
  return {
    result: 'success',
    signatureShare: LitBlsShare.parse(JSON.parse(blsShareToLitJson({ index: ctx.index, signature }))),
    shareId: String(ctx.index),
  };
}
