import { ethers, type JsonRpcProvider } from 'ethers';

/** One transaction that moved ETH or called a contract, from or to an address, as the chain has it. */
export interface ChainTransfer {
  transactionHash: string;
  blockNumber: number;
  /** Block time, ms since 1970. */
  at: number;
  from: string;
  to: string | null;
  valueWei: string;
  /** The first 4 bytes of call data, when there was any. */
  selector: string | null;
  status: 'success' | 'reverted';
}

/** How many blocks one refresh reads at a time (anvil answers each in well under a millisecond). */
const BATCH = 50;

/**
 * The sandbox chain's transactions by address, for a per-account history with incoming ETH.
 * The chain has no index for that (no explorer here), so this reads each new block once and
 * keeps what it found: a refresh reads only the blocks mined since the last one. The sandbox
 * chain is small (one block per transaction), so the first read is short too.
 */
export class AddressHistory {
  private readonly provider: JsonRpcProvider;
  private readonly byAddress = new Map<string, ChainTransfer[]>();
  private nextBlock = 0;
  private reading: Promise<void> | undefined;

  constructor(provider: JsonRpcProvider) {
    this.provider = provider;
  }

  async of(address: string): Promise<ChainTransfer[]> {
    await this.catchUp();
    return [...(this.byAddress.get(address.toLowerCase()) ?? [])].reverse();
  }

  /** One reader at a time; callers that arrive while it reads wait for the same read. */
  private catchUp(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const head = await this.provider.getBlockNumber();
    while (this.nextBlock <= head) {
      const last = Math.min(head, this.nextBlock + BATCH - 1);
      const numbers = Array.from({ length: last - this.nextBlock + 1 }, (_, i) => this.nextBlock + i);
      const blocks = await Promise.all(numbers.map((n) => this.provider.getBlock(n, true)));
      for (const block of blocks) {
        if (!block) continue;
        for (const tx of block.prefetchedTransactions) {
          const receipt = await this.provider.getTransactionReceipt(tx.hash);
          const transfer: ChainTransfer = {
            transactionHash: tx.hash,
            blockNumber: block.number,
            at: block.timestamp * 1000,
            from: tx.from,
            to: tx.to,
            valueWei: tx.value.toString(),
            selector: ethers.dataLength(tx.data) >= 4 ? ethers.dataSlice(tx.data, 0, 4) : null,
            status: receipt?.status === 0 ? 'reverted' : 'success',
          };
          for (const party of new Set([tx.from.toLowerCase(), tx.to?.toLowerCase()])) {
            if (!party) continue;
            const list = this.byAddress.get(party) ?? [];
            list.push(transfer);
            this.byAddress.set(party, list);
          }
        }
      }
      this.nextBlock = last + 1;
    }
  }
}

/** A transaction with its receipt, for the detail view reachable from every hash. */
export async function transactionDetail(provider: JsonRpcProvider, hash: string) {
  const [tx, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
  if (!tx) return undefined;
  const block = tx.blockNumber !== null ? await provider.getBlock(tx.blockNumber) : null;
  return {
    hash: tx.hash,
    status: receipt ? (receipt.status === 0 ? ('reverted' as const) : ('success' as const)) : ('pending' as const),
    blockNumber: tx.blockNumber,
    at: block ? block.timestamp * 1000 : null,
    from: tx.from,
    to: tx.to,
    valueWei: tx.value.toString(),
    nonce: tx.nonce,
    data: tx.data,
    gasLimit: tx.gasLimit.toString(),
    gasUsed: receipt ? receipt.gasUsed.toString() : null,
    effectiveGasPriceWei: receipt ? receipt.gasPrice.toString() : null,
    maxFeePerGasWei: tx.maxFeePerGas?.toString() ?? null,
    chainId: Number(tx.chainId),
    logCount: receipt ? receipt.logs.length : 0,
  };
}
