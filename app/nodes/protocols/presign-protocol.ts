import { randomBytes } from 'node:crypto';
import {
  presignRound1DealSteps,
  presignRound1FinishSteps,
  presignRound2Finish,
  presignRound2Value,
  runPresignSteps,
  type PresignBatchParams,
  type PresignDealingBroadcast,
  type PresignPrivateShares,
  type PresignRound1State,
  type PresignRound2Message,
  type PresignSteps,
} from '../../shared/threshold/presign.ts';
import { fromWireJson, toWireJson } from '../../shared/wire-json.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { NodeContext } from '../node-context.ts';
import { callAll, callPeer } from '../peers/peer-client.ts';
import { BACKGROUND_NICENESS, PresignWorker } from './presign-worker.ts';
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

/**
 * Presignatures in batches among the nodes that are up (at least T of them), relayed by the
 * leader like DKG. Three rounds: deal (signed broadcast + sealed private values), round 2
 * (each node checks its values and publishes v = k·a + z1), finish (each node interpolates
 * μ = k·a, keeps w = a/μ and z2, stores the batch durably). A node that finds anything wrong
 * refuses the round and the batch is dropped everywhere.
 */

const MAX_BATCH = 256;
/** Round-1 state waits this long for round 2. */
const STATE_TTL_MS = 60_000;

/**
 * A batch as the leader proposes it: the math's parameters, and how the participants schedule
 * the work (not part of the math). `background`: the pool has room to spare, so the batch runs
 * on a thread below the node's priority, after its signing (presign-worker.ts).
 */
export type PresignBatchProposal = PresignBatchParams & { readonly background?: boolean };

interface DealResponse {
  broadcast: SignedEnvelope;
  sealed: Record<string, Uint8Array>;
}
interface Round2Request {
  params: PresignBatchProposal;
  broadcasts: SignedEnvelope[];
  sealed: Record<string, Uint8Array>;
}
const Round2Body = z.object({ params: z.unknown(), broadcasts: RelayedEnvelopes, sealed: SealedValues });
const FinishBody = z.object({ messages: RelayedEnvelopes });

const pending = new Map<string, { state: PresignRound1State; at: number }>();

function checkParams(ctx: NodeContext, params: PresignBatchProposal, session: string): void {
  const p = params?.participants;
  const ok =
    params?.batchId === session &&
    Array.isArray(p) &&
    p.length >= ctx.threshold &&
    p.includes(ctx.index) &&
    p.every((i, k) => Number.isInteger(i) && i >= 1 && i <= ctx.nodeCount && (k === 0 || i > p[k - 1]!)) &&
    params.t === ctx.t &&
    Number.isInteger(params.count) &&
    params.count >= 1 &&
    params.count <= MAX_BATCH &&
    (params.background === undefined || typeof params.background === 'boolean');
  if (!ok) throw new NodeRequestError(400, 'bad_batch', 'presignature batch parameters do not match this network');
}

/** Lets the node's other work (its binds and releases, above all) run before the next step. */
const aBreak = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A batch this small runs its rounds straight through: its blocks are short, and the leader
 * makes one only when requests wait for it (presign-batch-policy.ts), which breaks would delay.
 */
const STRAIGHT_THROUGH_AT_MOST = 32;

const takesBreaks = (params: PresignBatchParams) => params.count > STRAIGHT_THROUGH_AT_MOST;

/** The background thread, one per process (the nodes of one test process share it). */
let backgroundThread: PresignWorker | undefined;
const inBackground = (params: PresignBatchProposal): PresignWorker | undefined =>
  params.background === true && takesBreaks(params)
    ? (backgroundThread ??= new PresignWorker(BACKGROUND_NICENESS))
    : undefined;

/**
 * Runs a round's steps, with a break after each for a batch that takes breaks: a signing request
 * that arrives meanwhile waits for one step (a few ms), not for the whole round (25–40 ms of CPU
 * for a batch of 100 here, several times that in wall time on a busy machine).
 */
async function runRoundSteps<T>(params: PresignBatchParams, steps: PresignSteps<T>): Promise<T> {
  if (!takesBreaks(params)) return runPresignSteps(steps);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await aBreak();
  }
}

function peerOf(ctx: NodeContext, index: number): PeerInfo {
  const peer = ctx.peers.peer(index);
  if (!peer) throw new NodeRequestError(400, 'unknown_node', `node ${index} is not registered`);
  return peer;
}

/** Participant, round 1. */
export async function handlePresignDeal(ctx: NodeContext, raw: unknown): Promise<DealResponse> {
  const {
    from,
    session,
    body: params,
  } = openEnvelope<PresignBatchProposal>(ctx.crypto, ctx.peers, raw, { kind: 'presign/deal' });
  ctx.sessions.open(session, from, 'presign/round2');
  checkParams(ctx, params, session);
  const background = inBackground(params);
  const dealing = background
    ? await background.deal(params, ctx.index)
    : await runRoundSteps(params, presignRound1DealSteps(params, ctx.index));
  const sealed: Record<string, Uint8Array> = {};
  for (const shares of dealing.privateShares) {
    sealed[shares.recipient] = ctx.crypto.encryptFor(
      ctx.index,
      peerOf(ctx, shares.recipient),
      Buffer.from(toWireJson(shares)),
      `presign/${session}/${ctx.index}/${shares.recipient}`,
    );
  }
  return { broadcast: sealEnvelope(ctx.crypto, ctx.index, 'presign/broadcast', session, dealing.broadcast), sealed };
}

/** Participant, round 2: checks every dealing addressed to it, then publishes its v values. */
export async function handlePresignRound2(ctx: NodeContext, raw: unknown): Promise<SignedEnvelope> {
  const {
    from,
    session,
    body: message,
  } = openEnvelope<unknown>(ctx.crypto, ctx.peers, raw, {
    kind: 'presign/round2',
  });
  ctx.sessions.advance(session, from, 'presign/round2', 'presign/finish');
  const body = messageBody(Round2Body, message, 'presign/round2') as Round2Request;
  checkParams(ctx, body.params, session);
  const received: { broadcast: PresignDealingBroadcast; shares: PresignPrivateShares }[] = [];
  for (const dealer of body.params.participants) {
    const envelope = body.broadcasts.find((b) => b?.from === dealer);
    if (!envelope) throw new NodeRequestError(400, 'missing_dealing', `no dealing from node ${dealer}`);
    const { body: broadcast } = openEnvelope<PresignDealingBroadcast>(ctx.crypto, ctx.peers, envelope, {
      kind: 'presign/broadcast',
      session,
      from: dealer,
    });
    const sealed = Object.hasOwn(body.sealed, dealer) ? body.sealed[dealer] : undefined;
    if (!(sealed instanceof Uint8Array))
      throw new NodeRequestError(400, 'missing_dealing', `no values from node ${dealer}`);
    let shares: PresignPrivateShares;
    try {
      shares = fromWireJson(
        ctx.crypto
          .decryptFrom(ctx.index, peerOf(ctx, dealer), sealed, `presign/${session}/${dealer}/${ctx.index}`)
          .toString('utf8'),
      );
    } catch {
      throw new NodeRequestError(400, 'bad_dealing', `the values from node ${dealer} do not decrypt`);
    }
    received.push({ broadcast, shares });
    if (takesBreaks(body.params)) await aBreak();
  }
  let state: PresignRound1State;
  try {
    const background = inBackground(body.params);
    state = background
      ? await background.finish(body.params, ctx.index, received)
      : await runRoundSteps(body.params, presignRound1FinishSteps(body.params, ctx.index, received));
  } catch (err) {
    throw new NodeRequestError(400, 'bad_dealing', (err as Error).message);
  }
  const now = Date.now();
  for (const [id, entry] of pending) if (now - entry.at > STATE_TTL_MS) pending.delete(id);
  pending.set(session, { state, at: now });
  return sealEnvelope(ctx.crypto, ctx.index, 'presign/v', session, presignRound2Value(state));
}

/** Participant, round 3: μ, w, and the batch stored durably. */
export async function handlePresignFinish(ctx: NodeContext, raw: unknown): Promise<{ stored: number }> {
  const {
    from,
    session,
    body: message,
  } = openEnvelope<unknown>(ctx.crypto, ctx.peers, raw, {
    kind: 'presign/finish',
  });
  ctx.sessions.advance(session, from, 'presign/finish', undefined);
  const body = messageBody(FinishBody, message, 'presign/finish') as { messages: (SignedEnvelope | null)[] };
  const entry = pending.get(session);
  if (!entry) throw new NodeRequestError(409, 'unknown_batch', `no round-1 state for batch ${session}`);
  pending.delete(session);
  const messages = entry.state.params.participants.map((node) => {
    const envelope = body.messages.find((m) => m?.from === node);
    if (!envelope) throw new NodeRequestError(400, 'missing_round2', `no round-2 message from node ${node}`);
    return openEnvelope<PresignRound2Message>(ctx.crypto, ctx.peers, envelope, {
      kind: 'presign/v',
      session,
      from: node,
    }).body;
  });
  let presignatures;
  try {
    presignatures = presignRound2Finish(entry.state, messages);
  } catch (err) {
    throw new NodeRequestError(400, 'bad_round2', (err as Error).message);
  }
  await ctx.presigs.saveBatch(presignatures);
  return { stored: presignatures.length };
}

/**
 * Leader: one batch among `participants` (all up), below their signing when `background`.
 * Returns how many each stored.
 */
export async function runPresignBatch(
  ctx: NodeContext,
  participants: readonly PeerInfo[],
  count: number,
  background = false,
): Promise<number> {
  const batchId = `ps-${ctx.index}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
  const params: PresignBatchProposal = {
    batchId,
    participants: participants.map((p) => p.index).sort((a, b) => a - b),
    t: ctx.t,
    count,
    ...(background ? { background } : {}),
  };
  const envelope = (kind: string, body: unknown) => sealEnvelope(ctx.crypto, ctx.index, kind, batchId, body);
  const deal = envelope('presign/deal', params);
  const dealings = await callAll(participants, (p) => callPeer<DealResponse>(p, '/peer/presign/deal', deal));
  const broadcasts = [...dealings.values()].map((d) => d.broadcast);
  const round2 = await callAll(participants, (p) => {
    const sealed: Record<string, Uint8Array> = {};
    for (const [dealer, d] of dealings) sealed[dealer] = d.sealed[p.index]!;
    return callPeer<SignedEnvelope>(
      p,
      '/peer/presign/round2',
      envelope('presign/round2', { params, broadcasts, sealed }),
    );
  });
  const finish = envelope('presign/finish', { messages: [...round2.values()] });
  await callAll(participants, (p) => callPeer<{ stored: number }>(p, '/peer/presign/finish', finish));
  return count;
}

/** How old a request for a peer's fresh presignatures may be (its session is its time). */
const AVAILABLE_MAX_AGE_MS = 30_000;

/**
 * A peer's fresh presignatures, for the leader keeping the pool full. Only registered nodes
 * (signed, recent requests) learn ids; the public routes do not tell them.
 */
export function handlePresignAvailable(ctx: NodeContext, raw: unknown): { node: number; ids: string[] } {
  const { session, body } = openEnvelope<{ limit: number }>(ctx.crypto, ctx.peers, raw, { kind: 'presign/available' });
  const sentAt = Number(session.split(':')[0]);
  if (!Number.isFinite(sentAt) || Math.abs(Date.now() - sentAt) > AVAILABLE_MAX_AGE_MS)
    throw new NodeRequestError(400, 'stale_request', 'the request for fresh presignatures is too old');
  const limit = Math.min(1000, Math.max(1, Number(body?.limit) || 100));
  return { node: ctx.index, ids: ctx.presigs.freshIds(limit) };
}

/** Asks a peer which presignatures it holds fresh. */
export function askPresignAvailable(ctx: NodeContext, peer: PeerInfo, limit: number): Promise<{ ids: string[] }> {
  const session = `${Date.now()}:${randomBytes(6).toString('hex')}`;
  return callPeer(
    peer,
    '/peer/presign/available',
    sealEnvelope(ctx.crypto, ctx.index, 'presign/available', session, { limit }),
    2_000,
  );
}
