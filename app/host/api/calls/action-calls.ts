import { ApiFailure } from '../api-server.ts';
import { addressOf, type CallContext, type CallTable } from './call-table.ts';

/** Lit Actions: save, run, grant to a PKP, and the Mint/Grant/Burn pattern with its proof. */
export function actionCalls(ctx: CallContext) {
  return {
    actionSave: { run: async ({ code }) => ({ ipfsId: ctx.services().actions.save(code) }) },
    actionRun: {
      run: async ({ code, ipfsId, jsParams }) => {
        const s = ctx.services();
        const source = code ?? s.actions.get(ipfsId!);
        if (source === undefined) throw new ApiFailure('not_found', `no action ${ipfsId} in the local action store`);
        const cid = s.actions.save(source);
        return s.lit.executeJs({ code: source, ipfsId: cid, jsParams, authSig: await s.account.authSig() });
      },
      activity: {
        kind: 'action',
        describe: (r) => ({ detail: `ran ${r.ipfsId}; signatures: ${Object.keys(r.signatures).join(', ') || 'none'}` }),
      },
    },
    actionGrant: {
      run: async ({ publicKey, ipfsId, scope }) => ({
        transactionHash: await ctx.services().pkps.grantAction(publicKey, ipfsId, scope),
      }),
      activity: {
        kind: 'grant',
        about: ({ publicKey }) => addressOf(publicKey),
        describe: (r, { ipfsId }) => ({ detail: `granted ${ipfsId}`, transactionHash: r.transactionHash }),
      },
    },
    pkpMintGrantBurn: {
      run: async ({ ipfsId }) => ctx.services().pkps.mintGrantAndBurn(ipfsId),
      activity: {
        kind: 'mint',
        describe: (r, { ipfsId }) => ({
          detail: `Mint/Grant/Burn ${r.ethAddress} for ${ipfsId}`,
          pkp: r.ethAddress,
          transactionHash: r.transactionHash,
        }),
        remembersPkp: true,
      },
    },
    verifyMintGrantBurn: { run: async (input) => ctx.services().verifyMintGrantBurn(input) },
  } satisfies Partial<CallTable>;
}
