import { parseEther, toQuantity, Wallet, type JsonRpcProvider } from 'ethers';
import type { ContractAddresses } from '../../shared/contracts/index.ts';
import { deployNetwork, verifyDeployment, type GenesisNode } from './genesis.ts';

/** Sandbox funds: the admin, the wallet account and every node can always pay for gas. */
const SANDBOX_BALANCE = toQuantity(parseEther('10000'));

export async function fundOnSandbox(provider: JsonRpcProvider, addresses: readonly string[]): Promise<void> {
  for (const address of addresses) await provider.send('anvil_setBalance', [address, SANDBOX_BALANCE]);
}

export interface EnsureContractsOptions {
  provider: JsonRpcProvider;
  adminKey: string;
  nodes: readonly GenesisNode[];
  /** Addresses recorded by an earlier start, if any. */
  recorded?: ContractAddresses;
  stateFile: string;
}

/**
 * First start of a data directory: deploy the contracts and register the nodes. Later
 * starts: check the recorded contracts are still on the chain (a lost state file is a clear
 * error, never a silent redeploy that would orphan every PKP).
 */
export async function ensureContracts(
  options: EnsureContractsOptions,
): Promise<{ addresses: ContractAddresses; deployed: boolean }> {
  const { provider, adminKey, nodes, recorded, stateFile } = options;
  const admin = new Wallet(adminKey, provider);
  await fundOnSandbox(provider, [admin.address, ...nodes.map((n) => n.address)]);
  if (recorded) {
    await verifyDeployment(provider, recorded, { stateFile });
    return { addresses: recorded, deployed: false };
  }
  return { addresses: await deployNetwork({ signer: admin, nodes }), deployed: true };
}
