import { Contract, Interface, type ContractRunner } from 'ethers';
import { artifacts, type ContractName } from './generated/artifacts.ts';
import type { ContractTypes } from './generated/types.ts';
import { ContractAddresses, type CONTRACT_NAMES, type LIT_SDK_CONTRACT_NAMES } from './addresses.ts';

/** One typed ethers v6 handle per contract of the Litbox network itself. */
export type LitboxContracts = { [N in (typeof CONTRACT_NAMES)[number]]: ContractTypes[N] };

// The light lists in addresses.ts must name exactly the compiled contracts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: Same<(typeof CONTRACT_NAMES)[number] | (typeof LIT_SDK_CONTRACT_NAMES)[number], ContractName> = true;
void namesMatch;

const interfaces = new Map<ContractName, Interface>();

/** The ethers Interface of a contract (cached). */
export function contractInterface(name: ContractName): Interface {
  let iface = interfaces.get(name);
  if (!iface) {
    iface = new Interface(artifacts[name].abi);
    interfaces.set(name, iface);
  }
  return iface;
}

/** A typed handle for one contract at `address`. */
export function contractAt<N extends ContractName>(
  name: N,
  address: string,
  runner: ContractRunner | null,
): ContractTypes[N] {
  return new Contract(address, contractInterface(name), runner) as unknown as ContractTypes[N];
}

/** Typed handles for every Litbox contract; checks the address record first. */
export function connectContracts(addresses: ContractAddresses, runner: ContractRunner | null): LitboxContracts {
  const checked = ContractAddresses.parse(addresses);
  return {
    Staking: contractAt('Staking', checked.Staking, runner),
    PKPNFT: contractAt('PKPNFT', checked.PKPNFT, runner),
    PubkeyRouter: contractAt('PubkeyRouter', checked.PubkeyRouter, runner),
    PKPPermissions: contractAt('PKPPermissions', checked.PKPPermissions, runner),
    PKPHelper: contractAt('PKPHelper', checked.PKPHelper, runner),
  };
}
