import { ethers, type TransactionReceipt } from 'ethers';
import {
  actionIdFromCid,
  findEvents,
  KEY_TYPE,
  tokenIdFromPubkey,
  type ContractAddresses,
  type LitboxContracts,
} from '../../shared/contracts/index.ts';
import type { Pkp } from '../../shared/api/contract.ts';
import type { PkpAuth, PkpSigner } from './pkp-signer.ts';
import type { SandboxTransactor } from './sandbox-transactor.ts';

/** An auth method as PKPPermissions keeps it, with the scopes to grant. */
export interface AuthMethodGrant {
  authMethodType: number;
  /** The auth method id bytes (0x hex): e.g. keccak256("<sub>:<aud>") for GoogleJwt. */
  id: string;
  /** WebAuthn: the COSE public key; others: 0x. */
  userPubkey: string;
  scopes: number[];
}

/** A change of who may sign with a PKP. */
export type PermissionChange =
  | { kind: 'addAuthMethod'; method: AuthMethodGrant }
  | { kind: 'removeAuthMethod'; authMethodType: number; id: string }
  | { kind: 'addAddress'; address: string; scopes: number[] }
  | { kind: 'removeAddress'; address: string }
  | { kind: 'addAction'; ipfsId: string; scopes: number[] }
  | { kind: 'removeAction'; ipfsId: string };

/**
 * Minting PKPs with auth methods (PKPHelper) and changing their permissions. A change is a
 * transaction from the PKP's owner: the wallet account for a PKP it owns, or the PKP itself
 * (signed by the network, authorised by one of its auth methods) for a PKP that owns itself.
 */
export class PkpPermissionsService {
  private readonly contracts: LitboxContracts;
  private readonly addresses: ContractAddresses;
  private readonly wallet: SandboxTransactor;
  private readonly pkpSigner: (publicKey: string, auth: PkpAuth) => PkpSigner;
  private readonly fund: (address: string) => Promise<void>;

  constructor(options: {
    contracts: LitboxContracts;
    addresses: ContractAddresses;
    wallet: SandboxTransactor;
    /** The PKP as a signer, for a PKP that owns itself. */
    pkpSigner: (publicKey: string, auth: PkpAuth) => PkpSigner;
    /** Tops up an address on the sandbox chain (the faucet), so a PKP can pay its gas. */
    fund: (address: string) => Promise<void>;
  }) {
    this.contracts = options.contracts;
    this.addresses = options.addresses;
    this.wallet = options.wallet;
    this.pkpSigner = options.pkpSigner;
    this.fund = options.fund;
  }

  /** mintNextAndAddAuthMethods through PKPHelper, optionally sending the PKP to itself. */
  async mintWithAuthMethods(
    methods: readonly AuthMethodGrant[],
    options: { addPkpEthAddressAsPermittedAddress: boolean; sendPkpToItself: boolean },
  ): Promise<Pkp & { transactionHash: string }> {
    const mintCost = await this.contracts.PKPNFT.mintCost();
    const data = this.contracts.PKPHelper.interface.encodeFunctionData('mintNextAndAddAuthMethods', [
      KEY_TYPE.ECDSA,
      methods.map((m) => m.authMethodType),
      methods.map((m) => m.id),
      methods.map((m) => m.userPubkey),
      methods.map((m) => m.scopes),
      options.addPkpEthAddressAsPermittedAddress,
      options.sendPkpToItself,
    ]);
    const receipt = await this.wallet.send('mintNextAndAddAuthMethods', {
      to: this.addresses.PKPHelper,
      data,
      value: mintCost,
    });
    const [minted] = findEvents(receipt.logs, this.addresses, 'PKPNFT', 'PKPMinted');
    if (!minted) throw new Error(`mintNextAndAddAuthMethods in ${receipt.hash} emitted no PKPMinted event`);
    return {
      tokenId: minted.tokenId.toString(),
      publicKey: minted.pubkey,
      ethAddress: ethers.computeAddress(minted.pubkey),
      transactionHash: receipt.hash,
    };
  }

  /** Who owns the PKP now: the wallet, the PKP itself, another address, or nobody (burned). */
  async ownerOf(publicKey: string): Promise<string> {
    return this.contracts.PKPNFT.ownerOf(tokenIdFromPubkey(publicKey)).then(
      (owner) => owner,
      () => ethers.ZeroAddress,
    );
  }

  /**
   * Applies one change as the PKP's owner. `auth` is needed when the PKP owns itself: it
   * authorises the network to sign the transaction with the PKP.
   */
  async change(publicKey: string, change: PermissionChange, auth?: PkpAuth): Promise<TransactionReceipt> {
    const tokenId = tokenIdFromPubkey(publicKey);
    const data = this.encode(tokenId, change);
    const owner = await this.ownerOf(publicKey);
    const pkpAddress = ethers.computeAddress(publicKey);
    if (owner === this.wallet.address)
      return this.wallet.send(change.kind, { to: this.addresses.PKPPermissions, data });
    if (owner === pkpAddress) {
      if (!auth)
        throw new Error('this PKP owns itself: the change must be signed by the PKP, with one of its auth methods');
      await this.fund(pkpAddress);
      return this.pkpSigner(publicKey, auth).sendAndWait(change.kind, { to: this.addresses.PKPPermissions, data });
    }
    if (owner === ethers.ZeroAddress) throw new Error('this PKP is burned: its permissions can never change');
    throw new Error(`this PKP is owned by ${owner}; only that account can change its permissions`);
  }

  private encode(tokenId: bigint, change: PermissionChange): string {
    const iface = this.contracts.PKPPermissions.interface;
    switch (change.kind) {
      case 'addAuthMethod':
        return iface.encodeFunctionData('addPermittedAuthMethod', [
          tokenId,
          { authMethodType: change.method.authMethodType, id: change.method.id, userPubkey: change.method.userPubkey },
          change.method.scopes,
        ]);
      case 'removeAuthMethod':
        return iface.encodeFunctionData('removePermittedAuthMethod', [tokenId, change.authMethodType, change.id]);
      case 'addAddress':
        return iface.encodeFunctionData('addPermittedAddress', [tokenId, change.address, change.scopes]);
      case 'removeAddress':
        return iface.encodeFunctionData('removePermittedAddress', [tokenId, change.address]);
      case 'addAction':
        return iface.encodeFunctionData('addPermittedAction', [tokenId, actionIdFromCid(change.ipfsId), change.scopes]);
      case 'removeAction':
        return iface.encodeFunctionData('removePermittedAction', [tokenId, actionIdFromCid(change.ipfsId)]);
    }
  }
}
