import { AUTH_METHOD_SCOPE } from '../../shared/contracts/index.ts';
import type { z } from 'zod';
import { LitV1EcdsaShare, type PkpSignV1Data, type PkpSignV1Request } from '../../shared/lit-sdk/node-routes-v1.ts';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import { statementDigest } from '../peers/peer-crypto.ts';
import type { NodeContext } from '../node-context.ts';
import type { BindLimiter } from '../signing/bind-limiter.ts';
import { readyShare, tokenIdOf } from '../signing/sign-routes.ts';
import type { SigningAgreement } from '../signing/signing-agreement.ts';
import { LitRequestError } from './lit-routes.ts';
import { verifySessionSig } from './session-sig.ts';

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
  const me = ctx.peers.peer(ctx.index)?.endpoint;
  if (!me) throw new LitRequestError('pkpSign', 'not_ready', 'this node does not find itself in Staking yet');
  const publicKey = request.pubkey.toLowerCase();
  let tokenId: string;
  try {
    tokenId = tokenIdOf(publicKey);
  } catch (err) {
    throw new LitRequestError('pkpSign', 'bad_request', `pubkey: ${(err as Error).message}`);
  }
  const session = verifySessionSig(
    request.authSig,
    { address: me, networkPublicKey: ctx.networkKey.ready()?.publicKey },
    { ability: 'pkp-signing', resource: BigInt(tokenId).toString(16) },
  );
  try {
    readyShare(ctx, publicKey);
  } catch {
    throw new LitRequestError('pkpSign', 'unknown_pkp', `${request.pubkey.slice(0, 12)}… is not a PKP of this network`);
  }
  const set = ctx.peers
    .all()
    .map((p) => p.index)
    .sort((a, b) => a - b);
  if (set.length !== ctx.nodeCount)
    throw new LitRequestError(
      'pkpSign',
      'not_ready',
      'this node does not see every node of the network in Staking yet',
    );
  const permitted = await ctx.permissions.requesterMaySign(
    tokenId,
    { address: session.requester, authMethods: session.authMethods },
    AUTH_METHOD_SCOPE.SignAnything,
  );
  if (!permitted)
    throw new LitRequestError(
      'pkpSign',
      'not_permitted',
      `${session.requester} may not sign with this PKP (not its owner, nor permitted with the SignAnything scope)`,
    );
  const digest = `0x${Buffer.from(request.toSign).toString('hex')}`;
  // As for v2: the leader keeps the requester to the budget of anyone binding from outside the host.
  if (set[0] === ctx.index) {
    try {
      limiter.take(session.requester);
    } catch (err) {
      throw new LitRequestError('pkpSign', 'rate_limited', (err as Error).message);
    }
  }
  // v7 puts the same X-Request-Id on its request to every node; its own tag keeps a v1 call
  // apart from a v2 one with the same id.
  const key = statementDigest('litbox-sdk-sign-v7', [requestId ?? '', tokenId, digest, set.join(',')]).toString('hex');
  const { s, bigR } = await agreement.sign({ key, tokenId, publicKey, digest, set });

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
