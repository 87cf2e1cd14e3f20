import type { Binding, ExecuteJsNodeResponse } from '../../shared/node-api.ts';
import type { ActionNodeAnswer } from './client-types.ts';
import { agreedBy, mostCommon } from './consensus.ts';
import { ActionFailedError, NotEnoughNodesError, SigningRefusedError } from './errors.ts';
import type { NodeCallError, NodeEndpoint } from './node-request.ts';
import { refusedTheRun } from './refusal-or-retry.ts';

/**
 * What T nodes agree a Lit Action run came to: a pure function of the nodes' answers (no
 * network, no time), so every rule of the consensus is tested on recorded answers. What the
 * network says is what at least T nodes say; a plurality is not enough.
 */

export interface NodeRunAnswer {
  node: NodeEndpoint;
  answer: ExecuteJsNodeResponse;
}

/** What one named signature is to be combined from: T or more nodes bound the same presignature to the same digest and key. */
export interface AgreedSignature {
  name: string;
  target: { id: string; toSign: string; publicKey: string };
  agreeing: { node: NodeEndpoint; binding: Binding }[];
}

/**
 * A named signature fewer than T nodes bound alike: the run fails with `error`, unless another
 * presignature can be bound to `target` (what most binders bound) among the nodes that ran it.
 */
export interface SignatureShortfall {
  name: string;
  error: NotEnoughNodesError;
  /** What most of the nodes that bound it bound, if any did. */
  target?: AgreedSignature['target'];
  /** The nodes that bound exactly `target`. */
  agreeing: AgreedSignature['agreeing'];
  /** Some nodes said why they could not bind it: the client's view of the presignatures is out of date. */
  nodesRefused: boolean;
}

export interface AgreedRun {
  response: string | undefined;
  logs: string;
  ipfsId: string;
  nodes: ActionNodeAnswer[];
  /** In name order; the caller combines them one after another and stops at the first shortfall. */
  signatures: (AgreedSignature | SignatureShortfall)[];
}

/** What a node's run came to, for telling whether T nodes agree (shares left out: they differ per node). */
export function runOutcome(answer: ExecuteJsNodeResponse): unknown {
  return {
    error: answer.error,
    response: answer.response,
    signatures: Object.entries(answer.signatures)
      .map(([name, s]) => [name, s.presignatureId, s.toSign, s.publicKey])
      .sort(),
  };
}

/** Whether T of the successful answers so far came to the same outcome (the run need not wait for the rest). */
export function runAgreed(answers: readonly NodeRunAnswer[], threshold: number): boolean {
  return agreedBy(
    answers.filter((a) => !a.answer.error).map((a) => runOutcome(a.answer)),
    threshold,
  ).agreed;
}

/**
 * The run's result as T nodes agree on it, or the error that ends it: no answers (a refusal
 * or too few nodes), fewer than T answers, an error T nodes agree on, or no outcome T nodes
 * share. `offered` presignatures were at hand of the `offer` wanted.
 */
export function agreeOnRun(input: {
  answers: readonly NodeRunAnswer[];
  failures: readonly NodeCallError[];
  threshold: number;
  nodeCount: number;
  offered: number;
  offer: number;
}): AgreedRun {
  const { answers, failures, threshold, nodeCount, offered, offer } = input;
  if (answers.length === 0) {
    const first = failures[0];
    throw refusedTheRun(first)
      ? new SigningRefusedError(`node ${first.node} refused: ${first.message}`)
      : new NotEnoughNodesError(`no node answered the Lit Action (${failures.map((f) => f.message).join('; ')})`);
  }
  if (answers.length < threshold)
    throw new NotEnoughNodesError(
      `not enough nodes: ${answers.length} of ${nodeCount} answered the Lit Action, ${threshold} are needed (${failures.map((f) => `node ${f.node} ${f.message}`).join('; ')})`,
    );
  const perNode = answers.map(({ answer }) => ({
    node: answer.node,
    response: answer.response,
    logs: answer.logs,
    error: answer.error,
    signatures: Object.keys(answer.signatures),
  }));
  const error = agreedBy(
    answers.map((a) => a.answer.error),
    threshold,
  );
  const logs = mostCommon(answers.map((a) => a.answer.logs));
  // The action signs more than we could offer because too few presignatures were at hand
  // (T nodes up but the pool not yet refilled): that is the network's state, not the action's.
  if (error.agreed && error.value?.kind === 'limit' && offered < offer)
    throw new NotEnoughNodesError(
      `not enough nodes: the action signs, and only ${offered} presignatures held by ${threshold} reachable nodes were at hand (the nodes make more while ${threshold} are up; try again shortly)`,
    );
  if (error.agreed && error.value) throw new ActionFailedError(error.value.kind, error.value.message, logs, perNode);
  const response = agreedBy(
    answers.filter((a) => !a.answer.error).map((a) => a.answer.response),
    threshold,
  );
  if (!error.agreed || !response.agreed)
    throw new NotEnoughNodesError(
      `the nodes disagree about the action's outcome: no answer was given by ${threshold} nodes (${perNode.map((n) => `node ${n.node}: ${n.error ? n.error.message : (n.response ?? '(no response)')}`).join('; ')})`,
    );
  return {
    response: response.value,
    logs,
    ipfsId: answers[0]!.answer.ipfsId,
    nodes: perNode,
    signatures: agreeOnSignatures(answers, threshold),
  };
}

/**
 * For each signature any node named (bound, or could not bind: a signature the nodes could
 * not bind must fail the run, not vanish from its result), the presignature, digest and key
 * most nodes bound, and the nodes that bound exactly that.
 */
export function agreeOnSignatures(
  answers: readonly NodeRunAnswer[],
  threshold: number,
): (AgreedSignature | SignatureShortfall)[] {
  const names = new Set(
    answers.flatMap((a) => [...Object.keys(a.answer.signatures), ...Object.keys(a.answer.signatureErrors ?? {})]),
  );
  return [...names].map((name) => {
    const entries = answers.flatMap((a) => {
      const sig = a.answer.signatures[name];
      return sig ? [{ node: a.node, sig }] : [];
    });
    const target = entries.length
      ? mostCommon(entries.map((e) => ({ id: e.sig.presignatureId, toSign: e.sig.toSign, publicKey: e.sig.publicKey })))
      : undefined;
    const agreeing = entries.filter(
      (e) =>
        e.sig.presignatureId === target?.id && e.sig.toSign === target.toSign && e.sig.publicKey === target.publicKey,
    );
    if (!target || agreeing.length < threshold) {
      const refusals = answers.flatMap((a) => {
        const reason = a.answer.signatureErrors?.[name];
        return reason ? [`node ${a.answer.node}: ${reason}`] : [];
      });
      return {
        name,
        ...(target ? { target } : {}),
        agreeing: agreeing.map((e) => ({ node: e.node, binding: e.sig.binding })),
        nodesRefused: refusals.length > 0,
        error: new NotEnoughNodesError(
          `not enough nodes: signature "${name}": only ${agreeing.length} nodes agreed on what to sign, ${threshold} are needed${refusals.length ? ` (${refusals.join('; ')})` : ''}`,
        ),
      };
    }
    return { name, target, agreeing: agreeing.map((e) => ({ node: e.node, binding: e.sig.binding })) };
  });
}
