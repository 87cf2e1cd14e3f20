import { KeychainVault } from './keychain-vault.ts';
import { PassphraseFileVault } from './passphrase-file-vault.ts';
import { VaultUnavailableError, type SecretVault } from './secret-vault.ts';

export interface OpenVaultOptions {
  dataDir: string;
  /** The vault file used where no keychain answers. */
  file: string;
  /** Which vault this data directory chose at its first start; never switched silently. */
  recorded?: SecretVault['kind'];
  /** A new data directory tries the OS keychain first (default); the desktop shell may say no. */
  preferKeychain?: boolean;
  /** Asked only when the passphrase file is used. */
  askPassphrase: (creating: boolean) => Promise<string | undefined>;
}

/**
 * Opens the data directory's vault. A new data directory prefers the OS keychain and falls
 * back to the passphrase file; an existing one keeps what it chose, so secrets are never
 * looked for in the wrong place (a keychain that is down is an error, not a fresh vault).
 */
export async function openVault(options: OpenVaultOptions): Promise<SecretVault> {
  const { dataDir, file, recorded, askPassphrase, preferKeychain = true } = options;
  const tryKeychain = recorded === 'keychain' || (recorded === undefined && preferKeychain);
  if (tryKeychain && !PassphraseFileVault.exists(file)) {
    try {
      return await KeychainVault.open(dataDir);
    } catch (err) {
      if (!(err instanceof VaultUnavailableError)) throw err;
      if (recorded === 'keychain')
        throw new Error(
          `this data directory keeps its secrets in the OS keychain, which did not answer: ${err.message}. Unlock the keychain and start again`,
        );
    }
  }
  const creating = !PassphraseFileVault.exists(file);
  const passphrase = await askPassphrase(creating);
  if (!passphrase)
    throw new Error(
      creating
        ? 'no OS keychain answered, so Litbox keeps its secrets in a file protected by a passphrase: run in a terminal to choose one, or set LITBOX_PASSPHRASE'
        : 'this data directory keeps its secrets in a passphrase-protected file: run in a terminal to enter the passphrase, or set LITBOX_PASSPHRASE',
    );
  return PassphraseFileVault.open(file, passphrase);
}
