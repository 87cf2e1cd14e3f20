import { ethers, type JsonRpcProvider, type Log } from 'ethers';
import type { ApiOutput } from '../../shared/api/contract.ts';
import {
  authMethodScopeName,
  AUTH_METHOD_TYPE,
  cidFromActionId,
  contractInterface,
  decodeEvents,
  tokenIdFromPubkey,
  type ContractAddresses,
  type LitboxContracts,
  type LitboxEvent,
} from '../../shared/contracts/index.ts';

export type PkpDetails = ApiOutput<'pkpDetails'>;
type HistoryEntry = PkpDetails['history'][number];

/** Asked about a key that no PKPMinted event ever named. */
export class UnknownPkpError extends Error {}

/** Scope ids 0..2 as PKPPermissions numbers them; getPermittedAuthMethodScopes reads this many. */
const SCOPE_COUNT = 3;
const TYPE_NAMES = new Map<number, string>(Object.entries(AUTH_METHOD_TYPE).map(([name, type]) => [type, name]));

export function authMethodTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `type ${type}`;
}

/**
 * Everything the chain knows about one PKP: owner, balance, who may sign with it (auth
 * methods with scopes, Lit Actions, addresses) and its history, read from the events of PKPNFT
 * (PKPMinted, Transfer) and PKPPermissions (auth methods and scopes added or removed).
 */
export class PkpDetailsService {
  private readonly contracts: LitboxContracts;
  private readonly addresses: ContractAddresses;
  private readonly provider: JsonRpcProvider;

  constructor(contracts: LitboxContracts, addresses: ContractAddresses, provider: JsonRpcProvider) {
    this.contracts = contracts;
    this.addresses = addresses;
    this.provider = provider;
  }

  /** `wallet` is the wallet account's address, so the owner can be named "wallet". */
  async details(publicKey: string, wallet: string): Promise<PkpDetails> {
    const tokenId = tokenIdFromPubkey(publicKey);
    const ethAddress = ethers.computeAddress(publicKey);
    const history = await this.history(tokenId);
    if (!history.some((h) => h.event === 'PKPMinted'))
      throw new UnknownPkpError(`no PKP with this public key was ever minted on this chain (token id ${tokenId})`);

    const { PKPNFT, PKPPermissions } = this.contracts;
    const [ownerAddress, balance, methods, permittedAddresses] = await Promise.all([
      PKPNFT.ownerOf(tokenId).then(
        (owner) => owner,
        () => ethers.ZeroAddress,
      ),
      this.provider.getBalance(ethAddress),
      PKPPermissions.getPermittedAuthMethods(tokenId),
      PKPPermissions.getPermittedAddresses(tokenId),
    ]);
    const scopesOf = async (type: bigint | number, id: string) =>
      (await PKPPermissions.getPermittedAuthMethodScopes(tokenId, type, id, SCOPE_COUNT)).flatMap((granted, scope) =>
        granted ? [scope] : [],
      );

    const authMethods: PkpDetails['authMethods'] = [];
    const actions: PkpDetails['actions'] = [];
    for (const m of methods) {
      const type = Number(m.authMethodType);
      if (type === AUTH_METHOD_TYPE.EthWallet && ethers.dataLength(m.id) === 20) continue; // listed with addresses
      const scopes = await scopesOf(m.authMethodType, m.id);
      if (type === AUTH_METHOD_TYPE.LitAction) actions.push({ ipfsId: cidFromActionId(m.id), id: m.id, scopes });
      else
        authMethods.push({
          authMethodType: type,
          typeName: authMethodTypeName(type),
          id: m.id,
          userPubkey: m.userPubkey,
          scopes,
        });
    }
    const addresses = await Promise.all(
      permittedAddresses.map(async (address) => {
        const permitted = await PKPPermissions.isPermittedAuthMethod(
          tokenId,
          AUTH_METHOD_TYPE.EthWallet,
          address.toLowerCase(),
        );
        return {
          address,
          isOwner: address === ownerAddress,
          permitted,
          scopes: permitted ? await scopesOf(AUTH_METHOD_TYPE.EthWallet, address.toLowerCase()) : [],
        };
      }),
    );

    return {
      tokenId: tokenId.toString(),
      publicKey: ethers.hexlify(publicKey.startsWith('0x') ? publicKey : `0x${publicKey}`),
      ethAddress,
      balanceWei: balance.toString(),
      owner: ownerLabel(ownerAddress, ethAddress, wallet),
      ownerAddress,
      authMethods,
      actions,
      addresses,
      history,
    };
  }

  /** The PKP's events, oldest first, each with its block time and a sentence for people. */
  private async history(tokenId: bigint): Promise<HistoryEntry[]> {
    const tokenTopic = ethers.toBeHex(tokenId, 32);
    const nft = contractInterface('PKPNFT');
    const permissions = contractInterface('PKPPermissions');
    const permissionTopics = [
      'PermittedAuthMethodAdded',
      'PermittedAuthMethodRemoved',
      'PermittedAuthMethodScopeAdded',
      'PermittedAuthMethodScopeRemoved',
    ].map((name) => permissions.getEvent(name)!.topicHash);
    const [minted, transfers, changes] = await Promise.all([
      this.provider.getLogs({
        address: this.addresses.PKPNFT,
        fromBlock: 0,
        topics: [nft.getEvent('PKPMinted')!.topicHash, tokenTopic],
      }),
      // ERC-721 Transfer(from, to, tokenId): all three indexed.
      this.provider.getLogs({
        address: this.addresses.PKPNFT,
        fromBlock: 0,
        topics: [nft.getEvent('Transfer')!.topicHash, null, null, tokenTopic],
      }),
      this.provider.getLogs({
        address: this.addresses.PKPPermissions,
        fromBlock: 0,
        topics: [permissionTopics, tokenTopic],
      }),
    ]);
    const logs: Log[] = [...minted, ...transfers, ...changes].sort(
      (a, b) => a.blockNumber - b.blockNumber || a.index - b.index,
    );
    const times = new Map<number, number>();
    for (const block of new Set(logs.map((l) => l.blockNumber))) {
      const b = await this.provider.getBlock(block);
      times.set(block, (b?.timestamp ?? 0) * 1000);
    }
    return logs.flatMap((log) =>
      decodeEvents([log], this.addresses).map((e) => ({
        blockNumber: log.blockNumber,
        at: times.get(log.blockNumber) ?? 0,
        transactionHash: e.transactionHash,
        event: String(e.name),
        description: describeEvent(e),
      })),
    );
  }
}

function ownerLabel(owner: string, pkpAddress: string, wallet: string): string {
  if (owner === ethers.ZeroAddress) return 'burned';
  if (owner === pkpAddress) return 'self';
  if (owner === wallet) return 'wallet';
  return owner;
}

function describeAuthMethod(type: bigint, id: string): string {
  const n = Number(type);
  if (n === AUTH_METHOD_TYPE.LitAction) return `Lit Action ${cidFromActionId(id)}`;
  if (n === AUTH_METHOD_TYPE.EthWallet && ethers.dataLength(id) === 20) return `address ${ethers.getAddress(id)}`;
  return `${authMethodTypeName(n)} ${id}`;
}

function describeEvent(e: LitboxEvent): string {
  const a = e.args as Record<string, unknown>;
  switch (e.name) {
    case 'PKPMinted':
      return 'PKP minted';
    case 'Transfer':
      if (a.from === ethers.ZeroAddress) return `NFT minted to ${String(a.to)}`;
      if (a.to === ethers.ZeroAddress) return `burned by ${String(a.from)}`;
      return `NFT sent from ${String(a.from)} to ${String(a.to)}`;
    case 'PermittedAuthMethodAdded':
      return `permitted ${describeAuthMethod(a.authMethodType as bigint, a.id as string)}`;
    case 'PermittedAuthMethodRemoved':
      return `removed ${describeAuthMethod(a.authMethodType as bigint, a.id as string)}`;
    case 'PermittedAuthMethodScopeAdded':
    case 'PermittedAuthMethodScopeRemoved': {
      const scope = Number(a.scopeId as bigint);
      const verb = e.name === 'PermittedAuthMethodScopeAdded' ? 'granted' : 'revoked';
      return `${verb} scope ${authMethodScopeName(Number(scope))} to ${describeAuthMethod(a.authMethodType as bigint, a.id as string)}`;
    }
    default:
      return String(e.name);
  }
}
