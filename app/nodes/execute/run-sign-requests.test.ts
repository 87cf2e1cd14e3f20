import { describe, expect, it } from 'vitest';
import { RunSignRequests } from './run-sign-requests.ts';

const asked = (n: number) => ({ tokenId: String(n), publicKey: '0x04ab', toSign: `0x${'0'.repeat(63)}${n % 10}` });

describe("what a node's runs asked to sign, for a rebind", () => {
  it("finds a run's request by request id and sig name, and nothing else", () => {
    const requests = new RunSignRequests();
    requests.remember('run-1', 'sig', asked(1));
    expect(requests.find('run-1', 'sig')).toMatchObject(asked(1));
    expect(requests.find('run-1', 'other')).toBeUndefined();
    expect(requests.find('run-2', 'sig')).toBeUndefined();
  });

  it('forgets after two minutes', () => {
    let now = 0;
    const requests = new RunSignRequests(() => now);
    requests.remember('run-1', 'sig', asked(1));
    now = 119_999;
    expect(requests.find('run-1', 'sig')).toBeDefined();
    now = 120_000;
    expect(requests.find('run-1', 'sig')).toBeUndefined();
  });

  it('keeps at most 4096, dropping the oldest first', () => {
    const requests = new RunSignRequests();
    for (let i = 0; i < 5_000; i++) requests.remember(`run-${i}`, 'sig', asked(i));
    expect(requests.find('run-0', 'sig')).toBeUndefined();
    expect(requests.find('run-903', 'sig')).toBeUndefined();
    expect(requests.find('run-904', 'sig')).toMatchObject(asked(904));
    expect(requests.find('run-4999', 'sig')).toMatchObject(asked(4999));
  });
});
