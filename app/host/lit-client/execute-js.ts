import { randomBytes } from 'node:crypto';
import { agreeOnRun, runAgreed, type NodeRunAnswer } from './action-consensus.ts';
import type { ExecuteJsInput, ExecuteJsResult, PkpSignResult } from './client-types.ts';
import { NotEnoughNodesError } from './errors.ts';
import type { NodeCallError, NodeEndpoint } from './node-request.ts';
import type { LitNetwork } from './node-transport.ts';
import type { PresignatureChoice } from './presignature-queue.ts';
import { settleUntil } from './quorum.ts';
import { reachableNodes } from './reachability.ts';
import { nextRunOffer } from './refusal-or-retry.ts';
import { releaseAndCombine } from './release-and-combine.ts';

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
/** While it is waited for, which nodes are reachable is looked at again this often. */
const PRESIGNATURE_LOOK_MS = 500;
/**
 * Errors of runs whose action reached outside the nodes (fetch, runOnce, broadcastAndCollect,
 * decryptAndCombine): executeJs never runs those again by itself, as their effects would repeat.
 */
const runsWithEffects = new WeakSet<Error>();

/**
 * Runs a Lit Action on every reachable node. Each node runs it in its own sandbox and binds
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
      return await executeJsOnce(network, request, offer);
    } catch (err) {
      const next = nextRunOffer(err, runs, offer, runsWithEffects.has(err as Error));
      if (next === undefined) throw err;
      offer = next;
    }
  }
}

async function executeJsOnce(network: LitNetwork, request: ExecuteJsInput, offer: number): Promise<ExecuteJsResult> {
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
  const offered: PresignatureChoice[] = [];
  // Only presignatures that T of the reachable nodes hold can gather T bindings.
  const liveHolders = (c: PresignatureChoice) => c.holders.filter((h) => reachable.some((n) => n.index === h)).length;
  const waitUntil = Date.now() + FIRST_PRESIGNATURE_WAIT_MS;
  for (let i = 0; i < offer; i++) {
    // The one most reachable nodes hold: a node dropping out mid-run then still leaves T.
    let choice = await presignatures.take(
      i === 0 ? PRESIGNATURE_LOOK_MS : 0,
      (c) => liveHolders(c) >= threshold,
      liveHolders,
    );
    // None that T reachable nodes hold: nodes come back, or the nodes make presignatures among
    // those up, while the first one is waited for. Which nodes are reachable is looked at again
    // each time, as it is what decides which presignatures will do.
    while (!choice && i === 0 && Date.now() < waitUntil) {
      await lookAgain();
      choice = await presignatures.take(
        Math.min(PRESIGNATURE_LOOK_MS, waitUntil - Date.now()),
        (c) => liveHolders(c) >= threshold,
        liveHolders,
      );
    }
    if (!choice) break;
    offered.push(choice);
  }
  const body = {
    requestId: randomBytes(12).toString('base64url'),
    code: request.code,
    ipfsId: request.ipfsId,
    jsParams: request.jsParams,
    authSig: request.authSig,
    authMethods: request.authMethods,
    participants: reachable.map((n) => n.index),
    presignatureIds: offered.map((o) => o.id),
  };
  // Once T nodes gave the same successful outcome (response and what each signature binds),
  // the others get as long again as that took (at least 250 ms, at most 2 s), not the whole
  // action timeout: a node a little behind still shows in the result, one far behind does not
  // hold every run up. A failed run, or one without T alike, waits for every answer.
  const settled = await settleUntil(
    reachable.map((node) =>
      transport.call(node, 'execute', body, ACTION_TIMEOUT_MS).then((answer): NodeRunAnswer => ({ node, answer })),
    ),
    (answers) => runAgreed(answers, threshold),
    (elapsed) => Math.min(2_000, Math.max(250, elapsed)),
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
    const run = agreeOnRun({ answers, failures, threshold, nodeCount, offered: offered.length, offer });
    const signatures: Record<string, PkpSignResult> = {};
    for (const planned of run.signatures) {
      if ('error' in planned) {
        if (planned.nodesRefused) presignatures.refresh();
        throw planned.error;
      }
      const { name, target, agreeing } = planned;
      // A run's signature cannot simply take another presignature: binders that could not be
      // reached are asked again for as long as one request may take.
      const outcome = await releaseAndCombine(
        network,
        target.id,
        target.publicKey,
        target.toSign,
        agreeing,
        network.requestTimeoutMs,
      );
      if (!('signature' in outcome)) throw new NotEnoughNodesError(`signature "${name}": ${outcome.retry}`);
      signatures[name] = outcome.signature;
      network.combined({
        kind: 'executeJs',
        nodes: outcome.signature.nodes,
        at: Date.now(),
        publicKey: target.publicKey,
      });
    }
    return { signatures, response: run.response, logs: run.logs, ipfsId: run.ipfsId, nodes: run.nodes };
  } catch (err) {
    if (effectful && err instanceof Error) runsWithEffects.add(err);
    throw err;
  }
}
