import { NonceManager, type Wallet } from 'ethers';
import {
  connectContracts,
  localChainProvider,
  type ContractAddresses,
  type LitboxContracts,
} from '../../shared/contracts/index.ts';
import { ipcChainProvider, watchNewHeads } from '../../shared/contracts/ipc-provider.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';

/**
 * The node's view of the chain: contract handles for reads, and its own account (the
 * registered chain key) for the transactions it sends, one at a time with a managed nonce.
 */
export class NodeChain {
  readonly contracts: LitboxContracts;
  readonly addresses: ContractAddresses;
  private readonly chainKey: () => Wallet;
  private signer: NonceManager | undefined;
  private writer: LitboxContracts | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private blockNumber = 0;
  private blockPoll: NodeJS.Timeout | undefined;
  private headWatch: { close(): void } | undefined;
  private closed = false;
  private readonly readIpcPath: string | undefined;
  readonly provider: ReturnType<typeof localChainProvider>;

  private readonly writeProvider: ReturnType<typeof localChainProvider>;

  /**
   * Transactions go to `rpcUrl` (the host's journaling gateway, its secret in the path); reads
   * to anvil's IPC socket `readIpcPath` when given: they are most of the traffic, change
   * nothing, and so keep off the host's event loop. `chainKey` gives the node's signer; it is
   * asked for at the first transaction (most starts send none).
   */
  constructor(
    rpcUrl: string,
    chainId: number,
    addresses: ContractAddresses,
    chainKey: () => Wallet,
    readIpcPath?: string,
  ) {
    this.writeProvider = localChainProvider(rpcUrl, chainId);
    this.provider = readIpcPath ? ipcChainProvider(readIpcPath, chainId) : this.writeProvider;
    this.readIpcPath = readIpcPath;
    this.addresses = addresses;
    this.contracts = connectContracts(addresses, this.provider);
    this.chainKey = chainKey;
  }

  private writing(): { signer: NonceManager; writer: LitboxContracts } {
    if (!this.signer || !this.writer) {
      this.signer = new NonceManager(this.chainKey().connect(this.writeProvider));
      this.writer = connectContracts(this.addresses, this.signer);
    }
    return { signer: this.signer, writer: this.writer };
  }

  /** Runs transactions of this node strictly one after another (nonces stay in order). */
  send<T>(work: (writer: LitboxContracts) => Promise<T>): Promise<T> {
    const next = this.queue.then(
      () => work(this.writing().writer),
      () => work(this.writing().writer),
    );
    this.queue = next.catch(() => {
      // A failed transaction may have left the nonce manager ahead of the chain.
      this.signer?.reset();
    });
    return next;
  }

  /** The latest block number, refreshed in the background; keys the permission cache. */
  get latestBlock(): number {
    return this.blockNumber;
  }

  /**
   * Keeps latestBlock current. Over anvil's IPC socket, anvil pushes each new block: polling
   * every 200 ms cost the seven nodes of an idle network a quarter of their CPU. Without IPC,
   * or once the subscription is lost, the block number is polled every `pollMs` instead.
   */
  async startBlockWatch(pollMs = 200): Promise<void> {
    const poll = () => {
      if (this.closed || this.blockPoll) return;
      this.blockPoll = setInterval(() => {
        this.provider.getBlockNumber().then(
          (n) => (this.blockNumber = n),
          () => undefined,
        );
      }, pollMs);
    };
    if (this.readIpcPath)
      this.headWatch = watchNewHeads(
        this.readIpcPath,
        (n) => (this.blockNumber = n),
        () => {
          this.headWatch = undefined;
          poll();
        },
      );
    else poll();
    // Read after the subscription is asked for, so that no block mined in between goes unseen;
    // a block it reported meanwhile is the newer of the two.
    this.blockNumber = Math.max(this.blockNumber, await this.provider.getBlockNumber());
  }

  /** The registered nodes, read from Staking: the only source of who the peers are. */
  async loadPeers(): Promise<PeerInfo[]> {
    const nodes = await this.contracts.Staking.getNodes();
    return nodes.map((n, i) => ({
      index: i + 1,
      address: n.nodeAddress,
      endpoint: n.endpoint,
      signingKey: Buffer.from(n.signingKey.slice(2), 'hex'),
      encryptionKey: Buffer.from(n.encryptionKey.slice(2), 'hex'),
    }));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.blockPoll);
    this.headWatch?.close();
    this.provider.destroy();
    if (this.writeProvider !== this.provider) this.writeProvider.destroy();
  }
}
