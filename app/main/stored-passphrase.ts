import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';

/** Linux backends that keep the key in a real secret store (not "basic_text", a fixed key). */
const SECRET_STORE_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

/**
 * The vault passphrase kept by the OS secret store through Electron's safeStorage (Keychain,
 * DPAPI, libsecret/KWallet): the desktop app's passphrase-file vault then opens without asking.
 * The file beside the data holds only the passphrase encrypted by the OS; it is useless without
 * the user's login.
 */
export class StoredPassphrase {
  private readonly file: string;
  private readonly safeStorage: SafeStorage;

  constructor(safeStorage: SafeStorage, userDataDir: string) {
    this.safeStorage = safeStorage;
    this.file = path.join(userDataDir, 'vault-passphrase.bin');
  }

  /** safeStorage is usable only after app ready, and on Linux only with a real secret store. */
  get isAvailable(): boolean {
    if (!this.safeStorage.isEncryptionAvailable()) return false;
    if (process.platform !== 'linux') return true;
    return SECRET_STORE_BACKENDS.has(this.safeStorage.getSelectedStorageBackend());
  }

  get exists(): boolean {
    return fs.existsSync(this.file);
  }

  /** A new random passphrase, kept encrypted; returned for the host's new vault. */
  create(): string {
    const passphrase = randomBytes(32).toString('base64url');
    const tmp = `${this.file}.tmp`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, this.safeStorage.encryptString(passphrase), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    return passphrase;
  }

  /** The kept passphrase, or undefined when there is none or the OS cannot decrypt it any more. */
  read(): string | undefined {
    if (!this.exists) return undefined;
    try {
      return this.safeStorage.decryptString(fs.readFileSync(this.file));
    } catch {
      return undefined;
    }
  }
}
