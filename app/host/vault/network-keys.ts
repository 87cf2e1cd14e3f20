import { hkdfSync, randomBytes } from 'node:crypto';
import type { SecretVault } from './secret-vault.ts';

const MASTER = 'network-master-key';

/**
 * The data directory's master secret, made once and kept in the vault. Each node's
 * storage key (which encrypts its key shares at rest) is derived from it, so no key sits
 * beside a node's database in plain text.
 */
export async function loadOrCreateMasterKey(vault: SecretVault): Promise<Buffer> {
  const existing = await vault.get(MASTER);
  if (existing) return Buffer.from(existing, 'base64');
  const master = randomBytes(32);
  await vault.set(MASTER, master.toString('base64'));
  // Read back: a keychain that silently drops writes must fail now, not after shares exist.
  if ((await vault.get(MASTER)) !== master.toString('base64'))
    throw new Error('the vault did not keep the master key; refusing to start');
  return master;
}

export function nodeStorageKey(master: Buffer, index: number): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'litbox', `node-storage-key/${index}`, 32));
}
