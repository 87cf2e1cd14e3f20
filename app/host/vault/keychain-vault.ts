import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type KeytarModule from 'keytar';
import { VaultUnavailableError, type SecretVault } from './secret-vault.ts';

type Keytar = typeof KeytarModule;
const require = createRequire(import.meta.url);

const SERVICE = 'Litbox';

/**
 * Secrets in the OS keychain through keytar (libsecret, Keychain, Credential Vault). Each data
 * directory has its own accounts, so two sandboxes never share a secret.
 */
export class KeychainVault implements SecretVault {
  readonly kind = 'keychain' as const;
  private readonly prefix: string;
  private readonly keytar: Keytar;

  private constructor(keytar: Keytar, dataDir: string) {
    this.keytar = keytar;
    this.prefix = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  }

  /** Opens the keychain and proves it answers; throws VaultUnavailableError when it does not. */
  static async open(dataDir: string): Promise<KeychainVault> {
    let keytar: Keytar;
    try {
      keytar = require('keytar') as Keytar;
    } catch (err) {
      throw new VaultUnavailableError(`keytar could not load (${(err as Error).message})`);
    }
    const vault = new KeychainVault(keytar, dataDir);
    try {
      await keytar.findCredentials(SERVICE);
    } catch (err) {
      throw new VaultUnavailableError(`the OS keychain did not answer (${(err as Error).message})`);
    }
    return vault;
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.keytar.getPassword(SERVICE, `${this.prefix}:${name}`)) ?? undefined;
  }

  async set(name: string, value: string): Promise<void> {
    await this.keytar.setPassword(SERVICE, `${this.prefix}:${name}`, value);
  }
}
