import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import { AUTH_METHOD_TYPE, actionIdFromCid, connectContracts } from '../../shared/contracts/index.ts';
import { startHost, type RunningHost } from '../host.ts';
import { waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

let host: RunningHost;
let api: ApiClient;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-pkp-details-'),
    nodeCount: 4,
    port: 0,
    pools: { keys: 4, presignatures: 20 },
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  await waitForPools(host, 2, 10);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const HELLO_CID = 'QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j';

describe('PKP details from the chain', () => {
  it('shows owner, balance, permissions with scopes and the history of a wallet-owned PKP', async () => {
    const pkp = await api.call('pkpMint', {});
    await api.call('faucet', { address: pkp.ethAddress, amountEth: '1.5' });
    await api.call('actionGrant', { publicKey: pkp.publicKey, ipfsId: HELLO_CID, scope: 1 });
    const friend = ethers.Wallet.createRandom().address;
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: friend, scopes: [2] },
    });

    const details = await api.call('pkpDetails', { publicKey: pkp.publicKey });
    const wallet = await api.call('wallet', {});
    const chain = connectContracts(host.supervisor.contracts!, host.wallet.provider);
    expect(details).toMatchObject({
      tokenId: pkp.tokenId,
      ethAddress: pkp.ethAddress,
      owner: 'wallet',
      ownerAddress: wallet.address,
    });
    expect(BigInt(details.balanceWei)).toBe(await host.wallet.provider.getBalance(pkp.ethAddress));
    expect(BigInt(details.balanceWei)).toBe(ethers.parseEther('1.5'));
    expect(details.actions).toEqual([{ ipfsId: HELLO_CID, id: actionIdFromCid(HELLO_CID), scopes: [1] }]);
    expect(await chain.PKPPermissions.getPermittedActions(pkp.tokenId)).toEqual([actionIdFromCid(HELLO_CID)]);
    expect(details.addresses).toEqual([
      { address: wallet.address, isOwner: true, permitted: false, scopes: [] },
      { address: friend, isOwner: false, permitted: true, scopes: [2] },
    ]);
    expect(details.history.map((h) => h.event)).toEqual([
      'Transfer',
      'PKPMinted',
      'PermittedAuthMethodAdded',
      'PermittedAuthMethodScopeAdded',
      'PermittedAuthMethodAdded',
      'PermittedAuthMethodScopeAdded',
    ]);
    expect(details.history[0]!.description).toBe(`NFT minted to ${wallet.address}`);
    expect(details.history[2]!.description).toBe(`permitted Lit Action ${HELLO_CID}`);
    expect(details.history[5]!.description).toBe(`granted scope PersonalSign to address ${friend}`);
    const mintTx = await host.wallet.provider.getTransaction(pkp.transactionHash);
    expect(details.history[1]).toMatchObject({
      transactionHash: pkp.transactionHash,
      blockNumber: mintTx!.blockNumber,
    });
    const mintBlock = await host.wallet.provider.getBlock(mintTx!.blockNumber!);
    expect(details.history[1]!.at).toBe(mintBlock!.timestamp * 1000);

    // Removing the address: gone from the list, and the history says so.
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'removeAddress', address: friend },
    });
    const after = await api.call('pkpDetails', { publicKey: pkp.publicKey });
    expect(after.addresses.map((a) => a.address)).toEqual([wallet.address]);
    expect(after.history.at(-1)!.description).toBe(`removed address ${friend}`);
    expect(
      await chain.PKPPermissions.isPermittedAuthMethod(pkp.tokenId, AUTH_METHOD_TYPE.EthWallet, friend.toLowerCase()),
    ).toBe(false);
  });

  it('shows a Mint/Grant/Burn PKP as burned, with its one action', async () => {
    const pkp = await api.call('pkpMintGrantBurn', { ipfsId: HELLO_CID });
    const details = await api.call('pkpDetails', { publicKey: pkp.publicKey });
    expect(details).toMatchObject({ owner: 'burned', ownerAddress: ethers.ZeroAddress, addresses: [] });
    expect(details.actions.map((a) => a.ipfsId)).toEqual([HELLO_CID]);
    expect(details.history.at(-1)!.description).toBe(`burned by ${host.supervisor.contracts!.PKPNFT}`);
    expect(new Set(details.history.map((h) => h.transactionHash))).toEqual(new Set([pkp.transactionHash]));
  });

  it('answers not_found for a key no PKP was minted with', async () => {
    const stranger = ethers.Wallet.createRandom().signingKey.publicKey;
    await expect(api.call('pkpDetails', { publicKey: stranger })).rejects.toMatchObject({ code: 'not_found' });
  });
});
