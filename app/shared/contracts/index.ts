/**
 * The typed TypeScript layer over the Litbox PKP contracts (ethers v6). Host, nodes and tests
 * import from here; the ABIs, bytecode and method typings come from ./generated, which
 * `npm run build:contracts` writes from contracts/src.
 */
export { artifacts, contractNames, solcSettings, solcVersion } from './generated/artifacts.ts';
export type { ContractName } from './generated/artifacts.ts';
export type * from './generated/types.ts';
export { CONTRACT_NAMES, ContractAddresses, LIT_SDK_CONTRACT_NAMES } from './addresses.ts';
export { connectContracts, contractAt, contractInterface, type LitboxContracts } from './handles.ts';
export { decodeEvents, findEvents, type LitboxEvent } from './events.ts';
export { ContractCallError, decodeRevertData, explainContractError, explained } from './errors.ts';
export { localChainProvider } from './provider.ts';
export {
  AUTH_METHOD_SCOPE,
  AUTH_METHOD_TYPE,
  KEY_TYPE,
  actionIdFromCid,
  addressAuthMethodIdBytes,
  authMethodScopeName,
  authMethodId,
  cidFromActionId,
  ethAddressFromPubkey,
  tokenIdFromPubkey,
  uncompressedPubkeyBytes,
  type AuthMethodScope,
  type AuthMethodType,
} from './ids.ts';
