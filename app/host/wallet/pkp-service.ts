import { ethers, type TransactionReceipt } from 'ethers';
import type { Pkp } from '../../shared/api/contract.ts';
import { cidToMultihashBytes } from '../../shared/cid/index.ts';
import {
  ContractCallError,
  findEvents,
  KEY_TYPE,
  type ContractAddresses,
  type LitboxContracts,
} from '../../shared/contracts/index.ts';
import type { SandboxTransactor } from './sandbox-transactor.ts';

/** PKPNFT's revert string when no routed key is left to mint. */
const KEY_POOL_EMPTY = 'There are no unminted routed token ids to mint';

/** Minting and listing the wallet's PKPs on the sandbox chain. */
export class PkpService {
  private readonly contracts: LitboxContracts;
  private readonly addresses: ContractAddresses;
  private readonly transactor: SandboxTransactor;
  private mintCost: bigint | undefined;

  constructor(contracts: LitboxContracts, addresses: ContractAddresses, transactor: SandboxTransactor) {
    this.contracts = contracts;
    this.addresses = addresses;
    this.transactor = transactor;
  }

  /**
   * mintNext through the wallet account: one transaction, a key from the nodes' pool. When
   * the pool is empty (minting faster than DKG refills it) it waits for the next key rather
   * than failing, up to `waitMs`.
   */
  async mint(waitMs = 30_000): Promise<Pkp & { transactionHash: string; receipt: TransactionReceipt }> {
    const data = this.contracts.PKPNFT.interface.encodeFunctionData('mintNext', [KEY_TYPE.ECDSA]);
    const receipt = await this.sendMint('mintNext', data, waitMs);
    const [minted] = findEvents(receipt.logs, this.addresses, 'PKPNFT', 'PKPMinted');
    if (!minted) throw new Error(`mintNext in ${receipt.hash} emitted no PKPMinted event`);
    return { ...describe(minted.tokenId, minted.pubkey), transactionHash: receipt.hash, receipt };
  }

  /**
   * Mint/Grant/Burn: one transaction mints a PKP, permits exactly one action (SignAnything)
   * and burns the NFT, so that action is all that can ever sign with it.
   */
  async mintGrantAndBurn(ipfsId: string): Promise<Pkp & { transactionHash: string }> {
    const data = this.contracts.PKPNFT.interface.encodeFunctionData('mintGrantAndBurnNext', [
      KEY_TYPE.ECDSA,
      cidToMultihashBytes(ipfsId),
    ]);
    const receipt = await this.sendMint('mintGrantAndBurnNext', data, 30_000);
    const [minted] = findEvents(receipt.logs, this.addresses, 'PKPNFT', 'PKPMinted');
    if (!minted) throw new Error(`mintGrantAndBurnNext in ${receipt.hash} emitted no PKPMinted event`);
    return { ...describe(minted.tokenId, minted.pubkey), transactionHash: receipt.hash };
  }

  /**
   * Sends a mint at once. Asking the chain first whether the pool holds a key cost every mint a
   * round trip; now only a mint the contract refuses for an empty pool waits. That refusal
   * comes from the gas estimate, before anything is signed or sent, so the mint waits for the
   * nodes' next key and is sent again (until `waitMs` has passed); any other failure is its own.
   */
  private async sendMint(what: string, data: string, waitMs: number): Promise<TransactionReceipt> {
    this.mintCost ??= await this.contracts.PKPNFT.mintCost();
    const tx = { to: this.addresses.PKPNFT, data, value: this.mintCost };
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        return await this.transactor.send(what, tx);
      } catch (err) {
        const poolEmpty = err instanceof ContractCallError && err.reason === KEY_POOL_EMPTY;
        if (!poolEmpty || Date.now() >= deadline) throw err;
        await this.waitForKey(deadline - Date.now());
      }
    }
  }

  /** Permits an action (by CID) to sign with a PKP the wallet account owns. */
  async grantAction(publicKey: string, ipfsId: string, scope: number): Promise<string> {
    const tokenId = BigInt(ethers.keccak256(publicKey));
    const data = this.contracts.PKPPermissions.interface.encodeFunctionData('addPermittedAction', [
      tokenId,
      cidToMultihashBytes(ipfsId),
      [scope],
    ]);
    const receipt = await this.transactor.send('addPermittedAction', { to: this.addresses.PKPPermissions, data });
    return receipt.hash;
  }

  /** Burns a PKP the wallet account owns: its permissions can never change again. */
  async burn(publicKey: string): Promise<string> {
    const tokenId = BigInt(ethers.keccak256(publicKey));
    const data = this.contracts.PKPNFT.interface.encodeFunctionData('burn', [tokenId]);
    const receipt = await this.transactor.send('burn', { to: this.addresses.PKPNFT, data });
    return receipt.hash;
  }

  private unmintedKeys(): Promise<bigint> {
    return this.contracts.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA);
  }

  private async waitForKey(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    while ((await this.unmintedKeys()) === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  /** PKPs that permit an auth method (a signed-in account, say), whoever owns them. */
  async listForAuthMethod(authMethodType: number, id: string): Promise<Pkp[]> {
    const ids = await this.contracts.PKPPermissions.getTokenIdsForAuthMethod(authMethodType, id);
    return Promise.all(ids.map(async (tokenId) => describe(tokenId, await this.contracts.PKPNFT.getPubkey(tokenId))));
  }

  /** "wallet", "self", "burned" or the owner's address, for showing who controls a PKP. */
  async ownerLabel(pkp: Pkp, wallet: string): Promise<string> {
    const owner = await this.contracts.PKPNFT.ownerOf(pkp.tokenId).then(
      (o) => o,
      () => ethers.ZeroAddress,
    );
    if (owner === ethers.ZeroAddress) return 'burned';
    if (owner === pkp.ethAddress) return 'self';
    if (owner === wallet) return 'wallet';
    return owner;
  }

  /** PKPs the wallet account owns (PKPNFT is enumerable). */
  async listOwnedBy(owner: string): Promise<Pkp[]> {
    const count = Number(await this.contracts.PKPNFT.balanceOf(owner));
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) => this.contracts.PKPNFT.tokenOfOwnerByIndex(owner, i)),
    );
    return Promise.all(ids.map(async (id) => describe(id, await this.contracts.PKPNFT.getPubkey(id))));
  }
}

function describe(tokenId: bigint, pubkey: string): Pkp {
  return { tokenId: tokenId.toString(), publicKey: pubkey, ethAddress: ethers.computeAddress(pubkey) };
}
