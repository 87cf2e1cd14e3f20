import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';
import { KeychainVault } from './keychain-vault.ts';
import { loadOrCreateMasterKey, nodeStorageKey } from './network-keys.ts';
import { openVault } from './open-vault.ts';
import { PassphraseFileVault } from './passphrase-file-vault.ts';

describe('the OS keychain vault (real keychain: D-Bus + GNOME Keyring under npm test)', () => {
  it('keeps a secret per data directory and returns it after reopening', async () => {
    const dataDir = tempDataDir();
    const vault = await KeychainVault.open(dataDir);
    const master = await loadOrCreateMasterKey(vault);
    const reopened = await KeychainVault.open(dataDir);
    expect((await loadOrCreateMasterKey(reopened)).equals(master)).toBe(true);
    // Another data directory gets its own secrets.
    const other = await KeychainVault.open(tempDataDir());
    expect((await loadOrCreateMasterKey(other)).equals(master)).toBe(false);
    // Nothing was written beside the data.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('is chosen for a new data directory when the keychain answers', async () => {
    const dataDir = tempDataDir();
    const vault = await openVault({
      dataDir,
      file: path.join(dataDir, 'vault.json'),
      askPassphrase: async () => undefined,
    });
    expect(vault.kind).toBe('keychain');
  });
});

describe('the passphrase-file vault', () => {
  it('encrypts secrets, reopens with the passphrase and refuses a wrong one', async () => {
    const file = path.join(tempDataDir(), 'vault.json');
    const vault = await PassphraseFileVault.open(file, 'correct horse battery');
    await vault.set('wallet', 'a-very-secret-value');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('a-very-secret-value');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await (await PassphraseFileVault.open(file, 'correct horse battery')).get('wallet')).toBe(
      'a-very-secret-value',
    );
    await expect(PassphraseFileVault.open(file, 'wrong horse battery')).rejects.toThrow('wrong passphrase');
  });

  it('is used where the data directory chose it, and says what to do without a passphrase', async () => {
    const dataDir = tempDataDir();
    const file = path.join(dataDir, 'vault.json');
    await expect(
      openVault({ dataDir, file, recorded: 'passphrase-file', askPassphrase: async () => undefined }),
    ).rejects.toThrow(/set LITBOX_PASSPHRASE/);
    const vault = await openVault({
      dataDir,
      file,
      recorded: 'passphrase-file',
      askPassphrase: async () => 'long enough passphrase',
    });
    expect(vault.kind).toBe('passphrase-file');
  });

  it('derives a different storage key per node', () => {
    const master = Buffer.alloc(32, 7);
    expect(nodeStorageKey(master, 1).equals(nodeStorageKey(master, 2))).toBe(false);
    expect(nodeStorageKey(master, 1)).toHaveLength(32);
  });
});
