import type { ActionNodeAnswer } from './client-types.ts';

/** The errors the Lit client's operations end with; callers map them to their own answers. */

/** The action failed on most nodes (syntax, thrown error, timeout, memory, a limit). */
export class ActionFailedError extends Error {
  readonly kind: string;
  readonly logs: string;
  readonly nodes: ActionNodeAnswer[];
  constructor(kind: string, message: string, logs: string, nodes: ActionNodeAnswer[]) {
    super(message);
    this.kind = kind;
    this.logs = logs;
    this.nodes = nodes;
  }
}

/** Fewer than T nodes could take part. */
export class NotEnoughNodesError extends Error {
  /** Found before anything ran (too few nodes reachable): trying again at once would not help. */
  readonly beforeRun: boolean;
  constructor(message: string, options: { beforeRun?: boolean } = {}) {
    super(message);
    this.beforeRun = options.beforeRun ?? false;
  }
}

/**
 * The presignatures tried had been bound to other messages (someone else is using the pool up):
 * the network is up, but cannot sign this moment. Reported as unavailable, like too few nodes.
 */
export class PresignaturesSpoiledError extends NotEnoughNodesError {}

/** The nodes refused the request itself (permission, unknown PKP, bad input). */
export class SigningRefusedError extends Error {}

/**
 * The request cannot be decrypted as asked: the nodes refused (conditions not met, not
 * permitted), or the record itself is bad (`invalid`: malformed, tampered, wrong network).
 */
export class DecryptionRefusedError extends Error {
  readonly reasons: string[];
  readonly invalid: boolean;
  constructor(message: string, options: { reasons?: string[]; invalid?: boolean } = {}) {
    super(message);
    this.reasons = options.reasons ?? [];
    this.invalid = options.invalid ?? false;
  }
}

/** Fewer than T nodes could give a share (down, or a bad share without a spare). */
export class NotEnoughNodesForDecryptionError extends Error {}
