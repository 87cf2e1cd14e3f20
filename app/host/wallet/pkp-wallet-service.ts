import { ethers, Transaction, TypedDataEncoder, type JsonRpcProvider, type TypedDataField } from 'ethers';
import type { PreparedTransaction } from '../../shared/api/contract.ts';
import { explainContractError, type ContractAddresses } from '../../shared/contracts/index.ts';
import type { PkpAuth, PkpSigner } from './pkp-signer.ts';
import { fillSandboxTransaction, SANDBOX_PRIORITY_FEE } from './sandbox-fees.ts';
import {
  decodeCall,
  describeTransaction,
  toPrepared,
  unsignedTransaction,
  type TransactionFields,
} from './transaction-preview.ts';

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

/** A transaction as a person fills it in; whatever is left out the wallet fills. */
export interface TransactionRequest {
  to: string;
  valueEth: string;
  data?: string;
}

/** Fields of a transaction for another chain: nothing there can be read, so they come from the person. */
export interface ForeignTransactionRequest extends TransactionRequest {
  chainId: number;
  nonce: number;
  gasLimit?: number;
  maxFeePerGasGwei?: string;
}

const DEFAULT_FOREIGN_MAX_FEE_GWEI = '30';

/**
 * A PKP used as an Ethereum account: preview and send transactions on the sandbox chain, sign
 * EIP-191 messages and EIP-712 typed data, or sign a transaction for another chain without
 * sending it. Every transaction is built once, shown as label/value rows, and signed exactly so.
 */
export class PkpWalletService {
  private readonly provider: JsonRpcProvider;
  private readonly chainId: number;
  private readonly contracts: ContractAddresses | null;
  private readonly signer: (publicKey: string, auth: PkpAuth) => PkpSigner;

  constructor(
    provider: JsonRpcProvider,
    options: {
      chainId: number;
      contracts: ContractAddresses | null;
      signer: (publicKey: string, auth: PkpAuth) => PkpSigner;
    },
  ) {
    this.provider = provider;
    this.chainId = options.chainId;
    this.contracts = options.contracts;
    this.signer = options.signer;
  }

  /**
   * What a transaction will be, before anything is signed. Without a chain id it is a sandbox
   * transaction (nonce, gas and fees filled in from the chain, checked against the balance);
   * with one it is an export for that chain, built from the given fields.
   */
  async preview(publicKey: string, request: TransactionRequest & Partial<ForeignTransactionRequest>) {
    const from = ethers.computeAddress(publicKey);
    const broadcast = request.chainId === undefined;
    const fields = broadcast
      ? await this.fillSandboxTransaction(from, request)
      : foreignTransaction({ ...request, chainId: request.chainId!, nonce: request.nonce ?? 0 });
    const decoded = decodeCall(fields.to, fields.data, fields.value, this.contracts) ?? null;
    return {
      from,
      transaction: toPrepared(fields),
      broadcast,
      decoded,
      rows: describeTransaction({
        from,
        fields,
        broadcast,
        sandboxChainId: this.chainId,
        addresses: this.contracts,
        decoded: decoded ?? undefined,
      }),
    };
  }

  /**
   * Sends a transaction from the PKP on the sandbox chain and waits for it to be mined. With
   * `prepared` (from a preview) it signs exactly that nonce, gas and fee; otherwise it fills
   * them in. Refuses, before signing, a bad address or more than the PKP holds.
   */
  async send(
    publicKey: string,
    to: string,
    valueEth: string,
    auth: PkpAuth,
    options: {
      data?: string;
      prepared?: Pick<PreparedTransaction, 'nonce' | 'gasLimit' | 'maxFeePerGas' | 'maxPriorityFeePerGas'>;
    } = {},
  ) {
    const from = ethers.computeAddress(publicKey);
    const request = { to, valueEth, data: options.data };
    const p = options.prepared;
    const fields = p
      ? await this.checkAffordable(from, {
          ...parseRequest(request),
          chainId: this.chainId,
          nonce: p.nonce,
          gasLimit: BigInt(p.gasLimit),
          maxFeePerGas: BigInt(p.maxFeePerGas),
          maxPriorityFeePerGas: BigInt(p.maxPriorityFeePerGas),
        })
      : await this.fillSandboxTransaction(from, request);
    const unsigned = unsignedTransaction(fields);
    const receipt = await this.signer(publicKey, auth).broadcast(unsigned, 'send');
    if (!receipt) throw new Error(`the transaction ${unsigned.hash} was not mined within 30 s`);
    if (receipt.status !== 1) throw new Error(`the transaction ${receipt.hash} reverted`);
    return {
      transactionHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      blockHash: receipt.blockHash,
      from,
      to: fields.to,
      valueWei: fields.value.toString(),
      nonce: fields.nonce,
      gasUsed: receipt.gasUsed.toString(),
      effectiveGasPriceWei: receipt.gasPrice.toString(),
      status: 'success' as const,
    };
  }

  /** EIP-191 personal message (text, or bytes as dapps send them); verifies with ethers.verifyMessage. */
  async signMessage(publicKey: string, message: string | Uint8Array, auth: PkpAuth) {
    const signer = this.signer(publicKey, auth);
    return { signature: await signer.signMessage(message), address: signer.address };
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
    const signer = this.signer(publicKey, auth);
    return { signature: (await signer.signDigest(digest)).signature, address: signer.address, digest };
  }

  /** A transaction for another chain, signed by the PKP and returned raw (nothing is sent). */
  async signTransactionForChain(publicKey: string, tx: ForeignTransactionRequest, auth: PkpAuth) {
    const signed = Transaction.from(
      await this.signer(publicKey, auth).signTransaction(unsignedTransaction(foreignTransaction(tx))),
    );
    return { rawTransaction: signed.serialized, hash: signed.hash!, from: signed.from! };
  }

  /**
   * Nonce (pending), gas and EIP-1559 fees from the sandbox filler; estimating the gas runs the
   * call, so a revert shows here with its reason, before anything is signed.
   */
  private async fillSandboxTransaction(from: string, request: TransactionRequest): Promise<TransactionFields> {
    const { to, value, data } = parseRequest(request);
    // Read beside the nonce and the fees, not before them.
    const balance = this.provider.getBalance(from);
    balance.catch(() => undefined); // awaited below; a failure is thrown there
    let fields: TransactionFields;
    try {
      fields = await fillSandboxTransaction(
        this.provider,
        this.chainId,
        { from, to, value, data },
        {
          // First with the least gas any transaction needs, so an unaffordable one gets our message, not the node's.
          beforeEstimate: async (maxFeePerGas) =>
            refuseUnaffordable(await balance, value, 21_000n * maxFeePerGas, request.valueEth),
        },
      );
    } catch (err) {
      throw err instanceof WalletInputError ? err : explainContractError(err, 'the transaction');
    }
    refuseUnaffordable(await balance, value, fields.gasLimit * fields.maxFeePerGas, request.valueEth);
    return fields;
  }

  private async checkAffordable(from: string, fields: TransactionFields): Promise<TransactionFields> {
    const balance = await this.provider.getBalance(from);
    refuseUnaffordable(balance, fields.value, fields.gasLimit * fields.maxFeePerGas, ethers.formatEther(fields.value));
    return fields;
  }
}

/** Checks the address, the amount and the data a person typed. */
function parseRequest(request: TransactionRequest): { to: string; value: bigint; data: string } {
  if (!ethers.isAddress(request.to)) throw new WalletInputError('to', `"${request.to}" is not an Ethereum address`);
  let value: bigint;
  try {
    value = ethers.parseEther(request.valueEth);
  } catch {
    throw new WalletInputError('value', `"${request.valueEth}" is not an amount of ETH`);
  }
  if (value < 0n) throw new WalletInputError('value', 'the amount cannot be negative');
  const data = request.data ?? '0x';
  if (!ethers.isHexString(data) || data.length % 2 !== 0)
    throw new WalletInputError('data', 'the data must be hex bytes: 0x followed by pairs of hex digits');
  if (value === 0n && data === '0x') throw new WalletInputError('value', 'the amount must be more than 0');
  return { to: ethers.getAddress(request.to), value, data: data.toLowerCase() };
}

function refuseUnaffordable(balance: bigint, value: bigint, maxFee: bigint, valueEth: string): void {
  if (value + maxFee > balance)
    throw new WalletInputError(
      'value',
      `the PKP holds ${ethers.formatEther(balance)} ETH; it cannot send ${valueEth} ETH plus the fee (top it up with the faucet)`,
    );
}

/** A transaction for another chain, from the fields a person gave (a gas limit is needed with data). */
function foreignTransaction(tx: ForeignTransactionRequest): TransactionFields {
  if (!Number.isSafeInteger(tx.chainId) || tx.chainId <= 0)
    throw new WalletInputError('chainId', 'the chain id must be a positive whole number');
  if (!Number.isSafeInteger(tx.nonce) || tx.nonce < 0)
    throw new WalletInputError('nonce', 'the nonce must be a whole number, 0 or more');
  const { to, value, data } = parseRequest(tx);
  if (tx.gasLimit === undefined && data !== '0x')
    throw new WalletInputError('gasLimit', 'a transaction with data needs a gas limit');
  const gasLimit = BigInt(tx.gasLimit ?? 21_000);
  if (gasLimit < 21_000n) throw new WalletInputError('gasLimit', 'the gas limit must be at least 21000');
  let maxFeePerGas: bigint;
  try {
    maxFeePerGas = ethers.parseUnits(tx.maxFeePerGasGwei ?? DEFAULT_FOREIGN_MAX_FEE_GWEI, 'gwei');
  } catch {
    throw new WalletInputError('maxFeePerGasGwei', `"${tx.maxFeePerGasGwei}" is not an amount of gwei`);
  }
  if (maxFeePerGas <= 0n) throw new WalletInputError('maxFeePerGasGwei', 'the max fee per gas must be more than 0');
  return {
    chainId: tx.chainId,
    nonce: tx.nonce,
    to,
    value,
    data,
    gasLimit,
    maxFeePerGas,
    maxPriorityFeePerGas: maxFeePerGas < SANDBOX_PRIORITY_FEE ? maxFeePerGas : SANDBOX_PRIORITY_FEE,
  };
}
