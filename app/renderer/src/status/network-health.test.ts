import { describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../../shared/api/contract.ts';
import { networkHealth } from './network-health.ts';

function status(up: number, keys: number | null = 5, presignatures: number | null = 8, ready = true): NetworkStatus {
  return {
    ready,
    chain: { rpcUrl: 'http://127.0.0.1:1', cheats: false, chainId: 31337, blockNumber: 10, up: true },
    nodes: Array.from({ length: 7 }, (_, i) => ({
      index: i + 1,
      url: `http://127.0.0.1:${i}`,
      pid: 1,
      up: i < up,
      restarts: 0,
      address: null,
      keysReady: keys,
      presignaturesFresh: presignatures,
    })),
    nodeCount: 7,
    threshold: 5,
    dataDir: '/tmp/x',
    contracts: null,
    networkPublicKey: null,
    lastSignature: null,
  };
}

describe('the sandbox state in words', () => {
  it('says ready only when every part is', () => {
    expect(networkHealth(status(7), true)).toMatchObject({
      level: 'ok',
      text: 'Sandbox ready · 7/7 nodes up · threshold 5',
    });
  });

  it('says the host is unreachable even though the last status said 7/7', () => {
    const health = networkHealth(status(7), false);
    expect(health.level).toBe('bad');
    expect(health.text).toMatch(/Host unreachable/);
    expect(health.text).not.toMatch(/7\/7/);
  });

  it('says below threshold, and why mint and sign cannot work', () => {
    const health = networkHealth(status(4), true);
    expect(health).toMatchObject({ level: 'bad', text: 'Below threshold · 4/7 nodes up · threshold 5' });
    expect(health.signWait).toMatch(/4 of 7 nodes up, signing needs 5/);
    expect(health.mintWait).toBe(health.signWait);
  });

  it('says what a first mint or signature waits for after a new start', () => {
    expect(networkHealth(status(7, 0, 0), true)).toMatchObject({ text: expect.stringMatching(/^Key pool filling/) });
    expect(networkHealth(status(7, 0, 0), true).mintWait).toMatch(/first keys/);
    const presigning = networkHealth(status(7, 3, 0), true);
    expect(presigning.text).toMatch(/^Presignatures filling/);
    expect(presigning.mintWait).toBeUndefined();
    expect(presigning.signWait).toMatch(/presignatures/);
  });

  it('says starting while the network is not ready', () => {
    expect(networkHealth(status(2, null, null, false), true).text).toMatch(/^Sandbox starting/);
  });
});
