import { z } from 'zod';

/**
 * Where a Litbox network tells Lit's own JavaScript SDKs how to find it (docs/LIT-SDK.md):
 * files in the data directory that `litbox up` writes and `status --json` names.
 */
export const LitSdkContexts = z.object({
  /** For v8: `nagaLocal.withLocalContext({networkContextPath, networkName, rpcUrlOverride})`. */
  nagaNetworkContextPath: z.string(),
  /** The `networkName` to pass with it. */
  nagaNetworkName: z.string(),
  /** For v7: `contractContext` of `new LitNodeClient({litNetwork: 'custom', ...})` (JSON). */
  datilContractContextPath: z.string(),
});
export type LitSdkContexts = z.infer<typeof LitSdkContexts>;

/** The network name Litbox's context is written for (the SDK's own local network). */
export const NAGA_NETWORK_NAME = 'naga-local';
