import { describe, expect, it } from 'vitest';
import { SessionLedger } from './session-ledger.ts';

describe('protocol sessions', () => {
  it('accepts each round once, in order, from the proposer only', () => {
    const ledger = new SessionLedger();
    ledger.open('ps-1', 3, 'presign/round2');
    expect(() => ledger.open('ps-1', 3, 'presign/round2')).toThrow(/already used/);
    expect(() => ledger.advance('ps-1', 5, 'presign/round2', 'presign/finish')).toThrow(
      /no presign\/round2 is expected from node 5/,
    );
    expect(() => ledger.advance('ps-1', 3, 'presign/finish', undefined)).toThrow(/no presign\/finish/);
    ledger.advance('ps-1', 3, 'presign/round2', 'presign/finish');
    // A replayed round 2 (e.g. with a changed dealing) is refused.
    expect(() => ledger.advance('ps-1', 3, 'presign/round2', 'presign/finish')).toThrow(/no presign\/round2/);
    ledger.advance('ps-1', 3, 'presign/finish', undefined);
    expect(() => ledger.advance('ps-1', 3, 'presign/finish', undefined)).toThrow();
  });

  it('knows nothing of sessions from before a restart', () => {
    expect(() => new SessionLedger().advance('ps-old', 1, 'presign/round2', 'presign/finish')).toThrow(
      /no presign\/round2/,
    );
  });
});
