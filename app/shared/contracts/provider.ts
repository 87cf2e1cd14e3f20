import { JsonRpcProvider, Network } from 'ethers';

/**
 * An ethers provider tuned for the embedded anvil chain. The defaults (network detection,
 * a 250 ms result cache, request batching, 4 s polling) make nonces collide and waits slow
 * on a chain that mines each transaction at once.
 */
export function localChainProvider(
  rpcUrl: string,
  chainId: number | bigint = 31337,
  pollingIntervalMs = 50,
): JsonRpcProvider {
  const provider = new JsonRpcProvider(rpcUrl, undefined, {
    staticNetwork: Network.from(chainId),
    cacheTimeout: -1,
    batchMaxCount: 1,
    pollingInterval: pollingIntervalMs,
  });
  provider.pollingInterval = pollingIntervalMs;
  return provider;
}
