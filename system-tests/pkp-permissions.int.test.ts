import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers, hexlify, randomBytes, Wallet } from 'ethers';
import { AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE, connectContracts } from '../app/shared/contracts/index.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { SigningRefusedError } from '../app/host/lit-client/lit-client.ts';
import { chainProvider, waitForPools } from '../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';
import { WalletAccount } from '../app/host/wallet/wallet-account.ts';

let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-perms-'),
    nodeCount: 4,
    port: 0,
    pools: { keys: 8, presignatures: 60 },
  });
  await waitForPools(host, 8, 30);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const account = () => new WalletAccount(new Wallet(Wallet.createRandom().privateKey), 31337);
/** Lit's EthWallet auth method: the account's auth sig as the access token. */
const walletMethod = async (a: WalletAccount) => [
  { authMethodType: AUTH_METHOD_TYPE.EthWallet, accessToken: JSON.stringify(await a.authSig()) },
];

describe('permissions and PKPs that own themselves', () => {
  it('a PKP sent to itself signs for its auth method, and changes its permissions only by its own transaction', async () => {
    const alice = account();
    const pkp = await host.wallet.permissions.mintWithAuthMethods(
      [
        {
          authMethodType: AUTH_METHOD_TYPE.EthWallet,
          id: alice.address.toLowerCase(),
          userPubkey: '0x',
          scopes: [AUTH_METHOD_SCOPE.SignAnything],
        },
      ],
      { addPkpEthAddressAsPermittedAddress: true, sendPkpToItself: true },
    );
    expect(await host.wallet.permissions.ownerOf(pkp.publicKey)).toBe(pkp.ethAddress);

    const digest = hexlify(randomBytes(32));
    const sig = await host.wallet.lit.pkpSign({
      publicKey: pkp.publicKey,
      toSign: digest,
      authMethods: await walletMethod(alice),
    });
    expect(ethers.recoverAddress(digest, sig.signature)).toBe(pkp.ethAddress);

    // The minter's wallet no longer owns it: neither directly nor through the service.
    const { PKPPermissions } = connectContracts(host.supervisor.contracts!, chainProvider(host));
    const bob = account();
    await expect(
      PKPPermissions.addPermittedAddress.staticCall(pkp.tokenId, bob.address, [1], {
        from: host.wallet.account.address,
      }),
    ).rejects.toThrow();
    await expect(
      host.wallet.permissions.change(pkp.publicKey, { kind: 'addAddress', address: bob.address, scopes: [1] }),
    ).rejects.toThrow(/owns itself/);
    await expect(
      host.wallet.lit.pkpSign({ publicKey: pkp.publicKey, toSign: digest, authSig: await bob.authSig() }),
    ).rejects.toBeInstanceOf(SigningRefusedError);

    // Signed by the PKP itself, authorised by alice's auth method: bob may now sign.
    const receipt = await host.wallet.permissions.change(
      pkp.publicKey,
      { kind: 'addAddress', address: bob.address, scopes: [AUTH_METHOD_SCOPE.SignAnything] },
      { authMethods: await walletMethod(alice) },
    );
    expect(receipt.from).toBe(pkp.ethAddress);
    expect(await PKPPermissions.isPermittedAddress(pkp.tokenId, bob.address)).toBe(true);
    const bobs = await host.wallet.lit.pkpSign({
      publicKey: pkp.publicKey,
      toSign: digest,
      authSig: await bob.authSig(),
    });
    expect(ethers.recoverAddress(digest, bobs.signature)).toBe(pkp.ethAddress);
  });

  it('a PersonalSign scope cannot be stretched to SignAnything', async () => {
    const pkp = await host.wallet.pkps.mint();
    const carol = account();
    await host.wallet.permissions.change(pkp.publicKey, {
      kind: 'addAddress',
      address: carol.address,
      scopes: [AUTH_METHOD_SCOPE.PersonalSign],
    });
    const raw = host.wallet.lit.pkpSign({
      publicKey: pkp.publicKey,
      toSign: hexlify(randomBytes(32)),
      authSig: await carol.authSig(),
    });
    await expect(raw).rejects.toThrow(/SignAnything/);

    const personal = await host.wallet.lit.executeJs({
      code: 'await Lit.Actions.ethPersonalSignMessageEcdsa({ message: "hello", publicKey, sigName: "p" });',
      jsParams: { publicKey: pkp.publicKey },
      authSig: await carol.authSig(),
    });
    expect(ethers.verifyMessage('hello', personal.signatures.p!.signature)).toBe(pkp.ethAddress);
    await expect(
      host.wallet.lit.executeJs({
        code: 'await Lit.Actions.signEcdsa({ toSign: Array(32).fill(1), publicKey, sigName: "raw" });',
        jsParams: { publicKey: pkp.publicKey },
        authSig: await carol.authSig(),
      }),
    ).rejects.toThrow(/not permitted/);
  });
});
