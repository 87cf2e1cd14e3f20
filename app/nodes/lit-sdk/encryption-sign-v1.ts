import { EncryptionSignV1Data, type EncryptionSignV1Request } from '../../shared/lit-sdk/node-routes-v1.ts';
import type { NodeContext } from '../node-context.ts';
import { litEncryptionSign } from './encryption-sign.ts';

/**
 * Lit's v1 decryption share (POST /web/encryption/sign/, what v7's `decrypt` asks every node for).
 * The same checks and the same signature as v2 (./encryption-sign.ts): the conditions, this node's
 * session signature for decryption of exactly these conditions and data, the conditions on the
 * sandbox chain now. Only the share's format differs: v7 combines blsful 2.5's bytes, the node's
 * index as one byte, then the 96-byte compressed G2 point.
 */
export async function litEncryptionSignV1(
  ctx: NodeContext,
  request: EncryptionSignV1Request,
): Promise<EncryptionSignV1Data> {
  // v1 sends no ciphertext (v2 sends one the node never reads).
  const answer = await litEncryptionSign(ctx, { ...request, ciphertext: '', chain: request.chain ?? '' });
  return litV1BlsShare(ctx.index, answer.signatureShare.ProofOfPossession.value);
}

/**
 * Node `index`'s share x_j·H(identity) (`g2Hex`: 96-byte compressed G2, hex) as v7 reads it:
 * blsful 2.5's bytes, the index as one byte, then the point.
 */
export function litV1BlsShare(index: number, g2Hex: string): EncryptionSignV1Data {
  if (!Number.isInteger(index) || index < 1 || index > 255)
    throw new RangeError(`node index ${index} does not fit v7's one-byte share identifier`);
  return EncryptionSignV1Data.parse({
    result: 'success',
    signatureShare: { ProofOfPossession: index.toString(16).padStart(2, '0') + g2Hex },
    shareIndex: index,
  });
}
