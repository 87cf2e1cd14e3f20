import { NodeRequestError } from '../node-request-error.ts';

/**
 * Where each multi-round protocol session this node takes part in stands: who proposed it
 * and which round comes next. A round is accepted once, in order, and only from the
 * proposer, so nobody can replay a round (say, get a second round-2 answer for the same
 * presignature batch with a changed dealing). Kept in memory on purpose: after a restart every
 * old session is unknown and refused.
 */
export class SessionLedger {
  private readonly sessions = new Map<string, { proposer: number; next: string; at: number }>();
  private readonly ttlMs: number;

  constructor(ttlMs = 5 * 60_000) {
    this.ttlMs = ttlMs;
  }

  /** First round: a session id is used once, ever (in this process). */
  open(session: string, proposer: number, next: string): void {
    const now = Date.now();
    if (this.sessions.size > 5_000)
      for (const [id, s] of this.sessions) if (now - s.at > this.ttlMs) this.sessions.delete(id);
    if (this.sessions.has(session)) throw new NodeRequestError(409, 'replayed', `session ${session} was already used`);
    this.sessions.set(session, { proposer, next, at: now });
  }

  /** A later round: must be the expected one, from the proposer. `next` undefined ends it. */
  advance(session: string, from: number, round: string, next: string | undefined): void {
    const state = this.sessions.get(session);
    if (!state || state.next !== round || state.proposer !== from)
      throw new NodeRequestError(
        409,
        'unexpected_round',
        `no ${round} is expected from node ${from} for session ${session}`,
      );
    if (next) state.next = next;
    else state.next = 'done';
  }
}
