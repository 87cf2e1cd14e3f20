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
  const result = await runSdkAction(ctx, execution, actions, agreement, limiter, {
    code: request.code,
    ipfsId: request.ipfsId,
    authSig: request.authSig,
    jsParams: request.jsParams?.jsParams ?? null,
    signingSet: () => signingSetOf(ctx, request.nodeSet),
    requestId,
    tag: 'v1',
  });
  const signedData: ExecuteJsLitData['signedData'] = {};
  for (const sign of result.signatures) {
    signedData[sign.sigName] = {
      sigType: 'EcdsaK256Sha256',
      signatureShare: JSON.stringify(litEcdsaShare(ctx.index, sign.digest, sign.publicKey, sign.s, sign.bigR)),
      publicKey: JSON.stringify(sign.publicKey.slice(2)),
      sigName: sign.sigName,
    };
  }
  return {
    success: true,
    signedData,
    decryptedData: {},
    claimData: {},
    response: result.response,
    logs: result.logs,
  };
}

/** One SDK executeJs call as this node received it, whichever SDK version sent it. */
export interface SdkActionCall {
  /** The action's code, base64 (what both SDK versions send). */
  code?: string | undefined;
  ipfsId?: string | undefined;
  /** This node's session signature. */
  authSig: unknown;
  /** The user's params: the action sees each key as a global. */
  jsParams: Record<string, unknown> | null;
  /** The nodes that run and sign; asked after the session is checked (its refusals come first). */
  signingSet: () => number[];
  requestId: string | undefined;
  /** Keeps one SDK version's calls apart from another's with the same request id. */
  tag: 'v1' | 'v7';
}

/** One signature the action asked for: this node's share, not yet in any SDK's format. */
export interface SdkActionSignature {
  sigName: string;
  /** 0x04…, lowercase. */
  publicKey: string;
  /** The 32 bytes signed, 0x hex. */
  digest: string;
  s: bigint;
  bigR: Uint8Array;
}

/**
 * What every SDK's executeJs does at one node: the action's code (inline or from the store),
 * the session checked for this node and lit-action-execution of that CID, the action run among
 * the signing set with the session's requester, then each signature it asked for agreed on
 * (one presignature per signature, the set's leader keeping the requester to its budget).
 */
export async function runSdkAction(
  ctx: NodeContext,
  execution: ExecuteService,
  actions: ActionCodeStore,
  agreement: SigningAgreement,
  limiter: BindLimiter,
  call: SdkActionCall,
): Promise<{ signatures: SdkActionSignature[]; response: string; logs: string }> {
  const me = ctx.peers.peer(ctx.index)?.endpoint;
  if (!me) throw new LitRequestError('executeJs', 'not_ready', 'this node does not find itself in Staking yet');
  const { code, ipfsId } = actionCode(actions, call);
  const session = verifySessionSig(
    call.authSig,
    { address: me, networkPublicKey: ctx.networkKey.ready()?.publicKey },
    { ability: 'lit-action-execution', resource: ipfsId },
  );
  const set = call.signingSet();

  const callKey = statementDigest(`litbox-sdk-execute-${call.tag}`, [
    call.requestId ?? '',
    ipfsId,
    set.join(','),
  ]).toString('hex');
  const result = await execution.runForLit({
    code,
    ipfsId,
    requester: { address: session.requester, authMethods: session.authMethods },
    jsParams: call.jsParams,
    requestId: callKey,
    participants: set,
  });
  if (result.error?.kind === 'busy') throw new LitRequestError('executeJs', 'busy', result.error.message);
  if (result.error) throw new LitRequestError('executeJs', 'action_failed', result.error.message);

  const signatures: SdkActionSignature[] = [];
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
    const key = statementDigest(`litbox-sdk-execute-sign-${call.tag}`, [
      callKey,
      sign.sigName,
      tokenId,
      digest,
    ]).toString('hex');
    const { s, bigR } = await agreement.sign({ key, tokenId, publicKey, digest, set });
    signatures.push({ sigName: sign.sigName, publicKey, digest, s, bigR });
  }
  return { signatures, response: result.response ?? '', logs: result.logs };
}

/** The action's code and CID: inline (an `ipfsId` beside it must be its CID), or by CID alone from the store. */
function actionCode(
  actions: ActionCodeStore,
  request: Pick<SdkActionCall, 'code' | 'ipfsId'>,
): { code: string; ipfsId: string } {
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
