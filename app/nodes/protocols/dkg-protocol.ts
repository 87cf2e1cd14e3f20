import { randomBytes } from 'node:crypto';
import { decodePoint } from '../../shared/threshold/groups.ts';
import { dealDkg, finishDkg, type ReceivedDkgDealing } from '../../shared/threshold/dkg.ts';
import { fromWireJson, toWireJson } from '../../shared/wire-json.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { NodeContext } from '../node-context.ts';
import { callAll, callPeer } from '../peers/peer-client.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';
import { z } from 'zod';
import {
  messageBody,
  openEnvelope,
  RelayedEnvelopes,
  SealedValues,
  sealEnvelope,
  type SignedEnvelope,
} from '../peers/signed-envelope.ts';
import { DKG_PURPOSES, type DkgPurpose } from './dkg-purposes.ts';

/**
 * Distributed key generation in batches, for PKP keys and for the network's BLS key. The
 * leader relays; it never sees a share (each is encrypted for its recipient) and cannot alter
 * a commitment (each is signed by its dealer). Three rounds:
 *   deal    every node deals `count` random polynomials: signed commitments, sealed shares;
 *   finish  every node checks its shares against the commitments, stores them as pending,
 *           and signs the public keys it computed;
 *   commit  every node sees all N confirmations of the same keys and commits them (PKP keys:
 *           marks them ready and votes in PubkeyRouter, which routes a key once T voted).
 * All N nodes take part: a key whose share some node lacks would lose fault tolerance.
 */

interface DealRequest {
  purpose: DkgPurpose['name'];
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
  purpose: DkgPurpose['name'];
  pubkeys: string[];
}
const FinishBody = z.looseObject({ broadcasts: RelayedEnvelopes, sealed: SealedValues });
const CommitBody = z.object({ confirmations: RelayedEnvelopes });
const ConfirmationBody = z.object({
  purpose: z.enum(['pkp', 'network']),
  pubkeys: z.array(z.string().regex(/^0x[0-9a-f]+$/)).max(1024),
});

function purposeOf(ctx: NodeContext, req: DealRequest): DkgPurpose {
  const purpose = Object.hasOwn(DKG_PURPOSES, req?.purpose) ? DKG_PURPOSES[req.purpose] : undefined;
  const ok =
    purpose !== undefined &&
    Array.isArray(req.participants) &&
    req.participants.length === ctx.nodeCount &&
    req.participants.every((p, i) => p === i + 1) &&
    req.degree === purpose.degree(ctx) &&
    Number.isInteger(req.count) &&
    req.count >= 1 &&
    req.count <= purpose.maxCount;
  if (!ok) throw new NodeRequestError(400, 'bad_batch', 'DKG batch parameters do not match this network');
  return purpose;
}

function requirePeer(ctx: NodeContext, index: number): PeerInfo {
  const peer = ctx.peers.peer(index);
  if (!peer) throw new NodeRequestError(400, 'unknown_node', `node ${index} is not registered`);
  return peer;
}

/** Participant: round 1. */
export function handleDkgDeal(ctx: NodeContext, raw: unknown): DealResponse {
  const { from, session, body } = openEnvelope<DealRequest>(ctx.crypto, ctx.peers, raw, { kind: 'dkg/deal' });
  ctx.sessions.open(session, from, 'dkg/finish');
  const purpose = purposeOf(ctx, body);
  const commitments: Uint8Array[][] = [];
  const perRecipient: bigint[][] = body.participants.map(() => []);
  for (let b = 0; b < body.count; b++) {
    const dealing = dealDkg({ group: purpose.group, dealer: ctx.index, n: ctx.nodeCount, degree: body.degree });
    commitments.push(dealing.commitments.map((c) => c.toBytes(true)));
    dealing.shares.forEach((share, j) => perRecipient[j]!.push(share.value));
  }
  const sealed: Record<string, Uint8Array> = {};
  for (const recipient of body.participants) {
    sealed[recipient] = ctx.crypto.encryptFor(
      ctx.index,
      requirePeer(ctx, recipient),
      Buffer.from(toWireJson(perRecipient[recipient - 1])),
      `dkg/${session}/${ctx.index}/${recipient}`,
    );
  }
  return { broadcast: sealEnvelope(ctx.crypto, ctx.index, 'dkg/broadcast', session, { commitments }), sealed };
}

/** Participant: round 2. */
export function handleDkgFinish(ctx: NodeContext, raw: unknown): SignedEnvelope {
  const { from, session, body: message } = openEnvelope<unknown>(ctx.crypto, ctx.peers, raw, { kind: 'dkg/finish' });
  ctx.sessions.advance(session, from, 'dkg/finish', 'dkg/commit');
  const body = messageBody(FinishBody, message, 'dkg/finish') as unknown as FinishRequest;
  const purpose = purposeOf(ctx, body);
  const perKey: ReceivedDkgDealing[][] = Array.from({ length: body.count }, () => []);
  for (const dealer of body.participants) {
    const envelope = body.broadcasts.find((b) => b?.from === dealer);
    if (!envelope) throw new NodeRequestError(400, 'missing_dealing', `no dealing from node ${dealer}`);
    const { body: broadcast } = openEnvelope<{ commitments: Uint8Array[][] }>(ctx.crypto, ctx.peers, envelope, {
      kind: 'dkg/broadcast',
      session,
      from: dealer,
    });
    const sealed = Object.hasOwn(body.sealed, dealer) ? body.sealed[dealer] : undefined;
    if (!(sealed instanceof Uint8Array))
      throw new NodeRequestError(400, 'missing_dealing', `no shares from node ${dealer}`);
    let shares: bigint[];
    try {
      const label = `dkg/${session}/${dealer}/${ctx.index}`;
      shares = fromWireJson<bigint[]>(
        ctx.crypto.decryptFrom(ctx.index, requirePeer(ctx, dealer), sealed, label).toString('utf8'),
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
      let commitments;
      try {
        commitments = broadcast.commitments[b]!.map((c) => decodePoint(purpose.group, c));
      } catch {
        throw new NodeRequestError(400, 'bad_dealing', `the commitments from node ${dealer} are not points`);
      }
      perKey[b]!.push({ dealer, share: shares[b]!, commitments });
    }
  }
  let results;
  try {
    results = perKey.map((dealings) =>
      finishDkg({ group: purpose.group, n: ctx.nodeCount, degree: body.degree, me: ctx.index, dealings }),
    );
  } catch (err) {
    throw new NodeRequestError(400, 'bad_dealing', (err as Error).message);
  }
  const pubkeys = purpose.savePending(ctx, session, results);
  return sealEnvelope(ctx.crypto, ctx.index, 'dkg/confirm', session, {
    purpose: purpose.name,
    pubkeys,
  } satisfies Confirmation);
}

/** Participant: round 3. Commits only keys every node confirmed. */
export async function handleDkgCommit(ctx: NodeContext, raw: unknown): Promise<{ committed: number }> {
  const {
    from,
    session,
    body: message,
  } = openEnvelope<unknown>(ctx.crypto, ctx.peers, raw, {
    kind: 'dkg/commit',
  });
  ctx.sessions.advance(session, from, 'dkg/commit', undefined);
  const body = messageBody(CommitBody, message, 'dkg/commit') as { confirmations: (SignedEnvelope | null)[] };
  let agreed: Confirmation | undefined;
  for (let node = 1; node <= ctx.nodeCount; node++) {
    const envelope = body.confirmations.find((c) => c?.from === node);
    if (!envelope) throw new NodeRequestError(400, 'missing_confirmation', `node ${node} did not confirm`);
    const opened = openEnvelope<unknown>(ctx.crypto, ctx.peers, envelope, { kind: 'dkg/confirm', session, from: node });
    const confirmation: Confirmation = messageBody(ConfirmationBody, opened.body, 'dkg/confirm');
    if (agreed && JSON.stringify(agreed) !== JSON.stringify(confirmation))
      throw new NodeRequestError(409, 'disagreement', `node ${node} computed different public keys`);
    agreed = confirmation;
  }
  if (!agreed || !Object.hasOwn(DKG_PURPOSES, agreed.purpose))
    throw new NodeRequestError(400, 'bad_commit', 'no confirmations to commit');
  await DKG_PURPOSES[agreed.purpose].commit(ctx, session, agreed.pubkeys);
  return { committed: agreed.pubkeys.length };
}

/** Leader: one DKG batch among all nodes. Resolves once every node committed every key. */
export async function runDkgBatch(ctx: NodeContext, purpose: DkgPurpose, count: number): Promise<string[]> {
  const session = `dkg-${purpose.name}-${ctx.index}-${Date.now()}-${randomBytes(6).toString('hex')}`;
  const peers = ctx.peers.all();
  const params: DealRequest = {
    purpose: purpose.name,
    participants: peers.map((p) => p.index),
    degree: purpose.degree(ctx),
    count,
  };
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
  await callAll(peers, (p) => callPeer<{ committed: number }>(p, '/peer/dkg/commit', commit, 120_000));
  return fromWireJson<Confirmation>([...confirmations.values()][0]!.body).pubkeys;
}
