import { z } from 'zod';
import { ADDRESS_PATTERN } from '../wire-values.ts';

/**
 * Where the Litbox contracts live on a chain. Genesis returns it; the host keeps it in the
 * data directory and reports it (`litbox status --json` → contracts). Light on purpose: it
 * imports neither ethers nor the generated artifacts, so the renderer may use it.
 */
export const CONTRACT_NAMES = ['Staking', 'PKPNFT', 'PubkeyRouter', 'PKPPermissions', 'PKPHelper'] as const;
/**
 * Contracts that exist only so that Lit's v8 SDK finds what its network context must list
 * (zero prices, a ledger nothing is charged from). Networks made before they existed lack them.
 */
export const LIT_SDK_CONTRACT_NAMES = ['PriceFeed', 'Ledger', 'PaymentDelegation'] as const;

const address = z.string().regex(ADDRESS_PATTERN, 'must be a 0x-prefixed 20-byte hex address');

export const ContractAddresses = z.object({
  PKPNFT: address,
  PKPPermissions: address,
  PKPHelper: address,
  PubkeyRouter: address,
  Staking: address,
  PriceFeed: address.optional(),
  Ledger: address.optional(),
  PaymentDelegation: address.optional(),
});
export type ContractAddresses = z.infer<typeof ContractAddresses>;
