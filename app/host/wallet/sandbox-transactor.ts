import type { JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { explainContractError } from '../../shared/contracts/index.ts';
import { fillSandboxTransaction } from './sandbox-fees.ts';

/** A transaction of the wallet's own account; the nonce, gas and fees are filled in. */
export interface SandboxSend {
  to: string;
  data?: string;
  value?: bigint;
}

/**
 * Sends one account's transactions on the sandbox chain the fast way: the nonce is kept
 * here, the transaction is signed locally and sent raw, and since anvil mines it at once the
 * receipt is read right after (no polling). Transactions of the account run one at a time.
 */
export class SandboxTransactor {
  private readonly wallet: Wallet;
  private readonly provider: JsonRpcProvider;
  private readonly chainId: number;
  private nonce: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(wallet: Wallet, provider: JsonRpcProvider, chainId: number) {
    this.wallet = wallet;
    this.provider = provider;
    this.chainId = chainId;
  }

  get address(): string {
    return this.wallet.address;
  }

  /** Sends `tx` and returns its receipt; a revert becomes a clear error naming `what`. */
  send(what: string, tx: SandboxSend): Promise<TransactionReceipt> {
    const run = this.queue.then(() => this.sendNow(what, tx));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sendNow(what: string, tx: SandboxSend): Promise<TransactionReceipt> {
    try {
      this.nonce ??= await this.provider.getTransactionCount(this.wallet.address, 'pending');
      const fields = await fillSandboxTransaction(
        this.provider,
        this.chainId,
        {
          from: this.wallet.address,
          to: tx.to,
          value: tx.value ?? 0n,
          data: tx.data ?? '0x',
        },
        { nonce: this.nonce },
      );
      const raw = await this.wallet.signTransaction({ ...fields, type: 2 });
      const hash = await this.provider.send('eth_sendRawTransaction', [raw]);
      this.nonce++;
      const receipt = await this.receiptOf(hash as string);
      if (receipt.status !== 1) throw new Error(`${what}: the transaction ${hash} reverted`);
      return receipt;
    } catch (err) {
      // The chain's nonce is the truth after any failure.
      this.nonce = undefined;
      throw explainContractError(err, what);
    }
  }

  private async receiptOf(hash: string): Promise<TransactionReceipt> {
    for (let i = 0; i < 200; i++) {
      const receipt = await this.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      await new Promise((r) => setTimeout(r, i < 10 ? 2 : 25));
    }
    throw new Error(`the transaction ${hash} was not mined`);
  }
}
