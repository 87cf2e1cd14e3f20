import { parseEther, toQuantity, Wallet, type JsonRpcProvider } from 'ethers';
import type { ContractAddresses } from '../../shared/contracts/index.ts';
import { deployNetwork, verifyDeployment, type GenesisNode } from './genesis.ts';
import { ANVIL_ACCOUNT_0, checkNagaLocalAddresses, nagaLocalDeployment } from './naga-local.ts';

/** Sandbox funds: the admin, the wallet account and every node can always pay for gas. */
const SANDBOX_BALANCE = toQuantity(parseEther('10000'));

export async function fundOnSandbox(provider: JsonRpcProvider, addresses: readonly string[]): Promise<void> {
  await Promise.all(addresses.map((address) => provider.send('anvil_setBalance', [address, SANDBOX_BALANCE])));
}

export interface EnsureContractsOptions {
  provider: JsonRpcProvider;
  adminKey: string;
  nodes: readonly GenesisNode[];
  /** Addresses recorded by an earlier start, if any. */
  recorded?: ContractAddresses;
  stateFile: string;
  /** `up --lit-local`: the contracts go (or are) at the addresses Lit's nagaLocal knows. */
  litLocal?: boolean;
}

/**
 * First start of a data directory: deploy the contracts and register the nodes. Later
 * starts: check the recorded contracts are still on the chain (a lost state file is a clear
 * error, never a silent redeploy that would orphan every PKP).
 */
export async function ensureContracts(
  options: EnsureContractsOptions,
): Promise<{ addresses: ContractAddresses; deployed: boolean }> {
  const { provider, adminKey, nodes, recorded, stateFile, litLocal } = options;
  if (recorded) {
    if (litLocal) checkNagaLocalAddresses(recorded);
    // The admin only deploys, at genesis: a later start neither funds it nor derives its address
    // (the host's first secp256k1 multiplication, about 45 ms, on the start's critical path).
    await Promise.all([
      fundOnSandbox(
        provider,
        nodes.map((n) => n.address),
      ),
      verifyDeployment(provider, recorded, { stateFile }),
    ]);
    return { addresses: recorded, deployed: false };
  }
  const admin = new Wallet(adminKey, provider);
  await fundOnSandbox(provider, [admin.address, ...nodes.map((n) => n.address)]);
  if (!litLocal) return { addresses: await deployNetwork({ signer: admin, nodes }), deployed: true };
  await fundOnSandbox(provider, [ANVIL_ACCOUNT_0.address]);
  const addresses = await deployNetwork({ signer: admin, nodes, nagaLocal: nagaLocalDeployment(provider) });
  checkNagaLocalAddresses(addresses);
  return { addresses, deployed: true };
}
