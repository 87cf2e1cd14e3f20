import { randomBytes } from 'node:crypto';
import {
  agreeOnRun,
  runAgreed,
  type AgreedSignature,
  type NodeRunAnswer,
  type SignatureShortfall,
} from './action-consensus.ts';
import { chooseRunners, RUN_SPARES } from './action-run-set.ts';
import type { ExecuteJsInput, ExecuteJsResult, PkpSignResult } from './client-types.ts';
import { NotEnoughNodesError } from './errors.ts';
import type { NodeCallError, NodeEndpoint } from './node-request.ts';
import type { LitNetwork } from './node-transport.ts';
import { fragileFirst, type PresignatureChoice } from './presignature-queue.ts';
import { retireAtNonParticipants } from './presignature-retire.ts';
import { settleUntil } from './quorum.ts';
import { downNodes, reachableNodes } from './reachability.ts';
import { EXECUTE_ATTEMPTS, nextRunOffer } from './refusal-or-retry.ts';
import { releaseAndCombine } from './release-and-combine.ts';
import { signWithPresignatures } from './sign.ts';

/**
 * Presignatures offered to a run before knowing how many it signs: most actions sign once or
 * not at all, and each one offered is out of the pool while the run lasts. A run that needs
 * more is run again with as many as it asked for.
 */
const OFFERED_PRESIGNATURES = 2;
/** A node's action timeout is 30 s; allow for the exchanges around it. */
const ACTION_TIMEOUT_MS = 40_000;
/** How long the first presignature of a run may be waited for (right after start-up the nodes are still making them). */
const FIRST_PRESIGNATURE_WAIT_MS = 15_000;
/**
 * How long a signature that too few nodes could bind in the run waits for another presignature
 * that T of the nodes that ran hold (the alternative is to run the action again).
 */
const REBIND_PRESIGNATURE_WAIT_MS = 3_000;
/** The longest a run whose outcome T nodes agree on waits for its spare's answer. */
const SPARE_GRACE_MAX_MS = 250;
/** While it is waited for, which nodes are reachable is looked at again this often. */
const PRESIGNATURE_LOOK_MS = 500;
/**
 * Errors of runs whose action reached outside the nodes (fetch, runOnce, broadcastAndCollect,
 * decryptAndCombine): executeJs never runs those again by itself, as their effects would repeat.
 */
const runsWithEffects = new WeakSet<Error>();

/** Turns among equally loaded nodes, so that the spare runs fall on each in turn (action-run-set.ts). */
let runTurn = 0;

/** T + RUN_SPARES of the reachable nodes, the presignature's holders first, the least busy of them. */
function pickRunners(network: LitNetwork, reachable: readonly NodeEndpoint[], holders: readonly number[]) {
  return chooseRunners(reachable, network.threshold + RUN_SPARES, {
    holds: (index) => holders.includes(index),
    inFlight: (node) => network.transport.inFlight(node),
    turn: runTurn++,
  });
}

/**
 * Runs a Lit Action on T + 1 of the reachable nodes (action-run-set.ts), as Lit's own SDK sends
 * a run to its threshold set rather than to every node. Each node runs it in its own sandbox and binds
 * an offered presignature for each signature the action asked for and may make; the client
 * takes the response and logs T nodes agree on (action-consensus.ts), and for each named
 * signature combines T shares of nodes that bound the same digest and key.
 */
export async function executeJs(network: LitNetwork, request: ExecuteJsInput): Promise<ExecuteJsResult> {
  // Nodes that drop out mid-run (a restart, a crash) can leave a run short of T answers or
  // T shares. The run is then tried anew, like a person pressing Run again, as long as T
  // nodes are reachable (with fewer, the first check fails at once) and the action did
  // nothing outside the nodes: a run that fetched or used runOnce fails instead.
  let offer = OFFERED_PRESIGNATURES;
  for (let runs = 1; ; runs++) {
    try {
      return await executeJsOnce(network, request, offer, runs < EXECUTE_ATTEMPTS);
    } catch (err) {
      const next = nextRunOffer(err, runs, offer, runsWithEffects.has(err as Error));
      if (next === undefined) throw err;
      offer = next;
    }
  }
}

/** `mayRunAgain`: whether a failure of this run may still be met by another (see nextRunOffer). */
async function executeJsOnce(
  network: LitNetwork,
  request: ExecuteJsInput,
  offer: number,
  mayRunAgain: boolean,
): Promise<ExecuteJsResult> {
  const { threshold, nodeCount, transport, presignatures } = network;
  let problems: string[] = [];
  let reachable: NodeEndpoint[] = [];
  const lookAgain = async () => {
    problems = [];
    reachable = await reachableNodes(network, problems);
    if (reachable.length < threshold)
      throw new NotEnoughNodesError(
        `not enough nodes: ${reachable.length} of ${nodeCount} reachable, a Lit Action with signatures needs ${threshold} (${problems.join('; ')})`,
        { beforeRun: true },
      );
  };
  await lookAgain();
  // Who runs the action: T nodes and a spare (action-run-set.ts), chosen once the first
  // presignature is known, as only its holders can bind it. Until then, every reachable node
  // counts as a possible runner.
  let runners: readonly NodeEndpoint[] = reachable;
  const offered: PresignatureChoice[] = [];
  // Only presignatures that T of the runners hold can gather T bindings.
  const liveHolders = (c: PresignatureChoice) => c.holders.filter((h) => runners.some((n) => n.index === h)).length;
  const score = fragileFirst(liveHolders, threshold, 1);
  const waitUntil = Date.now() + FIRST_PRESIGNATURE_WAIT_MS;
  for (let i = 0; i < offer; i++) {
    // Of those T reachable nodes hold, one with a reachable holder to spare (one node slow or
    // dropping out mid-run then still leaves T), and of those the one fewest nodes hold in all
    // (see fragileFirst: those every node holds are kept for when other nodes are down).
    let choice = await presignatures.take(
      i === 0 ? PRESIGNATURE_LOOK_MS : 0,
      (c) => liveHolders(c) >= threshold,
      score,
    );
    // None that T reachable nodes hold: nodes come back, or the nodes make presignatures among
    // those up, while the first one is waited for. Which nodes are reachable is looked at again
    // each time, as it is what decides which presignatures will do.
    while (!choice && i === 0 && Date.now() < waitUntil) {
      await lookAgain();
      runners = reachable;
      choice = await presignatures.take(
        Math.min(PRESIGNATURE_LOOK_MS, waitUntil - Date.now()),
        (c) => liveHolders(c) >= threshold,
        score,
      );
    }
    if (!choice) break;
    offered.push(choice);
    if (i === 0) runners = pickRunners(network, reachable, choice.holders);
  }
  if (offered.length === 0) runners = pickRunners(network, reachable, []);
  const body = {
    requestId: randomBytes(12).toString('base64url'),
    code: request.code,
    ipfsId: request.ipfsId,
    jsParams: request.jsParams,
    authSig: request.authSig,
    authMethods: request.authMethods,
    participants: runners.map((n) => n.index),
    presignatureIds: offered.map((o) => o.id),
  };
  // Once T nodes gave the same successful outcome (response and what each signature binds),
  // the spare gets a quarter as long again as that took (at most 250 ms), not the whole action
  // timeout: the outcome is known, and the spare's answer would only show in the result. It
  // used to get as long again (at least 250 ms): under load that held each run whose spare was
  // a little behind up to twice as long. A spare that answers later may still bind (see
  // mayHaveRun). A failed run, or one without T alike, waits for every answer.
  const settled = await settleUntil(
    runners.map((node) =>
      transport.call(node, 'execute', body, ACTION_TIMEOUT_MS).then((answer): NodeRunAnswer => ({ node, answer })),
    ),
    (answers) => runAgreed(answers, threshold),
    (elapsed) => Math.min(SPARE_GRACE_MAX_MS, elapsed / 4),
  );
  const answers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as NodeCallError] : []));
  // A run whose action reached outside the nodes (fetch, runOnce, …) is never run again by
  // the client: its effects would happen twice.
  const effectful = answers.some((a) => (a.answer.effects?.length ?? 0) > 0);
  try {
    const used = new Set(answers.flatMap((a) => Object.values(a.answer.signatures).map((s) => s.presignatureId)));
    // Unused ones go back even when a node did not answer: should it have bound one, it refuses
    // that presignature later (each node binds it once) and the others still make T.
    presignatures.giveBack(offered.filter((o) => !used.has(o.id)));
    retireAtNonParticipants(
      network,
      offered.filter((o) => used.has(o.id)),
      new Set(runners.map((n) => n.index)),
    );
    const run = agreeOnRun({ answers, failures, threshold, nodeCount: runners.length, offered: offered.length, offer });
    const signatures: Record<string, PkpSignResult> = {};
    // The nodes whose run may have succeeded: each such remembers what its run asked to sign
    // (see rebind). Those that answered with a result, and those the settle above stopped
    // waiting for (slow, they usually finished their run too). Left out of a rebind, a slow one
    // let a signature whose binder then went down wait for that binder's restart (3–4 s in the
    // chaos run) where it could have bound another presignature; one that has not finished, or
    // whose run asked for something else, refuses the rebind and is simply not a binder. A node
    // whose call failed (still starting, unreachable, busy) did not run it: counted, it made a
    // signature wait for presignatures that nodes unable to bind were to hold.
    const settledAt = new Set([...answers.map((a) => a.node.index), ...failures.map((f) => f.node)]);
    const mayHaveRun = new Set([
      ...answers.filter((a) => !a.answer.error).map((a) => a.node.index),
      ...runners.map((n) => n.index).filter((i) => !settledAt.has(i)),
    ]);
    for (const planned of run.signatures) {
      if ('error' in planned && planned.nodesRefused) presignatures.refresh(true);
      const signature = await signRunSignature(network, body.requestId, planned, mayHaveRun, mayRunAgain && !effectful);
      signatures[planned.name] = signature;
      network.combined({
        kind: 'executeJs',
        nodes: signature.nodes,
        at: Date.now(),
        publicKey: signature.publicKey,
      });
    }
    return { signatures, response: run.response, logs: run.logs, ipfsId: run.ipfsId, nodes: run.nodes };
  } catch (err) {
    if (effectful && err instanceof Error) runsWithEffects.add(err);
    throw err;
  }
}

/**
 * One named signature of a run. The presignature the run bound is released at the nodes that
 * bound it. If fewer than T bound it, or its binders cannot all be reached now (nodes went down
 * mid-run), another presignature is bound to the same (key, digest) among the nodes that ran the
 * action or may have (rebind: each binds only what its own run asked for), as pkpSign would: the
 * action is not run again. Only if too few of those are up are the run's binders waited for, as
 * long as one request may take: their bindings are durable, so a node that restarts still gives
 * its share.
 */
async function signRunSignature(
  network: LitNetwork,
  requestId: string,
  planned: AgreedSignature | SignatureShortfall,
  mayHaveRun: ReadonlySet<number>,
  mayRunAgain: boolean,
): Promise<PkpSignResult> {
  if (!planned.target) throw (planned as SignatureShortfall).error; // no node bound anything: nothing known to sign
  const { name, target, agreeing } = planned;
  const fail = (why: string) =>
    new NotEnoughNodesError(`not enough nodes: signature "${name}": ${why.replace(/^not enough nodes: /, '')}`);
  const enough = agreeing.length >= network.threshold;
  if (enough) {
    const outcome = await releaseAndCombine(network, target.id, target.publicKey, target.toSign, agreeing);
    if ('signature' in outcome) return outcome.signature;
  }
  const down = downNodes(network)();
  const up = new Set([...mayHaveRun].filter((i) => !down.has(i)));
  let problem: NotEnoughNodesError | undefined;
  if (up.size >= network.threshold) {
    try {
      return await signWithPresignatures(
        network,
        target,
        (node, presignatureId, timeout) =>
          network.transport
            .call(node, 'rebind', { requestId, sigName: name, presignatureId, ...target }, timeout)
            .then((r) => r.binding),
        // With T bindings already, a restarting binder may well be back before a presignature
        // the nodes that ran hold is made: only one at hand is worth it.
        { among: up, waitMs: enough ? 0 : REBIND_PRESIGNATURE_WAIT_MS },
      );
    } catch (err) {
      if (!(err instanceof NotEnoughNodesError)) throw err;
      problem = fail(err.message);
    }
  }
  if (!enough) throw problem ?? (planned as SignatureShortfall).error;
  // The binders that went down are waited for, unless the action may simply run again and T
  // nodes are up to run it: a binder takes 2–5 s to come back, a new run a fraction of that
  // (in the chaos run such requests waited the whole 5 s, then ran again anyway).
  const downNow = downNodes(network);
  const outcome = await releaseAndCombine(
    network,
    target.id,
    target.publicKey,
    target.toSign,
    agreeing,
    network.requestTimeoutMs,
    mayRunAgain ? () => network.nodes().length - downNow().size >= network.threshold : undefined,
  );
  if ('signature' in outcome) return outcome.signature;
  throw fail(outcome.retry);
}
