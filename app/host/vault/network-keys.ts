import { hkdfSync, randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import type { SecretVault } from './secret-vault.ts';

/**
 * A secret made once and kept in the vault. Read back after writing: a keychain that
 * silently drops writes must fail now, not after key shares depend on it.
 */
export async function loadOrCreateSecret(vault: SecretVault, name: string, make: () => string): Promise<string> {
  const existing = await vault.get(name);
  if (existing) return existing;
  const value = make();
  await vault.set(name, value);
  if ((await vault.get(name)) !== value) throw new Error(`the vault did not keep ${name}; refusing to start`);
  return value;
}

/**
 * The data directory's master secret. Each node's storage key (which encrypts its key
 * shares at rest) is derived from it, so no key sits beside a node's database in plain text.
 */
export async function loadOrCreateMasterKey(vault: SecretVault): Promise<Buffer> {
  return Buffer.from(
    await loadOrCreateSecret(vault, 'network-master-key', () => randomBytes(32).toString('base64')),
    'base64',
  );
}

export function nodeStorageKey(master: Buffer, index: number): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'litbox', `node-storage-key/${index}`, 32));
}

/** The sandbox chain's admin: deploys the contracts and registers the nodes at genesis. */
export function loadOrCreateAdminKey(vault: SecretVault): Promise<string> {
  return loadOrCreateSecret(vault, 'chain-admin-key', () => Wallet.createRandom().privateKey);
}

/** The wallet's own Ethereum account: mints PKPs and signs auth sigs. */
export function loadOrCreateWalletKey(vault: SecretVault): Promise<string> {
  return loadOrCreateSecret(vault, 'wallet-account-key', () => Wallet.createRandom().privateKey);
}
