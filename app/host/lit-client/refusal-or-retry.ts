import type { NodeCallErrorCode } from '../../shared/node-protocol.ts';
import { ActionFailedError, NotEnoughNodesError } from './errors.ts';
import type { NodeCallError } from './node-request.ts';

/**
 * What a node's failure means for the request: a refusal (no presignature, no other node, no
 * second run changes it), a reason to try another presignature or run again, or too few nodes.
 * Plain functions of the errors and counts, so each rule is tested on its own.
 */

/** Errors that mean "this request will not be signed", whichever presignature we try. */
const SIGN_REFUSALS = new Set<NodeCallErrorCode>([
  'not_permitted',
  'unknown_pkp',
  'bad_request',
  'bad_auth_sig',
  'expired_auth_sig',
  'bad_auth_method',
  'unsupported_auth_method',
]);
/** A node's answers that mean the presignature is spent there (another binding, or none). */
const SPENT = new Set<NodeCallErrorCode>(['presignature_used', 'unknown_presignature', 'released']);

/**
 * A node's answers to a rebind that mean it cannot take part in this signature (it restarted
 * since the run and forgot it, or its run asked for something else): left out, like a node down.
 */
const NOT_IN_RUN = new Set<NodeCallErrorCode>(['unknown_run', 'other_message']);

/** Why a node gave no decryption share, when no node had anything better to say: the request itself was refused. */
const DECRYPTION_REFUSALS = new Set<NodeCallErrorCode>([
  'conditions_not_met',
  'conditions_error',
  'not_permitted',
  'wrong_network_key',
  'bad_conditions',
  'bad_ciphertext',
  'bad_request',
  'bad_auth_sig',
  'expired_auth_sig',
  'bad_auth_method',
  'unsupported_auth_method',
]);
/** Refusals that mean the record itself is not one this network can open. */
const INVALID_RECORD = new Set<NodeCallErrorCode>(['wrong_network_key', 'bad_ciphertext', 'bad_conditions']);

/** pkpSign attempts when nodes go down mid-request. */
export const SIGN_ATTEMPTS = 4;
/** Presignatures found already spent that one pkpSign may skip before giving up. */
export const MAX_SPOILED_PRESIGNATURES = 16;
/**
 * Runs of one executeJs when nodes drop out mid-run (only for runs without effects outside the
 * nodes). With N − T nodes already down, any node that restarts during a run leaves it short of
 * T answers; under the chaos run's churn three runs in a row were lost that way (2 of 3,208
 * requests), so five.
 */
export const EXECUTE_ATTEMPTS = 5;
/** Lit allows at most this many signatures per action run. */
export const MAX_ACTION_SIGNATURES = 10;

/** Unreachable (status 0), or restarted and not back in the network yet (503): worth asking again. */
export function worthAskingAgain(status: number): boolean {
  return status === 0 || status === 503;
}

/**
 * Whether pkpSign may try once more: SIGN_ATTEMPTS for nodes going down, plus one for each
 * presignature found spent (cheap: one bind round that failed at once), up to
 * MAX_SPOILED_PRESIGNATURES of those.
 */
export function maySignAgain(attemptsMade: number, spoiled: number): boolean {
  return attemptsMade < SIGN_ATTEMPTS + spoiled && spoiled <= MAX_SPOILED_PRESIGNATURES;
}

/** Whether pkpSign gave up because someone else kept spoiling its presignatures (not for want of nodes). */
export function spoiledTooOften(spoiled: number): boolean {
  return spoiled > MAX_SPOILED_PRESIGNATURES;
}

/** Why fewer than T holders bound a presignature, and what that calls for. */
export type BindShortfall =
  /** The request itself was refused (auth, permission, input): no other presignature helps. */
  | { kind: 'refused'; by: NodeCallError }
  /** Holders no longer had it fresh (bound to another message, or not there): try another. */
  | { kind: 'spoiled'; at: NodeCallError[] }
  /**
   * Holders went down, or (a rebind) were not in the run; T nodes are still reachable: another
   * presignature, held by nodes up, will do. `unreachable` may be back in a moment; `notInRun` never.
   */
  | { kind: 'other_presignature'; unreachable: number[]; notInRun: number[] }
  /** Fewer than T nodes reachable. */
  | { kind: 'not_enough_nodes'; reachable: number };

/** Judges the failures of a bind round that gathered fewer than T bindings. */
export function judgeBindShortfall(
  errors: readonly NodeCallError[],
  threshold: number,
  nodeCount: number,
): BindShortfall {
  // 401/403: the request itself was refused (auth or permission).
  const refusal = errors.find((e) => SIGN_REFUSALS.has(e.code) || e.status === 401 || e.status === 403);
  if (refusal) return { kind: 'refused', by: refusal };
  const gone = errors.filter((e) => SPENT.has(e.code));
  if (gone.length > 0) return { kind: 'spoiled', at: gone };
  const reachable = nodeCount - errors.filter((e) => e.status === 0 || NOT_IN_RUN.has(e.code)).length;
  if (reachable >= threshold)
    return {
      kind: 'other_presignature',
      unreachable: errors.filter((e) => worthAskingAgain(e.status)).map((e) => e.node),
      notInRun: errors.filter((e) => NOT_IN_RUN.has(e.code)).map((e) => e.node),
    };
  return { kind: 'not_enough_nodes', reachable };
}

/** No node answered a Lit Action run: whether the first failure is the node refusing it (4xx). */
export function refusedTheRun(first: NodeCallError | undefined): first is NodeCallError {
  return first !== undefined && first.status >= 400 && first.status < 500;
}

/** From a node's "the action made N signatures; the request offered M presignatures": N (else 0). */
export function presignaturesWanted(message: string): number {
  return Number(/the action made (\d+) signatures; the request offered \d+ presignatures/.exec(message)?.[1] ?? 0);
}

/**
 * After a Lit Action run failed: how many presignatures to offer the next run, or undefined
 * to give up with `err`. A run whose action reached outside the nodes (`hadEffects`) is never
 * run again (its effects would repeat); a run that signed more than offered runs again with as
 * many as it asked for (up to Lit's limit); a run that lost nodes mid-run runs again, unless
 * too few were reachable before it started.
 */
export function nextRunOffer(err: unknown, runsMade: number, offer: number, hadEffects: boolean): number | undefined {
  if (hadEffects || runsMade >= EXECUTE_ATTEMPTS) return undefined;
  const wanted = err instanceof ActionFailedError && err.kind === 'limit' ? presignaturesWanted(err.message) : 0;
  if (wanted > offer && wanted <= MAX_ACTION_SIGNATURES) return wanted;
  if (!(err instanceof NotEnoughNodesError) || err.beforeRun) return undefined;
  return offer;
}

/**
 * Fewer than T decryption shares came: whether that is the request refused (more nodes
 * refused it than the asked − T that may fail, so T shares were impossible) rather than too
 * few nodes; then the refusals, and whether every one says the record is not one this network
 * can open (`invalid`: malformed, tampered, wrong network). Undefined: too few nodes.
 */
export function judgeDecryptionShortfall<R extends { code: NodeCallErrorCode }>(
  failures: readonly R[],
  asked: number,
  threshold: number,
): { refused: R[]; invalid: boolean } | undefined {
  const refused = failures.filter((r) => DECRYPTION_REFUSALS.has(r.code));
  if (refused.length <= asked - threshold) return undefined;
  return { refused, invalid: refused.every((r) => INVALID_RECORD.has(r.code)) };
}
