import { actionIdFromCid, AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE } from '../../shared/contracts/index.ts';
import type { NodeChain } from '../chain/node-chain.ts';
import type { VerifiedRequester } from './requester.ts';

/** The scope a signature needs: a raw digest needs SignAnything; an EIP-191 message either. */
export type SigningScope = typeof AUTH_METHOD_SCOPE.SignAnything | typeof AUTH_METHOD_SCOPE.PersonalSign;

const MAX_CACHE = 20_000;

/**
 * Who may sign with a PKP, read from PKPNFT and PKPPermissions: its owner always; a permitted
 * address or action only with a scope that covers the request (SignAnything covers
 * PersonalSign). A "yes" is cached until the next block (a revocation needs a block, and
 * the node polls the block number every 200 ms); a "no" is never cached.
 */
export class SigningPermissions {
  private readonly chain: NodeChain;
  private readonly cache = new Map<string, Promise<boolean>>();
  /** The cached keys whose read already came back "yes": answered without waiting or reading. */
  private readonly yes = new Set<string>();
  private cacheBlock = -1;

  constructor(chain: NodeChain) {
    this.chain = chain;
  }

  /** Forgets every answer once a new block came (a revocation needs a block). */
  private dropIfStale(): void {
    const block = this.chain.latestBlock;
    if (block !== this.cacheBlock || this.cache.size > MAX_CACHE) {
      this.cache.clear();
      this.yes.clear();
      this.cacheBlock = block;
    }
  }

  private cached(key: string, read: () => Promise<boolean>): Promise<boolean> {
    this.dropIfStale();
    let hit = this.cache.get(key);
    if (!hit) {
      hit = read();
      // Only "yes" is remembered: a permission granted a moment ago must count at once.
      const forBlock = this.cacheBlock;
      hit.then(
        (yes) => {
          if (!yes) this.cache.delete(key);
          else if (this.cacheBlock === forBlock) this.yes.add(key);
        },
        () => this.cache.delete(key),
      );
      this.cache.set(key, hit);
    }
    return hit;
  }

  isOwner(tokenId: string, address: string): Promise<boolean> {
    return this.cached(ownerKey(tokenId, address), async () => {
      try {
        return (await this.chain.contracts.PKPNFT.ownerOf(tokenId)).toLowerCase() === address.toLowerCase();
      } catch {
        return false; // burned or unknown: nobody owns it
      }
    });
  }

  private hasScope(tokenId: string, type: number, id: string, scope: SigningScope): Promise<boolean> {
    const check = (s: number) =>
      this.cached(scopeKey(tokenId, type, id, s), () =>
        this.chain.contracts.PKPPermissions.isPermittedAuthMethodScopePresent(tokenId, type, id, s),
      );
    if (scope === AUTH_METHOD_SCOPE.SignAnything) return check(AUTH_METHOD_SCOPE.SignAnything);
    return Promise.all([check(AUTH_METHOD_SCOPE.SignAnything), check(AUTH_METHOD_SCOPE.PersonalSign)]).then(
      ([any, personal]) => any || personal,
    );
  }

  /** The owner, or a permitted address holding the scope. */
  addressMaySign(tokenId: string, address: string, scope: SigningScope): Promise<boolean> {
    // A "yes" already known for this block answers at once, with no read: the owner signing
    // again must not cost every node a scope read whose "no" is never cached.
    const id = address.toLowerCase();
    const yesKeys = [
      ownerKey(tokenId, address),
      scopeKey(tokenId, AUTH_METHOD_TYPE.EthWallet, id, AUTH_METHOD_SCOPE.SignAnything),
    ];
    if (scope === AUTH_METHOD_SCOPE.PersonalSign)
      yesKeys.push(scopeKey(tokenId, AUTH_METHOD_TYPE.EthWallet, id, AUTH_METHOD_SCOPE.PersonalSign));
    this.dropIfStale();
    if (yesKeys.some((key) => this.yes.has(key))) return Promise.resolve(true);
    // Otherwise both reads at once, yes as soon as either says yes: a permitted address (not
    // the owner) would otherwise always wait for an ownerOf read, a "no" being never cached.
    return anyTrue([
      this.isOwner(tokenId, address),
      this.hasScope(tokenId, AUTH_METHOD_TYPE.EthWallet, address.toLowerCase(), scope),
    ]);
  }

  /** The requester's address (owner, or permitted with the scope), or any of its auth methods with the scope. */
  async requesterMaySign(tokenId: string, requester: VerifiedRequester, scope: SigningScope): Promise<boolean> {
    if (requester.address && (await this.addressMaySign(tokenId, requester.address, scope))) return true;
    for (const method of requester.authMethods) {
      if (
        method.authMethodType === AUTH_METHOD_TYPE.EthWallet &&
        (await this.addressMaySign(tokenId, method.userId, scope))
      )
        return true;
      if (await this.hasScope(tokenId, method.authMethodType, method.id, scope)) return true;
    }
    return false;
  }

  /** A permitted action (by CID) holding the scope. */
  actionMaySign(tokenId: string, cid: string, scope: SigningScope): Promise<boolean> {
    return this.hasScope(tokenId, AUTH_METHOD_TYPE.LitAction, actionIdFromCid(cid), scope);
  }
}

function ownerKey(tokenId: string, address: string): string {
  return `owner:${tokenId}:${address}`;
}

function scopeKey(tokenId: string, type: number, id: string, scope: number): string {
  return `scope:${tokenId}:${type}:${id}:${scope}`;
}

/** True as soon as one of the reads is true; otherwise false, or the first failure, once all settled. */
function anyTrue(reads: readonly Promise<boolean>[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let pending = reads.length;
    let failure: { err: unknown } | undefined;
    const settle = () => {
      if (--pending > 0) return;
      if (failure) reject(failure.err);
      else resolve(false);
    };
    for (const read of reads)
      read.then(
        (yes) => (yes ? resolve(true) : settle()),
        (err: unknown) => {
          failure ??= { err };
          settle();
        },
      );
  });
}
