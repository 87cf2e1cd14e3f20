import {
  AbstractSigner,
  ethers,
  resolveAddress,
  Transaction,
  TypedDataEncoder,
  type JsonRpcProvider,
  type TransactionLike,
  type TransactionReceipt,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';
import { explainContractError } from '../../shared/contracts/index.ts';
import type { LitClient, PkpSignRequest, PkpSignResult } from '../lit-client/lit-client.ts';
import { fillSandboxTransaction } from './sandbox-fees.ts';
import { unsignedTransaction } from './transaction-preview.ts';

/** What proves the right to sign with a PKP: an auth sig, auth methods, or both. */
export type PkpAuth = Omit<PkpSignRequest, 'publicKey' | 'toSign'>;

/** What every PKP signer of one host shares: the network that signs and the sandbox chain. */
export interface PkpNetwork {
  lit: LitClient;
  chainId: number;
  provider: JsonRpcProvider;
}

/**
 * One PKP as an ethers Signer, as Lit's PKPEthersWallet is one: every PKP signature the host
 * makes (a digest, an EIP-191 message, EIP-712 typed data, a transaction for any chain) goes
 * through here, to the network, under the auth given. Sandbox transactions get their nonce,
 * gas and fees from the one sandbox filler (sandbox-fees.ts).
 */
export class PkpSigner extends AbstractSigner<JsonRpcProvider> {
  readonly publicKey: string;
  readonly address: string;
  private readonly network: PkpNetwork;
  private readonly auth: PkpAuth;

  constructor(network: PkpNetwork, publicKey: string, auth: PkpAuth) {
    super(network.provider);
    this.network = network;
    this.publicKey = publicKey;
    this.address = ethers.computeAddress(publicKey);
    this.auth = auth;
  }

  getAddress(): Promise<string> {
    return Promise.resolve(this.address);
  }

  /** The same PKP and auth over another provider (of the same sandbox chain). */
  connect(provider: JsonRpcProvider): PkpSigner {
    return new PkpSigner({ ...this.network, provider }, this.publicKey, this.auth);
  }

  /** The network's signature over a 32-byte digest, as the Lit client returns it. */
  signDigest(digest: string): Promise<PkpSignResult> {
    return this.network.lit.pkpSign({ publicKey: this.publicKey, toSign: digest, ...this.auth });
  }

  async signMessage(message: string | Uint8Array): Promise<string> {
    return (await this.signDigest(ethers.hashMessage(message))).signature;
  }

  async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    const withoutDomain = { ...types };
    delete withoutDomain.EIP712Domain; // ethers derives the domain type itself
    return (await this.signDigest(TypedDataEncoder.hash(domain, withoutDomain, value))).signature;
  }

  /** Signs a filled-in transaction for any chain; returns it serialized (nothing is sent). */
  async signTransaction(tx: TransactionRequest): Promise<string> {
    return (await this.signed(await this.transactionOf(tx))).serialized;
  }

  /** Nonce, gas and fees from the sandbox filler, for what `sendTransaction` sends. */
  override async populateTransaction(tx: TransactionRequest): Promise<TransactionLike<string>> {
    const to = tx.to ? await resolveAddress(tx.to, this.provider) : undefined;
    if (!to) throw new Error('a PKP transaction needs a recipient');
    const fields = await fillSandboxTransaction(
      this.provider,
      this.network.chainId,
      { from: this.address, to, value: BigInt(tx.value ?? 0n), data: ethers.hexlify(tx.data ?? '0x') },
      { nonce: tx.nonce ?? undefined },
    );
    return { ...fields, type: 2, from: this.address };
  }

  /**
   * Fills in `tx` on the sandbox chain, signs it, sends it and waits for it to be mined. `what`
   * names it in errors: a revert is explained with its reason, before anything is signed when
   * it can be.
   */
  async sendAndWait(what: string, tx: { to: string; data?: string; value?: bigint }): Promise<TransactionReceipt> {
    try {
      const fields = await fillSandboxTransaction(this.provider, this.network.chainId, {
        from: this.address,
        to: tx.to,
        value: tx.value ?? 0n,
        data: tx.data ?? '0x',
      });
      const unsigned = unsignedTransaction(fields);
      const receipt = await this.broadcast(unsigned, what);
      if (!receipt || receipt.status !== 1) throw new Error(`${what}: the transaction ${unsigned.hash} reverted`);
      return receipt;
    } catch (err) {
      throw explainContractError(err, what);
    }
  }

  /**
   * Signs an unsigned sandbox transaction exactly as it is, broadcasts it and waits (30 s) for
   * its receipt: null when it was not mined in time. A refused broadcast is explained as a
   * contract error (`what` failed: …); a refused signature is thrown as the Lit client threw it.
   */
  async broadcast(unsigned: Transaction, what: string): Promise<TransactionReceipt | null> {
    const signed = await this.signed(unsigned);
    try {
      // Raw and at once: anvil mines on arrival, and ethers' broadcastTransaction asks for the block number first.
      const hash = (await this.provider.send('eth_sendRawTransaction', [signed.serialized])) as string;
      return await this.provider.waitForTransaction(hash, 1, 30_000);
    } catch (err) {
      throw explainContractError(err, what);
    }
  }

  private async signed(unsigned: Transaction): Promise<Transaction> {
    const signature = await this.signDigest(unsigned.unsignedHash);
    unsigned.signature = ethers.Signature.from(signature.signature);
    return unsigned;
  }

  private async transactionOf(tx: TransactionRequest | Transaction): Promise<Transaction> {
    // ethers' own sendTransaction hands over a Transaction, whose fields are not own properties.
    if (tx instanceof Transaction) {
      const copy = tx.clone();
      copy.signature = null; // signed anew by this PKP
      return copy;
    }
    const from = tx.from ? await resolveAddress(tx.from, this.provider) : undefined;
    if (from && ethers.getAddress(from) !== this.address)
      throw new Error(`the transaction is from ${from}, not this PKP's address ${this.address}`);
    const to = tx.to ? await resolveAddress(tx.to, this.provider) : null;
    const like: TransactionLike<string> = { ...(tx as TransactionLike<string>), to };
    delete like.from;
    return Transaction.from(like);
  }
}
