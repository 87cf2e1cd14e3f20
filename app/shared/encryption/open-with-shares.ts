import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  combineBlsShares,
  combineBlsSharesScaled,
  verifyBlsSignature,
  type BlsSignatureShare,
} from '../threshold/bls.ts';
import { DecryptionFailedError, decryptWithKey, type EncryptedData } from './access-control-encryption.ts';

/** Fewer than T usable decryption shares. */
export class NotEnoughSharesToDecryptError extends Error {}

/**
 * Combines T decryption shares into the key and opens the record. The first T shares are
 * tried directly (GCM is the check: no hash-to-curve, one pairing); only if that fails is
 * the combined key verified against the network key, which tells a tampered ciphertext (the
 * key verifies) from a bad share (it does not: then sets with one share swapped for a spare
 * are tried until one verifies).
 */
export async function openWithShares(
  data: EncryptedData,
  identity: string,
  shares: readonly BlsSignatureShare[],
  threshold: number,
): Promise<{ plaintext: Uint8Array; nodes: number[] }> {
  if (shares.length < threshold)
    throw new NotEnoughSharesToDecryptError(
      `only ${shares.length} decryption shares, ${threshold} are needed to decrypt`,
    );
  const first = shares.slice(0, threshold);
  const nodesOf = (set: readonly BlsSignatureShare[]) => set.map((s) => s.index).sort((a, b) => a - b);
  const { scaled, denominator } = combineBlsSharesScaled(first, threshold);
  try {
    return { plaintext: await decryptWithKey(data, identity, scaled, denominator), nodes: nodesOf(first) };
  } catch (err) {
    if (!(err instanceof DecryptionFailedError)) throw err;
    const message = utf8ToBytes(identity);
    const publicKey = hexToBytes(data.networkPublicKey);
    const key = combineBlsShares(first, threshold);
    if (verifyBlsSignature(message, key, publicKey)) throw err; // the key is right: the record is not
    const spares = shares.slice(threshold);
    for (const spare of spares)
      for (let drop = 0; drop < threshold; drop++) {
        const set = [...first.filter((_, i) => i !== drop), spare];
        const candidate = combineBlsShares(set, threshold);
        if (verifyBlsSignature(message, candidate, publicKey))
          return { plaintext: await decryptWithKey(data, identity, candidate), nodes: nodesOf(set) };
      }
    throw new NotEnoughSharesToDecryptError(
      `the decryption shares do not combine into the network's key for this record (${shares.length} shares, ${threshold} needed; a node sent a bad share, or the record was encrypted to another network)`,
    );
  }
}
