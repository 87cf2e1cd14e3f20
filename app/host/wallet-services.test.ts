import { computeAddress, SigningKey, verifyMessage, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { SecretVault } from './vault/secret-vault.ts';
import { walletAccountFrom } from './wallet-services.ts';
import { WalletAccount } from './wallet/wallet-account.ts';

/** The two calls walletAccountFrom makes of a vault, over a Map. */
function memoryVault(): SecretVault & { secrets: Map<string, string> } {
  const secrets = new Map<string, string>();
  return {
    kind: 'passphrase-file',
    secrets,
    get: async (name) => secrets.get(name),
    set: async (name, value) => void secrets.set(name, value),
  };
}

describe('the wallet account', () => {
  it('has the address and public key ethers computes for its key (OpenSSL computes them here), and signs as that address', async () => {
    const vault = memoryVault();
    const wallet = await walletAccountFrom(vault);
    const key = vault.secrets.get('wallet-account-key')!;
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

    // The same key comes back from the vault: the same account at the next start.
    expect((await walletAccountFrom(vault)).address).toBe(wallet.address);
  });
});
