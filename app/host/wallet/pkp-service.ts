import { ethers, type TransactionReceipt } from 'ethers';
import type { Pkp } from '../../shared/api/contract.ts';
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
    const deadline = Date.now() + waitMs;
    while ((await this.contracts.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA)) === 0n && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const data = this.contracts.PKPNFT.interface.encodeFunctionData('mintNext', [KEY_TYPE.ECDSA]);
    const receipt = await this.transactor.send('mintNext', { to: this.addresses.PKPNFT, data, value: this.mintCost });
    const [minted] = findEvents(receipt.logs, this.addresses, 'PKPNFT', 'PKPMinted');
    if (!minted) throw new Error(`mintNext in ${receipt.hash} emitted no PKPMinted event`);
    return { ...describe(minted.tokenId, minted.pubkey), transactionHash: receipt.hash, receipt };
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
