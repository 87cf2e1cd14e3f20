/**
 * One-time use of a passkey assertion at one node, for authenticators whose signature counter
 * stays 0 (many synced passkeys, Apple's iCloud Keychain ones for instance). The counter check
 * cannot catch a replay there, so this remembers each accepted assertion by what it signed
 * (credential id, authenticator data, clientDataJSON; not the signature, which an attacker can
 * re-encode without the key) for as long as its challenge can still be recent.
 *
 * Limits: memory only (a restarted node forgets), per node (each node sees an assertion once,
 * which is how a client fans one login out to N nodes), and two logins with the same block
 * hash from a counter-0 authenticator sign identical data, so the second is refused until a
 * new block comes: clients should ask for a fresh challenge per login.
 */
import { createHash } from 'node:crypto';
import { PasskeyError, type WebAuthnAssertion } from '../../../shared/webauthn/index.ts';

export interface PasskeyReplayGuardOptions {
  /** How long an assertion is remembered; at least the challenge window. Default 15 minutes. */
  ttlMs?: number;
  /** Bound on memory; the oldest entries go first. Default 100 000. */
  maxEntries?: number;
  now?: () => number;
}

export class PasskeyReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: PasskeyReplayGuardOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Records the assertion; throws PasskeyError('replayed_assertion') if it was recorded before and has not expired. */
  claim(assertion: WebAuthnAssertion): void {
    const now = this.now();
    const key = createHash('sha256')
      .update(assertion.rawId)
      .update('.')
      .update(assertion.response.authenticatorData)
      .update('.')
      .update(assertion.response.clientDataJSON)
      .digest('base64url');
    const expiresAt = this.seen.get(key);
    if (expiresAt !== undefined && expiresAt > now)
      throw new PasskeyError(
        'replayed_assertion',
        'this passkey assertion was already used at this node; sign a fresh challenge',
      );
    this.seen.delete(key);
    if (this.seen.size >= this.maxEntries) this.prune(now);
    this.seen.set(key, now + this.ttlMs);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [key, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(key);
    while (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (oldest.done) break;
      this.seen.delete(oldest.value);
    }
  }
}
