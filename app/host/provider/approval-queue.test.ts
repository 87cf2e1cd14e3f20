import { describe, expect, it } from 'vitest';
import { ApprovalQueue } from './approval-queue.ts';
import { RateLimiter } from './rate-limiter.ts';

const request = (client: string, kind: 'connect' | 'message' = 'message') => ({
  client,
  clientLabel: client,
  kind,
  account: null,
  rows: [],
  message: null,
  typedData: null,
});

describe('ApprovalQueue', () => {
  it('ends each request once: the first answer wins, later ones are refused', async () => {
    const queue = new ApprovalQueue(60_000);
    let changes = 0;
    queue.on('change', () => changes++);
    const { id, decision } = queue.add(request('https://a.example'));
    expect(queue.list().map((r) => r.id)).toEqual([id]);
    expect(queue.decide(id, { approve: true })).toBe(true);
    expect(queue.decide(id, { approve: false, reason: 'rejected' })).toBe(false);
    expect(await decision).toEqual({ approve: true });
    expect(queue.list()).toEqual([]);
    expect(changes).toBe(2);
  });

  it('times a request out, counts per client, finds a waiting connection, and closes the rest', async () => {
    const queue = new ApprovalQueue(50);
    const late = queue.add(request('https://a.example'));
    expect(await late.decision).toEqual({ approve: false, reason: 'timeout' });

    const long = new ApprovalQueue(60_000);
    const a = long.add(request('https://a.example', 'connect'));
    long.add(request('https://a.example'));
    long.add(request('https://b.example'));
    expect(long.countFor('https://a.example')).toBe(2);
    expect(long.pendingConnect('https://a.example')).toBe(a.id);
    expect(long.pendingConnect('https://b.example')).toBeUndefined();
    long.close();
    expect(await a.decision).toEqual({ approve: false, reason: 'closed' });
    expect(long.list()).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate, per client', () => {
    const limiter = new RateLimiter(10, 3);
    const t = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a', t))).toEqual([true, true, true, false]);
    expect(limiter.take('b', t)).toBe(true);
    expect(limiter.take('a', t + 50)).toBe(false);
    expect(limiter.take('a', t + 100)).toBe(true);
    expect(limiter.take('a', t + 100)).toBe(false);
  });
});
