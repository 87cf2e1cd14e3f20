import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest. The associated data names what the secret is (for
 * example "share:<tokenId>"), so a sealed value copied into another row fails to open.
 */
export class SealedBox {
  /** A key object made once: handing node:crypto raw key bytes costs ~100 µs a call, a key object ~10. */
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the storage key must be 32 bytes');
    this.key = createSecretKey(key);
  }

  seal(plain: Uint8Array, label: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(label));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array, label: string): Buffer {
    const buf = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
    decipher.setAAD(Buffer.from(label));
    decipher.setAuthTag(buf.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
    } catch {
      throw new Error(`cannot open the sealed ${label}: wrong storage key or damaged data`);
    }
  }
}
