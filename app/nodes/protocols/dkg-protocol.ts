import { randomBytes } from 'node:crypto';
import { keccak256 } from 'ethers';
import { secp256k1Group, secp256k1UncompressedBytes, decodePoint } from '../../shared/threshold/groups.ts';
import { dealDkg, finishDkg, type ReceivedDkgDealing } from '../../shared/threshold/dkg.ts';
import { KEY_TYPE } from '../../shared/contracts/index.ts';
import { fromWireJson, toWireJson } from '../../shared/wire-json.ts';
import { NodeRequestError } from '../http-server.ts';
import type { NodeContext } from '../node-context.ts';
import { callAll, callPeer } from '../peers/peer-client.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';
import { openEnvelope, sealEnvelope, type SignedEnvelope } from '../peers/signed-envelope.ts';

/**
 * Distributed key generation for PKP keys, in batches. The leader relays; it never sees a
 * share (each is encrypted for its recipient) and cannot alter a commitment (each is signed
 * by its dealer). Three rounds:
 *   deal    every node deals `count` degree-t polynomials: signed commitments, sealed shares;
 *   finish  every node checks its shares against the commitments, stores them as pending,
 *           and signs the public keys it computed;
 *   commit  every node sees all N confirmations of the same keys, marks its shares ready and
 *           votes for them in PubkeyRouter, which routes a key once T nodes voted.
 * All N nodes take part: a key whose share some node lacks would lose fault tolerance.
 */

interface DealRequest {
  participants: number[];
  degree: number;
  count: number;
}
interface DealResponse {
  broadcast: SignedEnvelope;
  sealed: Record<string, Uint8Array>;
}
interface FinishRequest extends DealRequest {
  broadcasts: SignedEnvelope[];
  sealed: Record<string, Uint8Array>;
}
interface Confirmation {
  pubkeys: string[];
}

const MAX_BATCH = 64;

function checkBatch(ctx: NodeContext, req: DealRequest): void {
  const ok =
    Array.isArray(req.participants) &&
    req.participants.length === ctx.nodeCount &&
    req.participants.every((p, i) => p === i + 1) &&
    req.degree === ctx.t &&
    Number.isInteger(req.count) &&
    req.count >= 1 &&
    req.count <= MAX_BATCH;
  if (!ok) throw new NodeRequestError(400, 'bad_batch', 'DKG batch parameters do not match this network');
}

/** Participant: round 1. */
export function handleDkgDeal(ctx: NodeContext, raw: unknown): DealResponse {
  const { from, session, body } = openEnvelope<DealRequest>(ctx.crypto, ctx.peers, raw, { kind: 'dkg/deal' });
  ctx.replay.once(from, 'dkg/deal', session);
  checkBatch(ctx, body);
  const commitments: Uint8Array[][] = [];
  const perRecipient: bigint[][] = body.participants.map(() => []);
  for (let b = 0; b < body.count; b++) {
    const dealing = dealDkg({ group: secp256k1Group, dealer: ctx.index, n: ctx.nodeCount, degree: body.degree });
    commitments.push(dealing.commitments.map((c) => c.toBytes(true)));
    dealing.shares.forEach((share, j) => perRecipient[j]!.push(share.value));
  }
  const sealed: Record<string, Uint8Array> = {};
  for (const recipient of body.participants) {
    const peer = requirePeer(ctx, recipient);
    sealed[recipient] = ctx.crypto.encryptFor(
      ctx.index,
      peer,
      Buffer.from(toWireJson(perRecipient[recipient - 1])),
      `dkg/${session}/${ctx.index}/${recipient}`,
    );
  }
  return { broadcast: sealEnvelope(ctx.crypto, ctx.index, 'dkg/broadcast', session, { commitments }), sealed };
}

/** Participant: round 2. */
export function handleDkgFinish(ctx: NodeContext, raw: unknown): SignedEnvelope {
  const { from, session, body } = openEnvelope<FinishRequest>(ctx.crypto, ctx.peers, raw, { kind: 'dkg/finish' });
  ctx.replay.once(from, 'dkg/finish', session);
  checkBatch(ctx, body);
  const perKey: ReceivedDkgDealing[][] = Array.from({ length: body.count }, () => []);
  for (const dealer of body.participants) {
    const envelope = body.broadcasts.find((b) => b?.from === dealer);
    if (!envelope) throw new NodeRequestError(400, 'missing_dealing', `no dealing from node ${dealer}`);
    const { body: broadcast } = openEnvelope<{ commitments: Uint8Array[][] }>(ctx.crypto, ctx.peers, envelope, {
      kind: 'dkg/broadcast',
      session,
      from: dealer,
    });
    const sealed = body.sealed[dealer];
    if (!(sealed instanceof Uint8Array))
      throw new NodeRequestError(400, 'missing_dealing', `no shares from node ${dealer}`);
    let shares: bigint[];
    try {
      shares = fromWireJson<bigint[]>(
        ctx.crypto
          .decryptFrom(ctx.index, requirePeer(ctx, dealer), sealed, `dkg/${session}/${dealer}/${ctx.index}`)
          .toString('utf8'),
      );
    } catch {
      throw new NodeRequestError(400, 'bad_dealing', `the shares from node ${dealer} do not decrypt`);
    }
    if (
      !Array.isArray(shares) ||
      shares.length !== body.count ||
      !Array.isArray(broadcast.commitments) ||
      broadcast.commitments.length !== body.count
    )
      throw new NodeRequestError(400, 'bad_dealing', `the dealing from node ${dealer} has the wrong size`);
    for (let b = 0; b < body.count; b++) {
      const commitments = broadcast.commitments[b]!.map((c) => decodePoint(secp256k1Group, c));
      perKey[b]!.push({ dealer, share: shares[b]!, commitments });
    }
  }
  const results = perKey.map((dealings) =>
    finishDkg({ group: secp256k1Group, n: ctx.nodeCount, degree: body.degree, me: ctx.index, dealings }),
  );
  const stored = results.map((r) => {
    const publicKey = `0x${Buffer.from(secp256k1UncompressedBytes(r.publicKey)).toString('hex')}`;
    return { tokenId: BigInt(keccak256(publicKey)).toString(), publicKey, share: r.secretShare };
  });
  ctx.keys.savePending(session, stored);
  return sealEnvelope(ctx.crypto, ctx.index, 'dkg/confirm', session, {
    pubkeys: stored.map((s) => s.publicKey),
  } satisfies Confirmation);
}

/** Participant: round 3. Votes only for keys every node confirmed. */
export async function handleDkgCommit(ctx: NodeContext, raw: unknown): Promise<{ voted: number }> {
  const { from, session, body } = openEnvelope<{ confirmations: SignedEnvelope[] }>(ctx.crypto, ctx.peers, raw, {
    kind: 'dkg/commit',
  });
  ctx.replay.once(from, 'dkg/commit', session);
  let agreed: string[] | undefined;
  for (let node = 1; node <= ctx.nodeCount; node++) {
    const envelope = body.confirmations?.find((c) => c?.from === node);
    if (!envelope) throw new NodeRequestError(400, 'missing_confirmation', `node ${node} did not confirm`);
    const { body: confirmation } = openEnvelope<Confirmation>(ctx.crypto, ctx.peers, envelope, {
      kind: 'dkg/confirm',
      session,
      from: node,
    });
    const keys = JSON.stringify(confirmation.pubkeys);
    if (agreed && JSON.stringify(agreed) !== keys)
      throw new NodeRequestError(409, 'disagreement', `node ${node} computed different public keys`);
    agreed = confirmation.pubkeys;
  }
  const pubkeys = agreed ?? [];
  const tokenIds = pubkeys.map((pk) => BigInt(keccak256(pk)).toString());
  if (tokenIds.some((id, i) => ctx.keys.get(id)?.publicKey !== pubkeys[i]))
    throw new NodeRequestError(409, 'disagreement', 'the confirmed keys are not the ones this node holds');
  ctx.keys.markReady(tokenIds);
  const staking = ctx.chain.addresses.Staking;
  for (let i = 0; i < pubkeys.length; i++) {
    await ctx.chain.send(async (w) => {
      // A fixed gas limit: the vote that reaches the threshold also routes the key, which an
      // estimate made before the other nodes' votes landed would not cover.
      const tx = await w.PubkeyRouter.voteForRoutingData(tokenIds[i]!, pubkeys[i]!, staking, KEY_TYPE.ECDSA, {
        gasLimit: 600_000,
      });
      await tx.wait();
    });
  }
  return { voted: pubkeys.length };
}

function requirePeer(ctx: NodeContext, index: number): PeerInfo {
  const peer = ctx.peers.peer(index);
  if (!peer) throw new NodeRequestError(400, 'unknown_node', `node ${index} is not registered`);
  return peer;
}

/** Leader: one DKG batch among all nodes. Resolves once every node voted for every key. */
export async function runDkgBatch(ctx: NodeContext, count: number): Promise<string[]> {
  const session = `dkg-${ctx.index}-${Date.now()}-${randomBytes(6).toString('hex')}`;
  const peers = ctx.peers.all();
  const participants = peers.map((p) => p.index);
  const params: DealRequest = { participants, degree: ctx.t, count };
  const envelope = (kind: string, body: unknown) => sealEnvelope(ctx.crypto, ctx.index, kind, session, body);

  const deal = envelope('dkg/deal', params);
  const dealings = await callAll(peers, (p) => callPeer<DealResponse>(p, '/peer/dkg/deal', deal));
  const broadcasts = [...dealings.values()].map((d) => d.broadcast);
  const confirmations = await callAll(peers, (p) => {
    const sealed: Record<string, Uint8Array> = {};
    for (const [dealer, d] of dealings) sealed[dealer] = d.sealed[p.index]!;
    return callPeer<SignedEnvelope>(p, '/peer/dkg/finish', envelope('dkg/finish', { ...params, broadcasts, sealed }));
  });
  const commit = envelope('dkg/commit', { confirmations: [...confirmations.values()] });
  await callAll(peers, (p) => callPeer<{ voted: number }>(p, '/peer/dkg/commit', commit, 120_000));
  const first = fromWireJson<Confirmation>([...confirmations.values()][0]!.body);
  return first.pubkeys;
}
