import fs from 'node:fs';
import path from 'node:path';
import { artifacts, type ContractAddresses, type ContractName } from '../../shared/contracts/index.ts';
import { NAGA_NETWORK_NAME, type LitSdkContexts } from '../../shared/lit-sdk/contexts.ts';

type AbiItem = (typeof artifacts)[ContractName]['abi'][number];

/** The validator view Lit's SDKs call; Staking has it twice (Datil: no argument, Naga: realm id). */
const VALIDATOR_VIEW = 'getActiveUnkickedValidatorStructsAndCounts';

/** The contracts the v8 SDK's `withLocalContext` insists on, each as {address, abi}. */
const NAGA_CONTEXT_CONTRACTS = [
  'Staking',
  'PriceFeed',
  'PKPNFT',
  'PubkeyRouter',
  'PKPPermissions',
  'PKPHelper',
  'Ledger',
  'PaymentDelegation',
] as const satisfies readonly ContractName[];

/**
 * The v8 SDK's network context: {ContractName: {address, abi}}. Its reader takes one ABI
 * entry per method name and skips a name it finds twice, so Staking's Datil overload is left
 * out here (and the Naga one from the v7 file). Undefined for a network made before the
 * SDK's contracts existed.
 */
export function nagaNetworkContext(
  contracts: ContractAddresses,
): Record<string, { address: string; abi: AbiItem[] }> | undefined {
  const context: Record<string, { address: string; abi: AbiItem[] }> = {};
  for (const name of NAGA_CONTEXT_CONTRACTS) {
    const address = contracts[name];
    if (!address) return undefined;
    const abi: AbiItem[] = [...artifacts[name].abi];
    context[name] = {
      address,
      abi: name === 'Staking' ? abi.filter((item) => !isValidatorView(item, 0)) : abi,
    };
  }
  return context;
}

/** The v7 SDK's `contractContext`: Staking only, with the Datil view and none of the Naga one. */
export function datilContractContext(contracts: ContractAddresses): { Staking: { address: string; abi: AbiItem[] } } {
  return {
    Staking: {
      address: contracts.Staking,
      abi: artifacts.Staking.abi.filter((item: AbiItem) => !isValidatorView(item, 1)),
    },
  };
}

function isValidatorView(item: AbiItem, inputCount: number): boolean {
  return item.type === 'function' && item.name === VALIDATOR_VIEW && item.inputs.length === inputCount;
}

/**
 * Writes both context files into <dataDir>/lit-sdk/ (on every start: the addresses never
 * change, the ABIs may with a newer Litbox). Undefined when the network predates them.
 */
export function writeLitSdkContexts(dataDir: string, contracts: ContractAddresses): LitSdkContexts | undefined {
  const naga = nagaNetworkContext(contracts);
  if (!naga) return undefined;
  const dir = path.join(dataDir, 'lit-sdk');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const nagaNetworkContextPath = path.join(dir, 'naga-network-context.json');
  const datilContractContextPath = path.join(dir, 'datil-contract-context.json');
  writeAtomically(nagaNetworkContextPath, JSON.stringify(naga, null, 2));
  writeAtomically(datilContractContextPath, JSON.stringify(datilContractContext(contracts), null, 2));
  return { nagaNetworkContextPath, nagaNetworkName: NAGA_NETWORK_NAME, datilContractContextPath };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${text}\n`, { mode: 0o644 });
  fs.renameSync(tmp, file);
}
