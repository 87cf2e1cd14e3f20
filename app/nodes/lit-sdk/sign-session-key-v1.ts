import type { SignSessionKeyV1Data, SignSessionKeyV1Request } from '../../shared/lit-sdk/node-routes-v1.ts';
import type { NodeContext } from '../node-context.ts';
import { litV1BlsShare } from './encryption-sign-v1.ts';
import { signedPkpSession } from './sign-session-key.ts';

/**
 * Lit's v1 PKP session (POST /web/sign_session_key/v1, what v7's `getPkpSessionSigs` asks every
 * node for). The checks and the signature are v2's (signedPkpSession in ./sign-session-key.ts);
 * v7 names no signing set, and combines the first `minNodeCount` (T) shares it gets, so the
 * share goes back in the form v7's combiner reads: the node's index as one byte, then the point.
 */
export async function litSignSessionKeyV1(
  ctx: NodeContext,
  request: SignSessionKeyV1Request,
): Promise<SignSessionKeyV1Data> {
  const session = await signedPkpSession(ctx, request);
  const share = litV1BlsShare(ctx.index, Buffer.from(session.signature.toBytes(true)).toString('hex'));
  return {
    result: 'success',
    signatureShare: share.signatureShare,
    shareIndex: ctx.index,
    curveType: 'BLS',
    siweMessage: session.siweMessage,
    dataSigned: session.dataSigned,
    blsRootPubkey: session.blsRootPubkey,
  };
}
