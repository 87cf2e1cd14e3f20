import { cidV0 } from '../../shared/cid/index.ts';
import { tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import type { ExecuteJsLitData, ExecuteJsLitRequest } from '../../shared/lit-sdk/node-routes.ts';
import type { ExecuteService } from '../execute/execute-service.ts';
import type { NodeContext } from '../node-context.ts';
import { statementDigest } from '../peers/peer-crypto.ts';
import type { BindLimiter } from '../signing/bind-limiter.ts';
import type { SigningAgreement } from '../signing/signing-agreement.ts';
import { ActionCodeError, type ActionCodeStore } from './action-code-store.ts';
import { LitRequestError } from './lit-routes.ts';
import { litEcdsaShare, signingSetOf } from './pkp-sign.ts';
import { verifySessionSig } from './session-sig.ts';

/**
 * Lit's executeJs (POST /web/execute/v2, what `litClient.executeJs` asks each node of its set
 * for). The code comes inline, or only its `ipfsId`: then this node reads it from its action
 * store, which checks the bytes hash to that CID. This node checks the session signature was
 * made for it and grants lit-action-execution of this code (its CID, or any), and the set as for pkpSign; then runs the action with the
 * wallet behind the session as the requester, among the set (runOnce and broadcastAndCollect
 * exchange with its other nodes). Every signature the action asked for (each checked when it
 * asked: the action or the wallet may sign with the PKP) is made like pkpSign's: the set agrees
 * on a presignature per signature, and each node answers its weighted share.
 */
export async function litExecuteJs(
  ctx: NodeContext,
  execution: ExecuteService,
  actions: ActionCodeStore,
  agreement: SigningAgreement,
  limiter: BindLimiter,
  request: ExecuteJsLitRequest,
  requestId: string | undefined,
): Promise<ExecuteJsLitData> {
  const me = ctx.peers.peer(ctx.index)?.endpoint;
  if (!me) throw new LitRequestError('executeJs', 'not_ready', 'this node does not find itself in Staking yet');
  const { code, ipfsId } = actionCode(actions, request);
  const session = verifySessionSig(
    request.authSig,
    { address: me, networkPublicKey: ctx.networkKey.ready()?.publicKey },
    { ability: 'lit-action-execution', resource: ipfsId },
  );
  const set = signingSetOf(ctx, request.nodeSet);

  const callKey = statementDigest('litbox-sdk-execute-v1', [requestId ?? '', ipfsId, set.join(',')]).toString('hex');
  const result = await execution.runForLit({
    code,
    ipfsId,
    requester: { address: session.requester, authMethods: session.authMethods },
    jsParams: request.jsParams?.jsParams ?? null,
    requestId: callKey,
    participants: set,
  });
  if (result.error?.kind === 'busy') throw new LitRequestError('executeJs', 'busy', result.error.message);
  if (result.error) throw new LitRequestError('executeJs', 'action_failed', result.error.message);

  const signedData: ExecuteJsLitData['signedData'] = {};
  const requests = [...result.signRequests].sort((a, b) => (a.sigName < b.sigName ? -1 : 1));
  for (const sign of requests) {
    const publicKey = `0x${sign.publicKey.replace(/^0x/, '').toLowerCase()}`;
    const tokenId = tokenIdFromPubkey(publicKey).toString();
    const digest = `0x${Buffer.from(sign.toSign).toString('hex')}`;
    if (Math.min(...set) === ctx.index) {
      try {
        limiter.take(session.requester);
      } catch (err) {
        throw new LitRequestError('executeJs', 'rate_limited', (err as Error).message);
      }
    }
    const key = statementDigest('litbox-sdk-execute-sign-v1', [callKey, sign.sigName, tokenId, digest]).toString('hex');
    const { s, bigR } = await agreement.sign({ key, tokenId, publicKey, digest, set });
    signedData[sign.sigName] = {
      sigType: 'EcdsaK256Sha256',
      signatureShare: JSON.stringify(litEcdsaShare(ctx.index, digest, publicKey, s, bigR)),
      publicKey: JSON.stringify(publicKey.slice(2)),
      sigName: sign.sigName,
    };
  }
  return {
    success: true,
    signedData,
    decryptedData: {},
    claimData: {},
    response: result.response ?? '',
    logs: result.logs,
  };
}

/** The action's code and CID: inline (an `ipfsId` beside it must be its CID), or by CID alone from the store. */
function actionCode(actions: ActionCodeStore, request: ExecuteJsLitRequest): { code: string; ipfsId: string } {
  if (request.code === undefined) {
    if (request.ipfsId === undefined)
      throw new LitRequestError('executeJs', 'bad_request', 'send the action’s code or its ipfsId');
    try {
      return { code: actions.code(request.ipfsId), ipfsId: request.ipfsId };
    } catch (err) {
      if (!(err instanceof ActionCodeError)) throw err;
      throw new LitRequestError('executeJs', err.kind === 'unknown' ? 'unknown_action' : 'damaged_action', err.message);
    }
  }
  const code = Buffer.from(request.code, 'base64').toString('utf8');
  const ipfsId = cidV0(code);
  if (request.ipfsId !== undefined && request.ipfsId !== ipfsId)
    throw new LitRequestError('executeJs', 'bad_request', `the code hashes to ${ipfsId}, not to ${request.ipfsId}`);
  return { code, ipfsId };
}
