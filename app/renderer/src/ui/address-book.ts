import { createContext, useContext } from 'react';

/**
 * Names for addresses the wallet knows: the PKP contracts, the wallet account, the PKPs (their
 * names when given). Keys are lower-case addresses.
 */
export type AddressBook = ReadonlyMap<string, string>;

export const AddressBookContext = createContext<AddressBook>(new Map());

export function useAddressName(address: string | null | undefined): string | undefined {
  const book = useContext(AddressBookContext);
  return address ? book.get(address.toLowerCase()) : undefined;
}

/** The book from what the host says: contract names, the wallet account, and each PKP. */
export function buildAddressBook(
  contracts: Record<string, string> | null | undefined,
  walletAddress: string | undefined,
  pkps: { ethAddress: string; name?: string | undefined }[],
): AddressBook {
  const book = new Map<string, string>();
  for (const [name, address] of Object.entries(contracts ?? {})) book.set(address.toLowerCase(), contractName(name));
  if (walletAddress) book.set(walletAddress.toLowerCase(), 'Wallet account');
  for (const pkp of pkps) if (pkp.name) book.set(pkp.ethAddress.toLowerCase(), pkp.name);
  return book;
}

/** "pkpNft" → "PKPNFT", "pubkeyRouter" → "PubkeyRouter": the contract's own name. */
function contractName(key: string): string {
  const known: Record<string, string> = {
    pkpNft: 'PKPNFT',
    pkpPermissions: 'PKPPermissions',
    pkpHelper: 'PKPHelper',
    pubkeyRouter: 'PubkeyRouter',
    staking: 'Staking',
  };
  return known[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}
