import { getCreateAddress, Wallet, type JsonRpcProvider } from 'ethers';
import type { ContractAddresses, ContractName } from '../../shared/contracts/index.ts';
import type { NagaLocalDeployment } from './genesis.ts';

/**
 * `litbox up --lit-local`: a sandbox Lit's v8 SDK finds with no context file at all, with
 * `createLitClient({network: nagaLocal})` (@lit-protocol/networks 8.4.1). nagaLocal reads the
 * chain at http://127.0.0.1:8545 (chain 31337) and the contracts at fixed addresses, which are
 * the CREATE addresses of anvil's account #0 at the nonces below (keccak256(rlp([sender,
 * nonce]))[12:], checked by naga-local.test.ts): Lit's own local deploy script sends that many
 * transactions from that account before each. Genesis reaches them by moving the account's
 * nonce (anvil_setNonce) before each deploy, then hands the contracts' ownership to the admin.
 */

/** Where nagaLocal looks for the chain. */
export const NAGA_LOCAL_RPC_PORT = 8545;

/** Anvil's (and Hardhat's) account #0, from the public test mnemonic: nagaLocal's deployer. */
export const ANVIL_ACCOUNT_0 = {
  address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  // A published test key (every anvil prints it), not a secret: it ends up owning nothing.
  privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
} as const;

/** The nonce of account #0 at which each contract of nagaLocal's default addresses was created. */
export const NAGA_LOCAL_NONCES: Readonly<Record<ContractName, number>> = {
  Staking: 34,
  PKPNFT: 43,
  PubkeyRouter: 49,
  PKPPermissions: 68,
  PKPHelper: 69,
  PaymentDelegation: 85,
  Ledger: 91,
  PriceFeed: 97,
};

/** nagaLocal's default addresses, as the SDK's naga-develop signatures list them. */
export const NAGA_LOCAL_ADDRESSES: Readonly<ContractAddresses> = {
  Staking: '0xa82fF9aFd8f496c3d6ac40E2a0F282E47488CFc9',
  PKPNFT: '0x0E801D84Fa97b50751Dbf25036d067dCf18858bF',
  PubkeyRouter: '0x4c5859f0F772848b2D91F1D83E2Fe57935348029',
  PKPPermissions: '0x04C89607413713Ec9775E14b954286519d836FEf',
  PKPHelper: '0x4C4a2f8c81640e47606d3fd77B353E87Ba015584',
  PaymentDelegation: '0xfbC22278A96299D91d41C453234d97b4F5Eb9B2d',
  Ledger: '0x7A9Ec1d04904907De0ED7b6839CcdD59c3716AC9',
  PriceFeed: '0xAA292E8611aDF267e563f334Ee42320aC96D0463',
};

/** The address account #0 creates a contract at with `nonce`. */
export function nagaLocalAddressAt(nonce: number): string {
  return getCreateAddress({ from: ANVIL_ACCOUNT_0.address, nonce });
}

/** What genesis needs to deploy at nagaLocal's addresses, on the host's private chain path. */
export function nagaLocalDeployment(provider: JsonRpcProvider): NagaLocalDeployment {
  return {
    deployer: new Wallet(ANVIL_ACCOUNT_0.privateKey, provider),
    nonces: NAGA_LOCAL_NONCES,
    setNonce: async (address, nonce) => {
      await provider.send('anvil_setNonce', [address, `0x${nonce.toString(16)}`]);
    },
  };
}

/** A network made with --lit-local keeps its contracts at nagaLocal's addresses; anything else is a bug. */
export function checkNagaLocalAddresses(addresses: ContractAddresses): void {
  for (const [name, want] of Object.entries(NAGA_LOCAL_ADDRESSES) as [ContractName, string][]) {
    if (addresses[name]?.toLowerCase() !== want.toLowerCase())
      throw new Error(`--lit-local: ${name} is at ${addresses[name]}, not at nagaLocal's ${want}`);
  }
}
