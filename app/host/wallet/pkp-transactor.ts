import { ethers, Transaction, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import { explainContractError } from '../../shared/contracts/index.ts';
import type { LitClient, PkpSignRequest } from '../lit-client/lit-client.ts';

/** What proves the right to sign with a PKP: an auth sig, auth methods, or both. */
export type PkpAuth = Omit<PkpSignRequest, 'publicKey' | 'toSign'>;

/**
 * Transactions sent FROM a PKP's own address: filled in (chain id, nonce, EIP-1559 fees, gas),
 * signed by the network through the Lit client, broadcast, and their receipt read. This is how
 * a PKP that owns itself changes its own permissions, and how a PKP sends ETH.
 */
export class PkpTransactor {
  private readonly provider: JsonRpcProvider;
  private readonly lit: LitClient;
  private readonly chainId: number;

  constructor(provider: JsonRpcProvider, lit: LitClient, chainId: number) {
    this.provider = provider;
    this.lit = lit;
    this.chainId = chainId;
  }

  async send(
    what: string,
    from: { publicKey: string },
    tx: { to: string; data?: string; value?: bigint },
    auth: PkpAuth,
  ): Promise<TransactionReceipt> {
    const address = ethers.computeAddress(from.publicKey);
    try {
      const [nonce, block] = await Promise.all([
        this.provider.getTransactionCount(address, 'pending'),
        this.provider.getBlock('latest'),
      ]);
      const request = { from: address, to: tx.to, data: tx.data ?? '0x', value: tx.value ?? 0n };
      // Estimating also runs the call: a revert shows here, with its reason, before signing.
      const gasLimit = ((await this.provider.estimateGas(request)) * 12n) / 10n;
      const base = block?.baseFeePerGas ?? 1_000_000_000n;
      const unsigned = Transaction.from({
        type: 2,
        chainId: this.chainId,
        nonce,
        to: tx.to,
        data: request.data,
        value: request.value,
        gasLimit,
        maxPriorityFeePerGas: 1n,
        maxFeePerGas: base * 2n + 1n,
      });
      const receipt = await this.signAndBroadcast(from.publicKey, unsigned, auth, what);
      if (!receipt || receipt.status !== 1) throw new Error(`${what}: the transaction ${unsigned.hash} reverted`);
      return receipt;
    } catch (err) {
      throw explainContractError(err, what);
    }
  }

  /**
   * Signs a filled-in transaction with the PKP through the network, broadcasts it and waits
   * (30 s) for its receipt: null when it was not mined in time. A refused broadcast is explained
   * as a contract error (`what` failed: …); a refused signature is thrown as the Lit client threw it.
   */
  async signAndBroadcast(
    publicKey: string,
    unsigned: Transaction,
    auth: PkpAuth,
    what: string,
  ): Promise<TransactionReceipt | null> {
    const sig = await this.lit.pkpSign({ publicKey, toSign: unsigned.unsignedHash, ...auth });
    unsigned.signature = ethers.Signature.from(sig.signature);
    try {
      const hash = (await this.provider.send('eth_sendRawTransaction', [unsigned.serialized])) as string;
      return await this.provider.waitForTransaction(hash, 1, 30_000);
    } catch (err) {
      throw explainContractError(err, what);
    }
  }
}
