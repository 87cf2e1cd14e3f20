import { ContractCallError } from '../../shared/contracts/index.ts';
import { ActionFailedError, NotEnoughNodesError, SigningRefusedError } from '../lit-client/lit-client.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { WalletServices } from '../wallet-services.ts';
import { ApiFailure, type ApiHandlers } from './api-server.ts';

/** The host API's handlers: each call of the contract in app/shared/api, mapped to services. */
export function createApiHandlers(supervisor: Supervisor, wallet: () => WalletServices | undefined): ApiHandlers {
  const services = (): WalletServices => {
    const s = wallet();
    if (!s) throw new ApiFailure('unavailable', 'the network is still starting; try again in a moment');
    return s;
  };
  const nodeOf = (index: number) => {
    try {
      return supervisor.node(index);
    } catch (err) {
      throw new ApiFailure('not_found', (err as Error).message);
    }
  };
  return {
    status: async () => supervisor.status(),
    stopNode: async ({ index }) => {
      await nodeOf(index).stop();
      return supervisor.status();
    },
    startNode: async ({ index }) => {
      await nodeOf(index).start();
      return supervisor.status();
    },
    wallet: async () => {
      const s = services();
      return { address: s.account.address, balanceWei: (await s.balanceOf(s.account.address)).toString() };
    },
    pkpMint: () =>
      mapErrors(async () => {
        const started = performance.now();
        const { receipt: _receipt, ...pkp } = await services().pkps.mint();
        return { ...pkp, mintMs: Math.round(performance.now() - started) };
      }),
    pkpList: async () => {
      const s = services();
      return { pkps: await s.pkps.listOwnedBy(s.account.address) };
    },
    actionSave: async ({ code }) => ({ ipfsId: services().actions.save(code) }),
    actionRun: ({ code, ipfsId, jsParams }) =>
      mapErrors(async () => {
        const s = services();
        const source = code ?? s.actions.get(ipfsId!);
        if (source === undefined) throw new ApiFailure('not_found', `no action ${ipfsId} in the local action store`);
        const cid = s.actions.save(source);
        const result = await s.lit.executeJs({
          code: source,
          ipfsId: cid,
          jsParams,
          authSig: await s.account.authSig(),
        });
        return { ...result, response: result.response };
      }),
    actionGrant: ({ publicKey, ipfsId, scope }) =>
      mapErrors(async () => ({ transactionHash: await services().pkps.grantAction(publicKey, ipfsId, scope ?? 1) })),
    pkpMintGrantBurn: ({ ipfsId }) => mapErrors(() => services().pkps.mintGrantAndBurn(ipfsId)),
    verifyMintGrantBurn: (input) => services().verifyMintGrantBurn(input),
    pkpSign: ({ publicKey, toSign }) =>
      mapErrors(async () => {
        const s = services();
        return s.lit.pkpSign({ publicKey, toSign, authSig: await s.account.authSig() });
      }),
  };
}

/** Known failures become API errors a person can act on. */
async function mapErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SigningRefusedError) throw new ApiFailure('forbidden', err.message);
    if (err instanceof NotEnoughNodesError) throw new ApiFailure('unavailable', err.message);
    if (err instanceof ActionFailedError)
      throw new ApiFailure(
        'bad_request',
        `the action failed (${err.kind}): ${err.message}${err.logs ? `\nlogs:\n${err.logs}` : ''}`,
      );
    if (err instanceof ContractCallError) throw new ApiFailure('conflict', err.message);
    throw err;
  }
}
