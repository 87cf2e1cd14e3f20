import { ExecuteJsV1Data, type ExecuteJsV1Request } from '../../shared/lit-sdk/node-routes-v1.ts';
import type { ExecuteService } from '../execute/execute-service.ts';
import type { NodeContext } from '../node-context.ts';
import type { BindLimiter } from '../signing/bind-limiter.ts';
import type { SigningAgreement } from '../signing/signing-agreement.ts';
import type { ActionCodeStore } from './action-code-store.ts';
import { runSdkAction } from './execute-js.ts';
import { everyNodeSet } from './pkp-sign.ts';
import { litV1EcdsaShare } from './pkp-sign-v1.ts';

/**
 * Lit's v1 executeJs (POST /web/execute/v1, what v7's `executeJs` sends to every node it
 * connected to, and waits for all of them). The checks and the run are v2's (./execute-js.ts):
 * the code inline or from the sandbox's action store by `ipfsId`, the session made for this node
 * granting lit-action-execution, each `signEcdsa` allowed for the action's CID or the wallet on
 * chain. v7 names no signing set: every node of the network runs the action and, for each
 * signature, they agree on one presignature among themselves, as for v1 pkpSign. Each answers its
 * share weighted by its Lagrange coefficient over all N nodes, in v7's `signedData` shape.
 */
export async function litExecuteJsV1(
  ctx: NodeContext,
  execution: ExecuteService,
  actions: ActionCodeStore,
  agreement: SigningAgreement,
  limiter: BindLimiter,
  request: ExecuteJsV1Request,
  requestId: string | undefined,
): Promise<ExecuteJsV1Data> {
  const result = await runSdkAction(ctx, execution, actions, agreement, limiter, {
    code: request.code,
    ipfsId: request.ipfsId,
    authSig: request.authSig,
    jsParams: request.jsParams ?? null,
    signingSet: () => everyNodeSet(ctx, 'executeJs'),
    requestId,
    tag: 'v7',
  });
  const signedData: ExecuteJsV1Data['signedData'] = {};
  for (const sign of result.signatures) {
    const share = litV1EcdsaShare(ctx.index, sign.digest, sign.publicKey, sign.s, sign.bigR);
    signedData[sign.sigName] = {
      sigType: share.sig_type,
      signatureShare: share.signature_share,
      shareIndex: share.share_index,
      bigR: share.big_r,
      publicKey: share.public_key,
      dataSigned: share.digest,
      sigName: sign.sigName,
    };
  }
  return ExecuteJsV1Data.parse({
    success: true,
    signedData,
    decryptedData: {},
    claimData: {},
    response: result.response,
    logs: result.logs,
  });
}
