import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeAddress, SigningKey, verifyMessage, Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { PassphraseFileVault } from './vault/passphrase-file-vault.ts';
import { walletAccountFrom } from './wallet-services.ts';
import { WalletAccount } from './wallet/wallet-account.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the wallet account', () => {
  it('has the address and public key ethers computes for its key (OpenSSL computes them here), and signs as that address', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-wallet-account-'));
    dirs.push(dir);
    const file = path.join(dir, 'vault.json');
    const wallet = await walletAccountFrom(await PassphraseFileVault.open(file, 'wallet account test'));
    const key = (await (await PassphraseFileVault.open(file, 'wallet account test')).get('wallet-account-key'))!;
    expect(key).toMatch(/^0x[0-9a-f]{64}$/);
    expect(wallet.signingKey.publicKey).toBe(SigningKey.computePublicKey(key));
    expect(wallet.address).toBe(computeAddress(SigningKey.computePublicKey(key)));
    expect(wallet.address).toBe(new Wallet(key).address);

    const account = new WalletAccount(wallet, 31337);
    account.warmUp();
    const message = 'Litbox wallet account test';
    expect(verifyMessage(message, await wallet.signMessage(message))).toBe(wallet.address);
    const authSig = await account.authSig();
    expect(authSig.address).toBe(wallet.address);
    expect(verifyMessage(authSig.signedMessage, authSig.sig)).toBe(wallet.address);

    // The key is kept in the vault: the same account at the next start.
    expect((await walletAccountFrom(await PassphraseFileVault.open(file, 'wallet account test'))).address).toBe(
      wallet.address,
    );
  });
});
