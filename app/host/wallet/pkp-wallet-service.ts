import { ethers, Transaction, TypedDataEncoder, type JsonRpcProvider, type TypedDataField } from 'ethers';
import type { LitClient } from '../lit-client/lit-client.ts';
import type { PkpAuth, PkpTransactor } from './pkp-transactor.ts';

/** A person's mistake in a wallet request: shown next to the field, nothing is sent. */
export class WalletInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export interface TypedDataRequest {
  domain: ethers.TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType?: string;
  message: Record<string, unknown>;
}

/**
 * A PKP used as an Ethereum account: send ETH on the sandbox chain, sign EIP-191 messages and
 * EIP-712 typed data, or sign a transaction for another chain without sending it.
 */
export class PkpWalletService {
  private readonly provider: JsonRpcProvider;
  private readonly lit: LitClient;
  private readonly transactor: PkpTransactor;

  constructor(provider: JsonRpcProvider, lit: LitClient, transactor: PkpTransactor) {
    this.provider = provider;
    this.lit = lit;
    this.transactor = transactor;
  }

  /** Sends ETH from the PKP; refuses (before signing) a bad address or more than it holds. */
  async send(publicKey: string, to: string, valueEth: string, auth: PkpAuth) {
    if (!ethers.isAddress(to)) throw new WalletInputError('to', `"${to}" is not an Ethereum address`);
    let value: bigint;
    try {
      value = ethers.parseEther(valueEth);
    } catch {
      throw new WalletInputError('value', `"${valueEth}" is not an amount of ETH`);
    }
    if (value <= 0n) throw new WalletInputError('value', 'the amount must be more than 0');
    const from = ethers.computeAddress(publicKey);
    const balance = await this.provider.getBalance(from);
    // 21000 gas at the worst fee this sandbox asks, so the check holds with the fee included.
    const block = await this.provider.getBlock('latest');
    const fee = 21_000n * ((block?.baseFeePerGas ?? 1_000_000_000n) * 2n + 1n);
    if (value + fee > balance)
      throw new WalletInputError(
        'value',
        `the PKP holds ${ethers.formatEther(balance)} ETH; it cannot send ${valueEth} ETH plus the fee (top it up with the faucet)`,
      );
    const receipt = await this.transactor.send('send ETH', { publicKey }, { to: ethers.getAddress(to), value }, auth);
    return {
      transactionHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      from,
      to: ethers.getAddress(to),
      valueWei: value.toString(),
    };
  }

  /** EIP-191 personal message; verifies with ethers.verifyMessage. */
  async signMessage(publicKey: string, message: string, auth: PkpAuth) {
    const sig = await this.lit.pkpSign({ publicKey, toSign: ethers.hashMessage(message), ...auth });
    return { signature: sig.signature, address: ethers.computeAddress(publicKey) };
  }

  /** EIP-712 typed data; verifies with ethers.verifyTypedData. */
  async signTypedData(publicKey: string, data: TypedDataRequest, auth: PkpAuth) {
    const types = { ...data.types };
    delete types.EIP712Domain; // ethers derives the domain type itself
    let digest: string;
    try {
      digest = TypedDataEncoder.hash(data.domain, types, data.message);
    } catch (err) {
      throw new WalletInputError('typedData', `the typed data is not valid EIP-712: ${(err as Error).message}`);
    }
    const sig = await this.lit.pkpSign({ publicKey, toSign: digest, ...auth });
    return { signature: sig.signature, address: ethers.computeAddress(publicKey), digest };
  }

  /** A transaction for another chain, signed by the PKP and returned raw (nothing is sent). */
  async signTransactionForChain(
    publicKey: string,
    tx: {
      chainId: number;
      to: string;
      valueEth: string;
      nonce: number;
      gasLimit?: number;
      maxFeePerGasGwei?: string;
      data?: string;
    },
    auth: PkpAuth,
  ) {
    if (!Number.isSafeInteger(tx.chainId) || tx.chainId <= 0)
      throw new WalletInputError('chainId', 'the chain id must be a positive whole number');
    if (!ethers.isAddress(tx.to)) throw new WalletInputError('to', `"${tx.to}" is not an Ethereum address`);
    const unsigned = Transaction.from({
      type: 2,
      chainId: tx.chainId,
      nonce: tx.nonce,
      to: ethers.getAddress(tx.to),
      value: ethers.parseEther(tx.valueEth),
      data: tx.data ?? '0x',
      gasLimit: BigInt(tx.gasLimit ?? 21_000),
      maxFeePerGas: ethers.parseUnits(tx.maxFeePerGasGwei ?? '30', 'gwei'),
      maxPriorityFeePerGas: ethers.parseUnits('1', 'gwei'),
    });
    const sig = await this.lit.pkpSign({ publicKey, toSign: unsigned.unsignedHash, ...auth });
    unsigned.signature = ethers.Signature.from(sig.signature);
    return { rawTransaction: unsigned.serialized, hash: unsigned.hash!, from: unsigned.from! };
  }
}
