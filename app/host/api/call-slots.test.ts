import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_API_LIMITS } from './api-server.ts';
import { CallSlots } from './call-slots.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('call slots', () => {
  it('runs up to the limit at once; the next ones wait and get freed slots in the order they came', async () => {
    const slots = new CallSlots({ running: 2, waiting: 10, waitMs: 60_000 });
    expect(await slots.acquire()).toBeUndefined();
    expect(await slots.acquire()).toBeUndefined();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      slots.acquire().then((refusal) => {
        expect(refusal).toBeUndefined();
        order.push(n);
      }),
    );
    expect(slots.running).toBe(2);
    expect(slots.waiting).toBe(3);
    slots.release();
    slots.release();
    await Promise.all(waiters.slice(0, 2));
    expect(order).toEqual([1, 2]);
    expect(slots.running).toBe(2);
    slots.release();
    await waiters[2];
    expect(order).toEqual([1, 2, 3]);
    slots.release();
    slots.release();
    expect(slots.running).toBe(0);
    expect(slots.waiting).toBe(0);
  });

  it('refuses at once when the line is full, saying how busy the host is', async () => {
    const slots = new CallSlots({ running: 1, waiting: 1, waitMs: 60_000 });
    await slots.acquire();
    const waiting = slots.acquire();
    expect(await slots.acquire()).toMatch(/the host is busy with 1 calls and 1 waiting/);
    slots.release();
    expect(await waiting).toBeUndefined();
  });

  it('refuses a call that waited too long, and its place goes to nobody', async () => {
    vi.useFakeTimers();
    const slots = new CallSlots({ running: 1, waiting: 5, waitMs: 1_000 });
    await slots.acquire();
    const waiting = slots.acquire();
    await vi.advanceTimersByTimeAsync(1_001);
    expect(await waiting).toMatch(/no slot came free within 1 s/);
    expect(slots.waiting).toBe(0);
    slots.release();
    expect(slots.running).toBe(0);
  });

  it('skips a waiter whose caller went away, and gives the slot to the next', async () => {
    const slots = new CallSlots({ running: 1, waiting: 5, waitMs: 60_000 });
    await slots.acquire();
    const gone = slots.acquire(() => false);
    const next = slots.acquire(() => true);
    slots.release();
    expect(await gone).toBe('the caller went away');
    expect(await next).toBeUndefined();
    expect(slots.running).toBe(1);
  });

  it('does not let a newcomer pass those already waiting', async () => {
    const slots = new CallSlots({ running: 1, waiting: 5, waitMs: 60_000 });
    await slots.acquire();
    const first = slots.acquire();
    slots.release(); // the slot goes to `first`, not to whoever asks next
    const newcomer = slots.acquire();
    expect(await first).toBeUndefined();
    expect(slots.waiting).toBe(1);
    slots.release();
    expect(await newcomer).toBeUndefined();
  });

  it('refuses limits that could never run a call', () => {
    expect(() => new CallSlots({ running: 0, waiting: 1, waitMs: 1 })).toThrow(/at least one running slot/);
  });

  it('holds, running and waiting, fewer calls than the connections a client may open (one call each)', () => {
    const { concurrentCalls, queuedCalls, connections } = DEFAULT_API_LIMITS;
    expect(concurrentCalls + queuedCalls).toBeLessThan(connections);
  });
});
