import { describe, expect, it } from 'vitest';
import { AUTH_METHOD_SCOPE } from '../../shared/contracts/index.ts';
import type { NodeChain } from '../chain/node-chain.ts';
import { SigningPermissions } from './signing-permissions.ts';

// The two reads SigningPermissions makes (PKPNFT.ownerOf, PKPPermissions.isPermittedAuthMethodScopePresent),
// answered from a table and counted: what matters here is how often a node goes to the chain.
function chainDouble(owner: string, permitted: Set<string>) {
  const reads = { ownerOf: 0, scope: 0 };
  const chain = {
    latestBlock: 5,
    contracts: {
      PKPNFT: {
        ownerOf: (_tokenId: string) => {
          reads.ownerOf++;
          return Promise.resolve(owner);
        },
      },
      PKPPermissions: {
        isPermittedAuthMethodScopePresent: (_tokenId: string, _type: number, id: string, _scope: number) => {
          reads.scope++;
          return Promise.resolve(permitted.has(id));
        },
      },
    },
  };
  return { chain: chain as unknown as NodeChain, reads };
}

const OWNER = '0x00000000000000000000000000000000000000aa';
const FRIEND = '0x00000000000000000000000000000000000000bb';

describe('who may sign', () => {
  it('the owner signing again costs no read until the next block; a permitted address neither', async () => {
    const { chain, reads } = chainDouble(OWNER, new Set([FRIEND]));
    const permissions = new SigningPermissions(chain);
    expect(await permissions.addressMaySign('1', OWNER, AUTH_METHOD_SCOPE.SignAnything)).toBe(true);
    const first = { ...reads };
    for (let i = 0; i < 5; i++)
      expect(await permissions.addressMaySign('1', OWNER, AUTH_METHOD_SCOPE.SignAnything)).toBe(true);
    expect(reads).toEqual(first);

    expect(await permissions.addressMaySign('1', FRIEND, AUTH_METHOD_SCOPE.SignAnything)).toBe(true);
    const afterFriend = { ...reads };
    expect(await permissions.addressMaySign('1', FRIEND, AUTH_METHOD_SCOPE.SignAnything)).toBe(true);
    expect(reads).toEqual(afterFriend);

    // A new block: a revocation may have happened, so the chain is read again.
    (chain as { latestBlock: number }).latestBlock = 6;
    expect(await permissions.addressMaySign('1', OWNER, AUTH_METHOD_SCOPE.SignAnything)).toBe(true);
    expect(reads.ownerOf).toBe(first.ownerOf + 1 + 1); // the friend's first check read ownerOf too
  });

  it('a "no" is read again every time: a permission granted a moment ago counts at once', async () => {
    const permitted = new Set<string>();
    const { chain } = chainDouble(OWNER, permitted);
    const permissions = new SigningPermissions(chain);
    expect(await permissions.addressMaySign('1', FRIEND, AUTH_METHOD_SCOPE.SignAnything)).toBe(false);
    permitted.add(FRIEND);
    expect(await permissions.addressMaySign('1', FRIEND, AUTH_METHOD_SCOPE.SignAnything)).toBe(true);
  });
});
