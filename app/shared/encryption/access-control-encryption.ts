// Identity-based encryption to the network's BLS key (Boneh–Franklin style, as Lit does it):
// anyone encrypts with the public key alone; the decryption key for an identity is the
// network's BLS signature on that identity, which nodes release only to requesters who meet
// the access control conditions the identity names. The data itself is sealed with AES-GCM.
//
//   encrypt: r random, U = r·G1, K = e(r·PK, H(id))      (PK = x·G1, H = hash to G2)
//   decrypt: σ = x·H(id) from T nodes' shares,  K = e(U, σ) = e(G1, H(id))^(r·x)
//   AES key = HKDF-SHA256(K, info = U ‖ identity); AES-GCM authenticates the header too.
//
// Changing the conditions or the data hash changes the identity, hence σ and the key: the
// nodes may release shares for the new identity, but those decrypt nothing that was
// encrypted under the old one (GCM fails).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { decodeBase64, encodeBase64 } from 'ethers';
import { canonicalConditions, parseConditions, type ConditionList } from '../conditions/access-control-conditions.ts';
import { hashToG2, type G2Point } from '../threshold/bls.ts';
import { bls12381G1Group } from '../threshold/groups.ts';
import { randomScalar } from '../threshold/scalar.ts';
import { ENCRYPTED_FORMAT, EncryptedData, IDENTITY_PREFIX, MAX_PLAINTEXT_BYTES } from './encrypted-data.ts';

export { ENCRYPTED_FORMAT, EncryptedData, IDENTITY_PREFIX, MAX_PLAINTEXT_BYTES };

const G1 = bls12_381.G1.Point;
const Fr = bls12381G1Group.Fn;
const U_BYTES = 48;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KDF_SALT = utf8ToBytes('litbox-ibe:v1');

/** The ciphertext did not open: tampered, or the key is not the one for its identity. */
export class DecryptionFailedError extends Error {}

/** hex(sha256(JSON of the canonical conditions)): the same for any spelling of the same conditions. */
export function conditionsHash(list: ConditionList): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(canonicalConditions(list)))));
}

/** The identity the network signs to release a decryption key. */
export function encryptionIdentity(list: ConditionList, dataToEncryptHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(dataToEncryptHash)) throw new Error('dataToEncryptHash must be 32 bytes of lowercase hex');
  return `${IDENTITY_PREFIX}${conditionsHash(list)}/${dataToEncryptHash}`;
}

export async function encryptWithConditions(input: {
  networkPublicKey: string;
  conditions: unknown;
  data: Uint8Array;
  fileName?: string;
}): Promise<EncryptedData> {
  if (input.data.length > MAX_PLAINTEXT_BYTES)
    throw new RangeError(`the data is ${input.data.length} bytes; at most ${MAX_PLAINTEXT_BYTES} can be encrypted`);
  const conditions = parseConditions(input.conditions);
  const networkKey = parseNetworkKey(input.networkPublicKey);
  const dataToEncryptHash = bytesToHex(sha256(input.data));
  const identity = encryptionIdentity(conditions, dataToEncryptHash);
  const header = {
    format: ENCRYPTED_FORMAT,
    networkPublicKey: networkKey.toHex(true),
    accessControlConditions: conditions as unknown[],
    dataToEncryptHash,
    ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
  } as const;

  const r = randomScalar(Fr);
  const u = G1.BASE.multiply(r).toBytes(true);
  const shared = bls12_381.pairing(networkKey.multiply(r), hashToG2(utf8ToBytes(identity)));
  const key = await aesKey(shared, u, identity);
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: additionalData(header.networkPublicKey, identity) },
      key,
      arrayBacked(input.data),
    ),
  );
  return { ...header, ciphertext: encodeBase64(concatBytes(u, nonce, sealed)) };
}

/** The parsed conditions and identity of an encrypted record; throws a clear error when malformed. */
export function describeEncrypted(input: unknown): {
  data: EncryptedData;
  conditions: ConditionList;
  identity: string;
} {
  const parsed = EncryptedData.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `not a Litbox encrypted record: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}`,
    );
  const conditions = parseConditions(parsed.data.accessControlConditions);
  return { data: parsed.data, conditions, identity: encryptionIdentity(conditions, parsed.data.dataToEncryptHash) };
}

/**
 * Opens the ciphertext with the decryption key σ (the network's signature on the identity),
 * then checks the plaintext against dataToEncryptHash. Throws DecryptionFailedError when
 * GCM refuses (tampered ciphertext or header, or a key for another identity). The key may
 * come as D·σ with its `denominator` D (see combineBlsSharesScaled): e(D⁻¹·U, D·σ) = e(U, σ).
 */
export async function decryptWithKey(
  data: EncryptedData,
  identity: string,
  decryptionKey: G2Point,
  denominator = 1n,
): Promise<Uint8Array> {
  const bytes = decodeBase64(data.ciphertext);
  if (bytes.length < U_BYTES + NONCE_BYTES + TAG_BYTES)
    throw new DecryptionFailedError('the ciphertext is too short to be one of ours');
  const u = bytes.subarray(0, U_BYTES);
  let uPoint;
  try {
    uPoint = G1.fromBytes(u);
    uPoint.assertValidity();
  } catch {
    throw new DecryptionFailedError('the ciphertext is damaged: its first 48 bytes are not a BLS12-381 point');
  }
  const unscaled = denominator === 1n ? uPoint : uPoint.multiplyUnsafe(Fr.inv(Fr.create(denominator)));
  const shared = bls12_381.pairing(unscaled, decryptionKey);
  const key = await aesKey(shared, u, identity);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: arrayBacked(bytes.subarray(U_BYTES, U_BYTES + NONCE_BYTES)),
          additionalData: additionalData(data.networkPublicKey, identity),
        },
        key,
        arrayBacked(bytes.subarray(U_BYTES + NONCE_BYTES)),
      ),
    );
  } catch {
    throw new DecryptionFailedError(
      'the ciphertext failed authentication: it was tampered with, or its conditions or data hash were changed',
    );
  }
  if (bytesToHex(sha256(plain)) !== data.dataToEncryptHash)
    throw new DecryptionFailedError('the decrypted data does not match dataToEncryptHash');
  return plain;
}

function parseNetworkKey(hex: string) {
  try {
    const point = G1.fromHex(hex.replace(/^0x/, ''));
    point.assertValidity();
    if (point.is0()) throw new Error('identity');
    return point;
  } catch {
    throw new Error('the network public key is not a valid BLS12-381 G1 point');
  }
}

/** WebCrypto takes only ArrayBuffer-backed views; this copies when needed. */
function arrayBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

function additionalData(networkPublicKey: string, identity: string): Uint8Array<ArrayBuffer> {
  return arrayBacked(utf8ToBytes(`${ENCRYPTED_FORMAT}\n${networkPublicKey}\n${identity}`));
}

async function aesKey(shared: ReturnType<typeof bls12_381.pairing>, u: Uint8Array, identity: string) {
  const raw = hkdf(sha256, bls12_381.fields.Fp12.toBytes(shared), KDF_SALT, concatBytes(u, utf8ToBytes(identity)), 32);
  return crypto.subtle.importKey('raw', arrayBacked(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}
