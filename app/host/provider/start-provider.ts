import { ethers } from 'ethers';
import type { SignAs } from '../../shared/api/contract.ts';
import { DEFAULT_PROVIDER_PORT } from '../../shared/provider/provider-wire.ts';
import type { PkpAuth } from '../wallet/pkp-signer.ts';
import type { WalletServices } from '../wallet-services.ts';
import { ApprovalQueue } from './approval-queue.ts';
import { ChainSubscriptions } from './chain-subscriptions.ts';
import { ProviderConnections } from './provider-connections.ts';
import { ProviderServer } from './provider-server.ts';
import { WalletProvider } from './wallet-provider.ts';

export interface ProviderOptions {
  /** The port to use; from network.json, or `up --provider-port`. Undefined: the default, or a free one. */
  port: number | undefined;
  /** `up --approve-all-from NAME`. */
  approveAllFrom?: string | null;
  /** How long a request waits for the person (default 5 minutes). */
  approvalTimeoutMs?: number;
  rate?: { perSecond: number; burst: number };
}

export interface RunningProvider {
  provider: WalletProvider;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the wallet provider endpoint on the wallet's services (after the network is up). */
export async function startWalletProvider(
  wallet: WalletServices,
  options: ProviderOptions & {
    chainId: number;
    dbFile: string;
    authFor: (as: SignAs | undefined) => Promise<PkpAuth>;
    onSigned?: () => void;
    onWarning?: (message: string) => void;
  },
): Promise<RunningProvider> {
  const connections = new ProviderConnections(options.dbFile);
  const queue = new ApprovalQueue(options.approvalTimeoutMs ?? 5 * 60_000);
  const provider = new WalletProvider({
    chainId: options.chainId,
    chain: wallet.provider,
    pkpWallet: wallet.pkpWallet,
    activity: wallet.activity,
    connections,
    queue,
    authFor: options.authFor,
    walletPkps: async () =>
      (await wallet.pkps.listOwnedBy(wallet.account.address)).map((p) => ({
        address: ethers.getAddress(p.ethAddress),
        publicKey: p.publicKey,
      })),
    approveAllFrom: options.approveAllFrom ?? null,
    onSigned: options.onSigned,
    rate: options.rate,
  });
  const server = new ProviderServer(provider, new ChainSubscriptions(wallet.provider));
  let port: number;
  try {
    port = await server.listen(options.port ?? DEFAULT_PROVIDER_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // Another program has the port: serve on a free one and say so (the extension must be told).
    port = await server.listen(0);
    options.onWarning?.(
      `the wallet provider's port ${options.port ?? DEFAULT_PROVIDER_PORT} is in use; it listens on ${port} for now`,
    );
  }
  provider.url = server.url;
  return {
    provider,
    url: server.url,
    port,
    close: async () => {
      queue.close();
      await server.close();
      connections.close();
    },
  };
}
