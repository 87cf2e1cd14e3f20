import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { SecretVault } from './secret-vault.ts';

const VaultFile = z.object({
  version: z.literal(1),
  kdf: z.object({ name: z.literal('scrypt'), N: z.number(), r: z.number(), p: z.number(), salt: z.string() }),
  iv: z.string(),
  tag: z.string(),
  ciphertext: z.string(),
});

const SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { ...params, maxmem: 256 * params.N * params.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * The fallback where no OS keychain answers: all secrets in one file, encrypted with
 * AES-256-GCM under a key derived from the user's passphrase with scrypt. A wrong
 * passphrase fails GCM authentication and is reported as such.
 */
export class PassphraseFileVault implements SecretVault {
  readonly kind = 'passphrase-file' as const;
  private readonly file: string;
  private readonly key: Buffer;
  private readonly salt: Buffer;
  private readonly secrets: Map<string, string>;

  private constructor(file: string, key: Buffer, salt: Buffer, secrets: Map<string, string>) {
    this.file = file;
    this.key = key;
    this.salt = salt;
    this.secrets = secrets;
  }

  static exists(file: string): boolean {
    return fs.existsSync(file);
  }

  static async open(file: string, passphrase: string): Promise<PassphraseFileVault> {
    if (!fs.existsSync(file)) {
      if (passphrase.length < 8) throw new Error('choose a passphrase of at least 8 characters');
      const salt = randomBytes(16);
      const vault = new PassphraseFileVault(file, await deriveKey(passphrase, salt, SCRYPT), salt, new Map());
      vault.save();
      return vault;
    }
    const parsed = VaultFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is damaged and cannot be read`);
    const { kdf, iv, tag, ciphertext } = parsed.data;
    const salt = Buffer.from(kdf.salt, 'base64');
    const key = await deriveKey(passphrase, salt, kdf);
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('wrong passphrase for the Litbox vault');
    }
    return new PassphraseFileVault(
      file,
      key,
      salt,
      new Map(Object.entries(JSON.parse(plain) as Record<string, string>)),
    );
  }

  async get(name: string): Promise<string | undefined> {
    return this.secrets.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.secrets.set(name, value);
    this.save();
  }

  /** Atomic replace with fsync: a crash leaves the old file or the new one, never half of one. */
  private save(): void {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(Object.fromEntries(this.secrets))), cipher.final()]);
    const body = JSON.stringify({
      version: 1,
      kdf: { name: 'scrypt', ...SCRYPT, salt: this.salt.toString('base64') },
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    });
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
  }
}
