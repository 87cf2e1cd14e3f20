import type { z } from 'zod';
import { AUTH_METHOD_SCOPE } from '../../shared/contracts/index.ts';
import { LitEcdsaShare, type PkpSignData, type PkpSignRequest } from '../../shared/lit-sdk/node-routes.ts';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import { statementDigest } from '../peers/peer-crypto.ts';
import type { NodeContext } from '../node-context.ts';
import type { BindLimiter } from '../signing/bind-limiter.ts';
import { readyShare, tokenIdOf } from '../signing/sign-routes.ts';
import type { SigningAgreement } from '../signing/signing-agreement.ts';
import { LitRequestError } from './lit-routes.ts';
import { normaliseNodeAddress, verifySessionSig } from './session-sig.ts';

/**
 * Lit's pkpSign (POST /web/pkp/sign/v2, what `litClient.chain.*.pkpSign` asks each node of its
 * signing set for). This node checks, alone and in this order: the session signature was made
 * for it and grants pkp-signing; the key is one of this network's PKPs; the signing set names
 * registered nodes, itself among them, and is at least T strong; the wallet behind the session
 * owns the PKP or is permitted to sign with it (SignAnything), on chain now. Only then does it
 * take part in the set's agreement on a presignature (signing-agreement.ts), and it answers its
 * share weighted by its Lagrange coefficient over the set, in Lit's share format.
 */
export async function litPkpSign(
  ctx: NodeContext,
  agreement: SigningAgreement,
  limiter: BindLimiter,
  request: PkpSignRequest,
  requestId: string | undefined,
): Promise<PkpSignData> {
  const { digest, publicKey, s, bigR } = await signForSdk(ctx, agreement, limiter, request, {
    signingSet: () => signingSetOf(ctx, request.nodeSet),
    requestId,
    tag: 'litbox-sdk-sign-v1',
  });
  return {
    success: true,
    signedData: [...request.toSign],
    signatureShare: litEcdsaShare(ctx.index, digest, publicKey, s, bigR),
  };
}

/** What every version of Lit's pkpSign asks of a node. */
export interface SdkSignRequest {
  authSig: unknown;
  pubkey: string;
  toSign: readonly number[];
}

/**
 * The checks and the signing behind Lit's pkpSign, whichever SDK asks (v2 for v8, v1 for v7), in
 * this order: the session signature was made for this node and grants pkp-signing (a wallet's,
 * or a PKP session's: the network's BLS signature); the key is one of this network's PKPs;
 * `signingSet` (v2: the SDK's set, checked; v1: every node); the wallet behind the session, or
 * one of the PKP session's auth methods, owns the PKP or is permitted with SignAnything, on
 * chain now. Then the set agrees on a presignature; the answer is this node's share weighted by
 * its Lagrange coefficient over the set. `tag` keeps one SDK's calls apart from another's with
 * the same X-Request-Id.
 */
export async function signForSdk(
  ctx: NodeContext,
  agreement: SigningAgreement,
  limiter: BindLimiter,
  request: SdkSignRequest,
  options: { signingSet: () => number[]; requestId: string | undefined; tag: string },
): Promise<{ digest: string; publicKey: string; s: bigint; bigR: Uint8Array }> {
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
  const set = options.signingSet();
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
  // Each call takes a presignature out of the pool for good: the leader, who picks it, keeps the
  // requester to the same budget as anyone binding from outside the host (bind-limiter.ts).
  if (Math.min(...set) === ctx.index) {
    try {
      limiter.take(session.requester);
    } catch (err) {
      throw new LitRequestError('pkpSign', 'rate_limited', (err as Error).message);
    }
  }
  const key = statementDigest(options.tag, [options.requestId ?? '', tokenId, digest, set.join(',')]).toString('hex');
  return { digest, publicKey, ...(await agreement.sign({ key, tokenId, publicKey, digest, set })) };
}

/** A weighted share in Lit's format: scalars and points as JSON strings of hex, as Lit's nodes send them. */
export function litEcdsaShare(
  index: number,
  digest: string,
  publicKey: string,
  s: bigint,
  bigR: Uint8Array,
): z.infer<typeof LitEcdsaShare> {
  const key65 = Buffer.from(publicKey.replace(/^0x/, ''), 'hex');
  const quoted = (hex: string) => JSON.stringify(hex);
  return LitEcdsaShare.parse({
    EcdsaSignedMessageShare: {
      digest: digest.replace(/^0x/, ''),
      result: 'success',
      share_id: quoted(String(index)),
      peer_id: String(index),
      signature_share: quoted(secp256k1Group.Fn.create(s).toString(16).padStart(64, '0')),
      big_r: quoted(Buffer.from(secp256k1Group.Point.fromBytes(bigR).toBytes(true)).toString('hex')),
      compressed_public_key: quoted(Buffer.from(secp256k1Group.Point.fromBytes(key65).toBytes(true)).toString('hex')),
      public_key: quoted(key65.toString('hex')),
      sig_type: 'EcdsaK256Sha256',
    },
  });
}

/** The SDK's node set as node indices (ascending), checked against Staking and the threshold. */
export function signingSetOf(
  ctx: Pick<NodeContext, 'index' | 'threshold' | 'nodeCount' | 'peers'>,
  nodeSet: PkpSignRequest['nodeSet'],
): number[] {
  const byAddress = new Map(ctx.peers.all().map((p) => [normaliseNodeAddress(p.endpoint), p.index]));
  const set = new Set<number>();
  for (const node of nodeSet) {
    const index = byAddress.get(normaliseNodeAddress(node.socketAddress));
    if (index === undefined)
      throw new LitRequestError(
        'pkpSign',
        'bad_request',
        `nodeSet names ${node.socketAddress}, which is not a node of this network`,
      );
    set.add(index);
  }
  if (!set.has(ctx.index)) throw new LitRequestError('pkpSign', 'bad_request', 'nodeSet does not name this node');
  if (set.size < ctx.threshold)
    throw new LitRequestError(
      'pkpSign',
      'signing_set_too_small',
      `the SDK asked ${set.size} nodes to sign, but this network needs ${ctx.threshold} of its ${ctx.nodeCount} ` +
        `(Lit's SDK asks max(3, floor(2N/3)) nodes: run the sandbox with 3, 4, 6, 9, 12, 15 or 18 nodes; see docs/LIT-SDK.md)`,
    );
  return [...set].sort((a, b) => a - b);
}

/** v7's signing set: every node of the network, which this node must all see in Staking. */
export function everyNodeSet(ctx: Pick<NodeContext, 'nodeCount' | 'peers'>, route: 'pkpSign' | 'executeJs'): number[] {
  const set = ctx.peers
    .all()
    .map((p) => p.index)
    .sort((a, b) => a - b);
  if (set.length !== ctx.nodeCount)
    throw new LitRequestError(route, 'not_ready', 'this node does not see every node of the network in Staking yet');
  return set;
}
