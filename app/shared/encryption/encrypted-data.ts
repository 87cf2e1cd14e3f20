import { z } from 'zod';

// The encrypted record's shape, apart from the cryptography: the API contract and the
// renderer import this without pulling in the curves (and their WebAssembly).

export const ENCRYPTED_FORMAT = 'litbox-encrypted/v1';
/** Lit's identity prefix; the identity is this + hex(sha256(conditions)) + "/" + hex(sha256(data)). */
export const IDENTITY_PREFIX = 'lit-accesscontrolcondition://';
/** Plaintext limit: the sealed JSON must fit a host API request (2 MB) after base64. */
export const MAX_PLAINTEXT_BYTES = 1024 * 1024;

/** What encryption produces and decryption reads: Lit's fields plus the key and format it was made for. */
export const EncryptedData = z
  .object({
    format: z.literal(ENCRYPTED_FORMAT),
    /** The network's BLS key (48-byte compressed G1, hex, no 0x) this was encrypted to. */
    networkPublicKey: z.string().regex(/^[0-9a-f]{96}$/, 'networkPublicKey must be a 48-byte BLS key in hex'),
    accessControlConditions: z.array(z.unknown()).min(1).max(32),
    /** hex(sha256(plaintext)), no 0x, as Lit's SDK writes it. */
    dataToEncryptHash: z.string().regex(/^[0-9a-f]{64}$/, 'dataToEncryptHash must be 32 bytes of hex'),
    /** base64(U ‖ nonce ‖ AES-GCM ciphertext ‖ tag). */
    ciphertext: z
      .string()
      .max(2 * MAX_PLAINTEXT_BYTES)
      .regex(/^[A-Za-z0-9+/]+=*$/, 'ciphertext must be base64'),
    /** The file's name when a file was encrypted (for saving it back). */
    fileName: z.string().max(255).optional(),
  })
  .strict();
export type EncryptedData = z.infer<typeof EncryptedData>;
