import type { ethers } from 'ethers';
import { createApiClient, type ApiClient } from '../app/shared/api/client.ts';
import { connectContracts, localChainProvider, type LitboxContracts } from '../app/shared/contracts/index.ts';
import type { RunningSandbox } from '../testing/sandbox/spawn-cli.ts';

/** The sandbox's chain as an independent reader sees it: anvil over JSON-RPC, and the PKP contracts. */
export interface SandboxChain {
  api: ApiClient;
  provider: ethers.JsonRpcProvider;
  contracts: LitboxContracts;
  close(): void;
}

export async function sandboxChain(sandbox: RunningSandbox): Promise<SandboxChain> {
  const api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });
  const status = await api.call('status', {});
  const provider = localChainProvider(status.chain.rpcUrl, status.chain.chainId);
  return {
    api,
    provider,
    contracts: connectContracts(status.contracts!, provider),
    close: () => provider.destroy(),
  };
}
