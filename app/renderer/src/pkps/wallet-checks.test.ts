import { describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import type { ApiOutput } from '../../../shared/api/contract.ts';
import {
  checkAddress,
  checkAmount,
  checkChainId,
  checkHexData,
  defaultSigner,
  signerRefusal,
} from './wallet-checks.ts';

const wallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const pkpAddress = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const account = { sub: 'alice', email: 'alice@example.com', authMethodId: `0x${'ab'.repeat(32)}` };

function details(overrides: Partial<ApiOutput<'pkpDetails'>>): ApiOutput<'pkpDetails'> {
  return {
    tokenId: '1',
    publicKey: `0x04${'11'.repeat(64)}`,
    ethAddress: pkpAddress,
    balanceWei: '0',
    owner: 'wallet',
    ownerAddress: wallet,
    authMethods: [],
    actions: [],
    addresses: [{ address: wallet, isOwner: true, permitted: false, scopes: [] }],
    history: [],
    ...overrides,
  };
}

describe('checks of what a person typed', () => {
  it('refuses what is not an address, and a checksum typo', () => {
    expect(checkAddress('0x1234')).toMatch(/Not an Ethereum address/);
    expect(checkAddress(wallet.replace('C8', 'c8'))).toMatch(/checksum/);
    expect(checkAddress(wallet)).toBeUndefined();
    expect(checkAddress(wallet.toLowerCase())).toBeUndefined();
  });

  it('refuses amounts that are not ETH, zero, or above the balance', () => {
    expect(checkAmount('1,5')).toMatch(/like 0.25/);
    expect(checkAmount('0.0000000000000000001')).toMatch(/18 decimals/);
    expect(checkAmount('0')).toMatch(/more than 0/);
    expect(checkAmount('0', { allowZero: true })).toBeUndefined();
    expect(checkAmount('2', { balanceWei: ethers.parseEther('1.5') })).toBe(
      'The PKP holds 1.5 ETH, less than 2 ETH. Top it up with the faucet.',
    );
    expect(checkAmount('1.5', { balanceWei: ethers.parseEther('1.5') })).toBeUndefined();
  });

  it('wants a chain id that is a number, and hex data', () => {
    expect(checkChainId('mainnet')).toMatch(/must be a number/);
    expect(checkChainId('0')).toMatch(/from 1 up/);
    expect(checkChainId('10')).toBeUndefined();
    expect(checkHexData('0xabc')).toMatch(/pairs of hex digits/);
    expect(checkHexData('0xabcd')).toBeUndefined();
  });
});

describe('who may sign for a PKP', () => {
  it('lets the owner sign, and a permitted address only with SignAnything', () => {
    expect(signerRefusal(details({}), { kind: 'wallet' }, wallet, [])).toBeUndefined();
    const permitted = details({
      owner: 'self',
      ownerAddress: pkpAddress,
      addresses: [
        { address: pkpAddress, isOwner: true, permitted: true, scopes: [] },
        { address: wallet, isOwner: false, permitted: true, scopes: [2] },
      ],
    });
    expect(signerRefusal(permitted, { kind: 'wallet' }, wallet, [])).toMatch(/neither its owner nor a permitted/);
    permitted.addresses[1]!.scopes = [1];
    expect(signerRefusal(permitted, { kind: 'wallet' }, wallet, [])).toBeUndefined();
  });

  it('matches a signed-in account and a passkey to the PKP’s auth methods', () => {
    const selfOwned = details({
      owner: 'self',
      ownerAddress: pkpAddress,
      addresses: [{ address: pkpAddress, isOwner: true, permitted: true, scopes: [] }],
      authMethods: [
        {
          authMethodType: 6,
          typeName: 'GoogleJwt',
          id: account.authMethodId.toUpperCase().replace('0X', '0x'),
          userPubkey: '0x',
          scopes: [1],
        },
      ],
    });
    expect(signerRefusal(selfOwned, { kind: 'account', sub: 'alice' }, wallet, [account])).toBeUndefined();
    expect(signerRefusal(selfOwned, { kind: 'passkey' }, wallet, [account])).toMatch(/no passkey/);
    expect(defaultSigner(selfOwned, wallet, [account])).toEqual({ kind: 'account', sub: 'alice' });
  });

  it('explains a burned PKP: only its actions sign', () => {
    const burned = details({ owner: 'burned', ownerAddress: ethers.ZeroAddress, addresses: [] });
    expect(signerRefusal(burned, { kind: 'wallet' }, wallet, [])).toMatch(/burned: only its permitted Lit Actions/);
  });
});
