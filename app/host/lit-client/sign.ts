import type { Binding } from '../../shared/node-api.ts';
import { Digest, PublicKey, WIRE_MESSAGES } from '../../shared/wire-values.ts';
import type { PkpSignRequest, PkpSignResult } from './client-types.ts';
import { NotEnoughNodesError, PresignaturesSpoiledError, SigningRefusedError } from './errors.ts';
import type { NodeCallError, NodeEndpoint } from './node-request.ts';
import type { LitNetwork } from './node-transport.ts';
import { fragileFirst, type PresignatureChoice } from './presignature-queue.ts';
import { settleWithQuorum } from './quorum.ts';
import { downNodes } from './reachability.ts';
import { judgeBindShortfall, maySignAgain, spoiledTooOften } from './refusal-or-retry.ts';
import { retireAtNonParticipants } from './presignature-retire.ts';
import { releaseAndCombine } from './release-and-combine.ts';

/** Once T nodes bound, how long to wait for the others (spares for a bad share). */
const BIND_GRACE_MS = 5;
/**
 * How long a node that a request found unreachable (or restarted and not back yet) is left out
 * of its next picks. After that, whether its channel is down decides: left out for the whole
 * request, nodes restarting one after another under churn each took themselves out of it until
 * too few were left, and the request waited 15 s for a presignature it could never take.
 */
export const UNREACHABLE_FOR_MS = 1_000;

/**
 * Threshold ECDSA from the client's side: one presignature, bind at every node holding it,
 * then release at the nodes that bound; combine the first T shares, verify against the public
 * key, and only then return. More shares than T are used to find a bad one. A presignature
 * that cannot gather T bindings costs an attempt, and another one is tried (see
 * refusal-or-retry.ts for which failures end the request instead).
 */
export async function pkpSign(network: LitNetwork, request: PkpSignRequest): Promise<PkpSignResult> {
  // The client's own door: callers inside the host (not only the API) reach it with plain strings.
  const digest = Digest.safeParse(request.toSign);
  if (!digest.success) throw new SigningRefusedError(`toSign ${WIRE_MESSAGES.digest}`);
  if (!request.authSig && !request.authMethods?.length)
    throw new SigningRefusedError('signing needs an auth sig or an auth method that the PKP permits');
  const key = PublicKey.safeParse(request.publicKey);
  if (!key.success) throw new SigningRefusedError(`publicKey ${WIRE_MESSAGES.publicKey}`);
  const publicKey: string = key.data;
  const signature = await signWithPresignatures(network, { publicKey, toSign: request.toSign }, (node, id, timeout) =>
    network.transport.call(node, 'bind', { presignatureId: id, ...request, publicKey }, timeout).then((r) => r.binding),
  );
  network.combined({ kind: 'pkpSign', nodes: signature.nodes, at: Date.now(), publicKey });
  return signature;
}

/** Binds presignature `presignatureId` to the request's (key, digest) at `node`. */
export type BindAt = (node: NodeEndpoint, presignatureId: string, timeoutMs: number) => Promise<Binding>;

/**
 * Signs (key, digest) with whichever presignature gathers T bindings: takes one that T nodes
 * up hold, binds it with `bindAt` at its holders, releases and combines. pkpSign binds with the
 * request's own auth; executeJs, after a run, binds what each node's run asked for (rebind),
 * only among the nodes that ran it (`among`). `waitMs`: how long a presignature may be waited
 * for when none is at hand (the queue's default: the nodes may be making the first ones).
 */
export async function signWithPresignatures(
  network: LitNetwork,
  target: { publicKey: string; toSign: string },
  bindAt: BindAt,
  options: { among?: ReadonlySet<number>; waitMs?: number } = {},
): Promise<PkpSignResult> {
  const { among, waitMs } = options;
  const { threshold } = network;
  const nodeCount = among?.size ?? network.nodeCount;
  const problems: string[] = [];
  let spoiled = 0;
  // A presignature someone else bound meanwhile costs a retry, not the request: it is dropped
  // and the view refreshed. Such retries are cheap (one bind round that failed at once), so
  // they get a budget of their own beside the attempts that nodes going down may cost.
  const unreachableAt = new Map<number, number>();
  const notInRun = new Set<number>();
  const leftOut = (h: number) =>
    notInRun.has(h) || performance.now() - (unreachableAt.get(h) ?? -Infinity) < UNREACHABLE_FOR_MS;
  for (let attempt = 0; maySignAgain(attempt, spoiled); attempt++) {
    // A presignature T of whose holders are up: none this request just found unreachable, none
    // whose channel is known down (the queue's view of who holds what refreshes in the
    // background and may still name them); of the next few, the one fewest nodes hold in all
    // (see fragileFirst: those every node holds are kept for when other nodes are down; a holder
    // that drops out costs this request another presignature, not its outcome). Looked at anew
    // while it waits.
    const down = downNodes(network);
    const up = (c: PresignatureChoice) =>
      c.holders.filter((h) => !leftOut(h) && !down().has(h) && (!among || among.has(h))).length;
    const choice = await network.presignatures.take(waitMs, (c) => up(c) >= threshold, fragileFirst(up, threshold));
    if (!choice) {
      const last = problems.length ? ` (the last try: ${problems.at(-1)})` : '';
      throw new NotEnoughNodesError(
        `not enough nodes: no presignature is held by ${threshold} reachable nodes; signing needs ${threshold} of ${nodeCount} nodes up (and a moment to make presignatures)${last}`,
      );
    }
    const holders = choice.holders.filter((h) => !among || among.has(h));
    const outcome = await tryOnce(network, choice.id, holders, target, bindAt, nodeCount);
    // A rebind binds among the nodes that ran: the other holders' copies are of no use now.
    if (among) retireAtNonParticipants(network, [choice], among);
    if ('signature' in outcome) return outcome.signature;
    for (const node of outcome.unreachable ?? []) unreachableAt.set(node, performance.now());
    for (const node of outcome.notInRun ?? []) notInRun.add(node);
    problems.push(outcome.retry);
    if (outcome.spoiled === true) spoiled++;
  }
  if (spoiledTooOften(spoiled))
    throw new PresignaturesSpoiledError(
      `signing failed: ${spoiled} of the presignatures it tried had already been bound to other messages at some of their nodes (another requester is using up this network's presignatures; the nodes refill the pool, try again shortly): ${problems.at(-1)}`,
    );
  throw new NotEnoughNodesError(
    `not enough nodes: signing failed after ${problems.length} attempts: ${problems.join('; ')}`,
  );
}

/** One presignature: bind at its holders, then release and combine; or why another is worth trying. */
async function tryOnce(
  network: LitNetwork,
  presignatureId: string,
  holders: number[],
  target: { publicKey: string; toSign: string },
  bindAt: BindAt,
  nodeCount: number,
): Promise<
  { signature: PkpSignResult } | { retry: string; spoiled?: boolean; unreachable?: number[]; notInRun?: number[] }
> {
  const { threshold } = network;
  const timeout = network.requestTimeoutMs;
  const nodes = network.nodes().filter((n) => holders.includes(n.index));

  const bound = await settleWithQuorum(
    nodes.map((node) => bindAt(node, presignatureId, timeout).then((binding) => ({ node, binding }))),
    threshold,
    BIND_GRACE_MS,
  );
  const bindings = bound.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (bindings.length < threshold) {
    const errors = bound.flatMap((r) => (r.status === 'rejected' ? [r.reason as NodeCallError] : []));
    const shortfall = judgeBindShortfall(errors, threshold, nodeCount);
    if (shortfall.kind === 'refused')
      throw new SigningRefusedError(`node ${shortfall.by.node} refused: ${shortfall.by.message}`);
    // Whatever else went wrong, what the client believes about the presignatures may be out
    // of date: this one is spent or its holders are down, and others may be too.
    network.presignatures.refresh();
    if (shortfall.kind === 'spoiled')
      return {
        spoiled: true,
        retry: `presignature ${presignatureId} was no longer fresh at node${shortfall.at.length > 1 ? 's' : ''} ${shortfall.at.map((e) => `${e.node} (${e.message})`).join(', ')}`,
      };
    if (shortfall.kind === 'other_presignature')
      return {
        retry: `only ${bindings.length} of its holders bound the presignature`,
        unreachable: shortfall.unreachable,
        notInRun: shortfall.notInRun,
      };
    // Too few holders answered: with nodes restarting, a connection that closed a moment ago
    // says little about the next one (the chaos run lost a request so, with 5 of 7 up). Those
    // that failed are left out for a moment and another presignature is tried; with fewer than
    // T nodes really up, the next pick finds none and the request ends there, as fast.
    return {
      retry: `${bindings.length} of ${nodeCount} nodes took part (${shortfall.reachable} reachable), signing needs ${threshold}`,
      unreachable: errors.map((e) => e.node),
    };
  }

  return releaseAndCombine(network, presignatureId, target.publicKey, target.toSign, bindings);
}
