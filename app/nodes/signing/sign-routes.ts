import { tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import { signShare } from '../../shared/threshold/ecdsa.ts';
import { BindRequest, ReleaseRequest, type ReleaseResponse } from '../../shared/node-api.ts';
import { AUTH_METHOD_SCOPE } from '../../shared/contracts/index.ts';
import { verifyRequester, type VerifiedRequester } from '../auth/requester.ts';
import { parseRequest, type Caller } from '../http-server.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { BindLimiter } from './bind-limiter.ts';
import type { NodeContext } from '../node-context.ts';
import { statementDigest } from '../peers/peer-crypto.ts';

/**
 * Signing is two short requests per node. bind: the node checks the requester and the digest,
 * binds one presignature to (key, digest) in a commit (PresignStore.startServing says when that
 * counts), and authenticates that binding to every node (a MAC per node under their pairwise
 * key). release: given T nodes' bindings of that presignature to that same (key, digest), it
 * returns its share. Each node binds a presignature once, and 2T > N, so no presignature can
 * gather T bindings for two messages: no share for a second message ever leaves any node.
 */

/** What releasing and binding need of a node. */
export type SigningContext = Pick<NodeContext, 'index' | 'threshold' | 'crypto' | 'peers' | 'presigs' | 'keys'>;

/** A public key as 0x and lower-case hex, however the caller wrote it. */
export const normalizeKey = (publicKey: string) => `0x${publicKey.replace(/^0x/, '').toLowerCase()}`;

export function bindingDigest(presignatureId: string, tokenId: string, digest: string): Buffer {
  return statementDigest('litbox-bind-v1', [presignatureId, tokenId, digest.toLowerCase()]);
}

/** One MAC per node on the binding statement, each under the key this node shares with it. */
export function bindingTags(
  ctx: SigningContext,
  presignatureId: string,
  tokenId: string,
  digest: string,
): Record<string, string> {
  const statement = bindingDigest(presignatureId, tokenId, digest);
  const tags: Record<string, string> = {};
  for (const peer of ctx.peers.all()) tags[peer.index] = ctx.crypto.macFor(ctx.index, peer, statement).toString('hex');
  return tags;
}

function describeRequester(r: VerifiedRequester): string {
  const who = [r.address, ...r.authMethods.map((m) => `auth method ${m.authMethodType}:${m.userId}`)].filter(Boolean);
  return who.join(' / ') || 'the requester';
}

/** Token id by public key: a keccak and a point check per bind and per release otherwise. */
const tokenIds = new Map<string, string>();

export function tokenIdOf(publicKey: string): string {
  let tokenId = tokenIds.get(publicKey);
  if (tokenId === undefined) {
    tokenId = tokenIdFromPubkey(publicKey).toString();
    if (tokenIds.size >= 10_000) tokenIds.clear();
    tokenIds.set(publicKey, tokenId);
  }
  return tokenId;
}

export function readyShare(ctx: SigningContext, publicKey: string) {
  const tokenId = tokenIdOf(publicKey);
  const share = ctx.keys.get(tokenId);
  if (!share || share.status !== 'ready')
    throw new NodeRequestError(404, 'unknown_pkp', 'this network holds no PKP with that public key');
  return share;
}

/** One name per requester, for its bind budget. */
function requesterKey(r: VerifiedRequester): string {
  return r.address ?? r.authMethods.map((m) => `${m.authMethodType}:${m.userId}`).join(',');
}

export async function handleBind(ctx: NodeContext, body: string, caller: Caller, limiter: BindLimiter) {
  const req = parseRequest(BindRequest, body);
  const publicKey = normalizeKey(req.publicKey);
  const share = readyShare(ctx, publicKey);
  const requester = await verifyRequester(ctx.auth, ctx.authMethodVerifiers, req);
  if (!(await ctx.permissions.requesterMaySign(share.tokenId, requester, AUTH_METHOD_SCOPE.SignAnything)))
    throw new NodeRequestError(
      403,
      'not_permitted',
      `${describeRequester(requester)} may not sign with this PKP (not its owner, nor permitted with the SignAnything scope)`,
    );
  // The host API limits the wallet's own client; anyone else binds slowly (bind-limiter.ts).
  if (!caller.host) limiter.take(requesterKey(requester));
  await ctx.presigs.bind(req.presignatureId, share.tokenId, req.toSign.toLowerCase());
  return { binding: { node: ctx.index, tags: bindingTags(ctx, req.presignatureId, share.tokenId, req.toSign) } };
}

export function handleRelease(ctx: NodeContext, body: string): ReleaseResponse {
  const req = parseRequest(ReleaseRequest, body);
  const { s, bigR } = releaseShare(ctx, req.presignatureId, req.publicKey, req.toSign, req.bindings);
  return {
    node: ctx.index,
    share: `0x${s.toString(16).padStart(64, '0')}`,
    bigR: `0x${Buffer.from(bigR).toString('hex')}`,
  };
}

/** A node's binding of a presignature, as other nodes check it: one MAC per node. */
export interface NodeBinding {
  node: number;
  tags: Record<string, string>;
}

/**
 * This node's signature share s_j from a presignature it bound durably to exactly this (key,
 * digest), once `bindings` hold T valid bindings of that presignature to that same pair (the
 * rule of DESIGN.md section 4). Every release of a share goes through here, the host client's
 * and the Lit SDK's. Returns s_j unweighted and R'.
 */
export function releaseShare(
  ctx: SigningContext,
  presignatureId: string,
  rawPublicKey: string,
  rawDigest: string,
  bindings: readonly NodeBinding[],
): { s: bigint; bigR: Uint8Array } {
  const publicKey = normalizeKey(rawPublicKey);
  const share = readyShare(ctx, publicKey);
  const digest = rawDigest.toLowerCase();
  const presig = ctx.presigs.boundTo(presignatureId, share.tokenId, digest);
  const statement = bindingDigest(presignatureId, share.tokenId, digest);
  const valid = new Set<number>();
  for (const binding of bindings) {
    const peer = ctx.peers.peer(binding.node);
    const tag = Object.hasOwn(binding.tags, ctx.index) ? binding.tags[ctx.index] : undefined;
    if (peer && tag && ctx.crypto.checkMac(ctx.index, peer, statement, Buffer.from(tag, 'hex')))
      valid.add(binding.node);
  }
  if (valid.size < ctx.threshold)
    throw new NodeRequestError(
      409,
      'not_enough_bindings',
      `a share needs ${ctx.threshold} nodes' bindings of this presignature to this message; got ${valid.size} valid`,
    );
  const signed = signShare({
    digest: Buffer.from(digest.slice(2), 'hex'),
    R: presig.R,
    w: presig.w,
    z2: presig.z2,
    keyShare: share.share,
    publicKey: Buffer.from(publicKey.slice(2), 'hex'),
  });
  ctx.presigs.markReleased(presignatureId);
  return signed;
}
