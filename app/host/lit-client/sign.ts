import type { PkpSignRequest, PkpSignResult } from './client-types.ts';
import { NotEnoughNodesError, PresignaturesSpoiledError, SigningRefusedError } from './errors.ts';
import type { NodeCallError } from './node-request.ts';
import type { LitNetwork } from './node-transport.ts';
import type { PresignatureChoice } from './presignature-queue.ts';
import { settleWithQuorum } from './quorum.ts';
import { downNodes } from './reachability.ts';
import { judgeBindShortfall, maySignAgain, spoiledTooOften } from './refusal-or-retry.ts';
import { releaseAndCombine } from './release-and-combine.ts';

/** Once T nodes bound, how long to wait for the others (spares for a bad share). */
const BIND_GRACE_MS = 5;

/**
 * Threshold ECDSA from the client's side: one presignature, bind at every node holding it,
 * then release at the nodes that bound; combine the first T shares, verify against the public
 * key, and only then return. More shares than T are used to find a bad one. A presignature
 * that cannot gather T bindings costs an attempt, and another one is tried (see
 * refusal-or-retry.ts for which failures end the request instead).
 */
export async function pkpSign(network: LitNetwork, request: PkpSignRequest): Promise<PkpSignResult> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(request.toSign))
    throw new SigningRefusedError('toSign must be a 32-byte digest (0x followed by 64 hex digits)');
  if (!request.authSig && !request.authMethods?.length)
    throw new SigningRefusedError('signing needs an auth sig or an auth method that the PKP permits');
  if (!/^(0x)?04[0-9a-fA-F]{128}$/.test(request.publicKey))
    throw new SigningRefusedError('publicKey must be a 65-byte uncompressed secp256k1 key (0x04…)');
  const { threshold, nodeCount } = network;
  const publicKey = `0x${request.publicKey.replace(/^0x/, '').toLowerCase()}`;
  const problems: string[] = [];
  let spoiled = 0;
  // A presignature someone else bound meanwhile costs a retry, not the request: it is dropped
  // and the view refreshed. Such retries are cheap (one bind round that failed at once), so
  // they get a budget of their own beside the attempts that nodes going down may cost.
  const unreachable = new Set<number>();
  for (let attempt = 0; maySignAgain(attempt, spoiled); attempt++) {
    // A presignature T of whose holders are up: none this request just found unreachable, none
    // whose channel is known down (the queue's view of who holds what refreshes in the
    // background and may still name them); of the next few, the one most such holders hold,
    // so that one more node dropping out still leaves T.
    const down = downNodes(network);
    const up = (c: PresignatureChoice) => c.holders.filter((h) => !unreachable.has(h) && !down().has(h)).length;
    const choice = await network.presignatures.take(undefined, (c) => up(c) >= threshold, up);
    if (!choice) {
      throw new NotEnoughNodesError(
        `not enough nodes: no presignature is held by ${threshold} reachable nodes; signing needs ${threshold} of ${nodeCount} nodes up (and a moment to make presignatures)`,
      );
    }
    const outcome = await tryOnce(network, choice.id, choice.holders, { ...request, publicKey });
    if ('signature' in outcome) {
      network.combined({ kind: 'pkpSign', nodes: outcome.signature.nodes, at: Date.now(), publicKey });
      return outcome.signature;
    }
    for (const node of outcome.unreachable ?? []) unreachable.add(node);
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
  request: PkpSignRequest,
): Promise<{ signature: PkpSignResult } | { retry: string; spoiled?: boolean; unreachable?: number[] }> {
  const { threshold, nodeCount, transport } = network;
  const timeout = network.requestTimeoutMs;
  const nodes = network.nodes().filter((n) => holders.includes(n.index));

  const bound = await settleWithQuorum(
    nodes.map((node) =>
      transport.call(node, 'bind', { presignatureId, ...request }, timeout).then((r) => ({ node, binding: r.binding })),
    ),
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
      };
    throw new NotEnoughNodesError(
      `not enough nodes: ${bindings.length} of ${nodeCount} nodes took part (${shortfall.reachable} reachable), signing needs ${threshold}`,
    );
  }

  return releaseAndCombine(network, presignatureId, request.publicKey, request.toSign, bindings);
}
