import { ethers, type TransactionReceipt } from 'ethers';
import type { Pkp } from '../../shared/api/contract.ts';
import { cidToMultihashBytes } from '../../shared/cid/index.ts';
import { findEvents, KEY_TYPE, type ContractAddresses, type LitboxContracts } from '../../shared/contracts/index.ts';
import type { SandboxTransactor } from './sandbox-transactor.ts';

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
    this.mintCost ??= await this.contracts.PKPNFT.mintCost();
    await this.waitForKey(waitMs);
    const data = this.contracts.PKPNFT.interface.encodeFunctionData('mintNext', [KEY_TYPE.ECDSA]);
    const receipt = await this.transactor.send('mintNext', { to: this.addresses.PKPNFT, data, value: this.mintCost });
    const [minted] = findEvents(receipt.logs, this.addresses, 'PKPNFT', 'PKPMinted');
    if (!minted) throw new Error(`mintNext in ${receipt.hash} emitted no PKPMinted event`);
    return { ...describe(minted.tokenId, minted.pubkey), transactionHash: receipt.hash, receipt };
  }

  /**
   * Mint/Grant/Burn: one transaction mints a PKP, permits exactly one action (SignAnything)
   * and burns the NFT, so that action is all that can ever sign with it.
   */
  async mintGrantAndBurn(ipfsId: string): Promise<Pkp & { transactionHash: string }> {
    this.mintCost ??= await this.contracts.PKPNFT.mintCost();
    await this.waitForKey(30_000);
    const data = this.contracts.PKPNFT.interface.encodeFunctionData('mintGrantAndBurnNext', [
      KEY_TYPE.ECDSA,
      cidToMultihashBytes(ipfsId),
    ]);
    const receipt = await this.transactor.send('mintGrantAndBurnNext', {
      to: this.addresses.PKPNFT,
      data,
      value: this.mintCost,
    });
    const [minted] = findEvents(receipt.logs, this.addresses, 'PKPNFT', 'PKPMinted');
    if (!minted) throw new Error(`mintGrantAndBurnNext in ${receipt.hash} emitted no PKPMinted event`);
    return { ...describe(minted.tokenId, minted.pubkey), transactionHash: receipt.hash };
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

  private async waitForKey(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    while ((await this.contracts.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA)) === 0n && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
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
