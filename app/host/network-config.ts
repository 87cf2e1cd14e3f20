import fs from 'node:fs';
import { z } from 'zod';
import { ContractAddresses } from '../shared/contracts/addresses.ts';
import { DEFAULT_CHAIN_ID } from '../shared/network.ts';
import { findFreePort, isPortFree } from './ports.ts';

/**
 * network.json: what a data directory's network is, fixed at its first start.
 * Node ports stay the same across restarts because the nodes' endpoints are
 * registered on chain.
 */
export const NetworkConfig = z.object({
  version: z.literal(1),
  chainId: z.number().int(),
  nodeCount: z.number().int(),
  nodePorts: z.array(z.number().int()),
  /** Where this data directory keeps its secrets, chosen at its first start. */
  vault: z.enum(['keychain', 'passphrase-file']).optional(),
  /** Real Google sign-in next to the local issuer: the OAuth client id of this install. */
  google: z.object({ clientId: z.string().min(1) }).optional(),
  /** The local OpenID Connect issuer's port: its URL is in the tokens the nodes trust. */
  oidcIssuerPort: z.number().int().optional(),
  /** The wallet provider's port (dapps, tools and the companion extension use it): kept across restarts. */
  providerPort: z.number().int().min(1).max(65535).optional(),
  /** Cheat methods (anvil_*, evm_*, eth_sendTransaction…) open to dapp tools on the chain RPC; off unless turned on in Settings. */
  chainCheats: z.boolean().optional(),
  /**
   * `up --lit-local`, fixed at the first start: the chain RPC on 127.0.0.1:8545 with no secret
   * and the contracts at the addresses Lit's nagaLocal knows (app/host/chain/naga-local.ts).
   */
  litLocal: z.boolean().optional(),
  /** Set by genesis on the first start; later starts check the chain still has them. */
  contracts: ContractAddresses.optional(),
  createdAt: z.string(),
});
export type NetworkConfig = z.infer<typeof NetworkConfig>;

export function readNetworkConfig(file: string): NetworkConfig | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = NetworkConfig.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is damaged: ${parsed.error.message}`);
  return parsed.data;
}

export function writeNetworkConfig(file: string, config: NetworkConfig): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2));
  fs.renameSync(tmp, file);
}

/**
 * Loads the network of a data directory, or makes a new one. A node count that differs
 * from the recorded one is refused: the keys are shared among exactly that many nodes.
 */
export async function loadOrCreateNetworkConfig(
  file: string,
  requestedNodeCount: number | undefined,
  defaultNodeCount: number,
  litLocal = false,
): Promise<{ config: NetworkConfig; created: boolean }> {
  const existing = readNetworkConfig(file);
  if (existing) {
    if (litLocal && !existing.litLocal)
      throw new Error(
        'this data directory holds a network made without --lit-local (its contracts are not at nagaLocal’s addresses); use a new --data-dir for --lit-local',
      );
    if (requestedNodeCount !== undefined && requestedNodeCount !== existing.nodeCount) {
      throw new Error(
        `this data directory holds a ${existing.nodeCount}-node network; start it with --nodes ${existing.nodeCount} or use another --data-dir`,
      );
    }
    return { config: existing, created: false };
  }
  const nodeCount = requestedNodeCount ?? defaultNodeCount;
  const nodePorts: number[] = [];
  while (nodePorts.length < nodeCount) {
    const port = await findFreePort();
    if (!nodePorts.includes(port)) nodePorts.push(port);
  }
  const config: NetworkConfig = {
    version: 1,
    chainId: DEFAULT_CHAIN_ID,
    nodeCount,
    nodePorts,
    ...(litLocal ? { litLocal: true } : {}),
    createdAt: new Date().toISOString(),
  };
  return { config, created: true };
}

/** Node ports that another program took since the last start are replaced. */
export async function reclaimNodePorts(config: NetworkConfig): Promise<boolean> {
  let changed = false;
  for (let i = 0; i < config.nodePorts.length; i++) {
    const port = config.nodePorts[i]!;
    if (!(await isPortFree(port))) {
      let fresh = await findFreePort();
      while (config.nodePorts.includes(fresh)) fresh = await findFreePort();
      config.nodePorts[i] = fresh;
      changed = true;
    }
  }
  return changed;
}
