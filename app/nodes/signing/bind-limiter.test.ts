import { describe, expect, it } from 'vitest';
import { NodeRequestError } from '../node-request-error.ts';
import { BindLimiter } from './bind-limiter.ts';

const limits = { perRequester: { perSecond: 2, burst: 3 }, outsiders: { perSecond: 5, burst: 5 } };

function refusal(take: () => void): string | undefined {
  try {
    take();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(NodeRequestError);
    expect((err as NodeRequestError).status).toBe(429);
    return (err as Error).message;
  }
}

describe('bind limiter', () => {
  it('gives each requester its burst, then its rate, and refuses beyond it with 429', () => {
    let now = 0;
    const limiter = new BindLimiter(limits, () => now);
    for (let i = 0; i < 3; i++) expect(refusal(() => limiter.take('0xaa'))).toBeUndefined();
    expect(refusal(() => limiter.take('0xaa'))).toMatch(/0xaa binds presignatures faster than 2 a second/);
    now += 500; // one more after half a second at 2 a second
    expect(refusal(() => limiter.take('0xaa'))).toBeUndefined();
    expect(refusal(() => limiter.take('0xaa'))).toBeDefined();
  });

  it('caps all outsiders together: new identities do not buy more binds', () => {
    let now = 0;
    const limiter = new BindLimiter(limits, () => now);
    const outcomes = Array.from({ length: 8 }, (_, i) => refusal(() => limiter.take(`0x${i}`)));
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(5);
    expect(outcomes.at(-1)).toMatch(/too many presignature binds from outside the host/);
    now += 1000;
    expect(refusal(() => limiter.take('0xnew'))).toBeUndefined();
  });

  it('a refused bind costs no budget', () => {
    const limiter = new BindLimiter(limits, () => 0);
    for (let i = 0; i < 3; i++) limiter.take('0xaa');
    for (let i = 0; i < 10; i++) expect(refusal(() => limiter.take('0xaa'))).toBeDefined();
    expect(refusal(() => limiter.take('0xbb'))).toBeUndefined(); // the shared budget kept its 2
    expect(refusal(() => limiter.take('0xcc'))).toBeUndefined();
    expect(refusal(() => limiter.take('0xdd'))).toBeDefined();
  });
});
