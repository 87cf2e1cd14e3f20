import type { z } from 'zod';
import { LitV1EcdsaShare, type PkpSignV1Data, type PkpSignV1Request } from '../../shared/lit-sdk/node-routes-v1.ts';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import type { NodeContext } from '../node-context.ts';
import type { BindLimiter } from '../signing/bind-limiter.ts';
import type { SigningAgreement } from '../signing/signing-agreement.ts';
import { everyNodeSet, signForSdk } from './pkp-sign.ts';

/**
 * Lit's v1 pkpSign (POST /web/pkp/sign/v1, what v7's `pkpSign` sends to every node it connected
 * to, and waits for all of them). The checks are v2's (./pkp-sign.ts), in the same order: the
 * session signature (a wallet's, or a PKP session's: the network's BLS signature) was made for
 * this node and grants pkp-signing; the key is one of the network's PKPs; the wallet behind the
 * session, or one of the PKP session's auth methods, owns it or is permitted with SignAnything,
 * on chain now. v7 names no signing set: the set is every node of the network, and they agree on
 * one presignature among themselves (signing-agreement.ts, DESIGN.md's binding rule intact).
 * Each answers its share weighted by its Lagrange coefficient over all N nodes, in v7's format.
 */
export async function litPkpSignV1(
  ctx: NodeContext,
  agreement: SigningAgreement,
  limiter: BindLimiter,
  request: PkpSignV1Request,
  requestId: string | undefined,
): Promise<PkpSignV1Data> {
  // v7 puts the same X-Request-Id on its request to every node; its own tag keeps a v1 call
  // apart from a v2 one with the same id.
  const { digest, publicKey, s, bigR } = await signForSdk(ctx, agreement, limiter, request, {
    signingSet: () => everyNodeSet(ctx, 'pkpSign'),
    requestId,
    tag: 'litbox-sdk-sign-v7',
  });
  return {
    success: true,
    signedData: [...request.toSign],
    signatureShare: litV1EcdsaShare(ctx.index, digest, publicKey, s, bigR),
  };
}

/** A weighted share (λ_j·s_j, R') in v7's format: snake_case, bare hex, R' compressed. */
export function litV1EcdsaShare(
  index: number,
  digest: string,
  publicKey: string,
  s: bigint,
  bigR: Uint8Array,
): z.infer<typeof LitV1EcdsaShare> {
  return LitV1EcdsaShare.parse({
    digest: digest.replace(/^0x/, '').toLowerCase(),
    result: 'success',
    share_index: index,
    signature_share: secp256k1Group.Fn.create(s).toString(16).padStart(64, '0'),
    big_r: Buffer.from(secp256k1Group.Point.fromBytes(bigR).toBytes(true)).toString('hex'),
    public_key: publicKey.replace(/^0x/, '').toLowerCase(),
    sig_type: 'K256',
  });
}
