import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeContext } from '../node-context.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';
import { askPresignAvailable, runPresignBatch } from '../protocols/presign-protocol.ts';
import { PoolKeeper } from './pool-keeper.ts';

// The DKG and presignature rounds themselves are tested with real nodes elsewhere; here only
// which round the leader starts, and when, is looked at.
const dkgRounds: string[] = [];
vi.mock('../protocols/dkg-protocol.ts', () => ({
  runDkgBatch: vi.fn(async (_ctx: unknown, purpose: { name: string }, count: number) => {
    dkgRounds.push(`${purpose.name}×${count}`);
    return Array.from({ length: count }, (_, i) => `0xkey${i}`);
  }),
}));
vi.mock('../protocols/presign-protocol.ts', () => ({
  askPresignAvailable: vi.fn(async () => ({ ids: [] })),
  runPresignBatch: vi.fn(async () => []),
}));

const N = 4;
const peers: PeerInfo[] = Array.from({ length: N }, (_, i) => ({ index: i + 1 }) as PeerInfo);

/**
 * A leader (node 1) at genesis: node 4 misses the quick (1 s) health check but answers the
 * patient one, as a node busy starting does on a loaded machine.
 */
function genesisLeader() {
  let networkKey: string | undefined;
  let unminted = 0;
  const ctx = {
    index: 1,
    nodeCount: N,
    threshold: 3,
    log: () => {},
    networkKey: { ready: () => networkKey },
    chain: { contracts: { PKPNFT: { getUnmintedRoutedTokenIdCount: async () => BigInt(unminted) } } },
    peers: {
      anyLiveBelow: async () => false,
      liveAndJoining: async (timeoutMs = 1_000) => ({
        live: timeoutMs > 1_000 ? peers : peers.slice(0, 3),
        joining: 0,
      }),
      live: async (timeoutMs = 1_000) => (timeoutMs > 1_000 ? peers : peers.slice(0, 3)),
    },
  } as unknown as NodeContext;
  const keeper = new PoolKeeper(ctx, { keys: 2, keyBatch: 2, presignatures: 0, presignBatch: 1 });
  const afterRound = () => {
    const last = dkgRounds.at(-1);
    if (last?.startsWith('network')) networkKey = '0xnetwork';
    if (last?.startsWith('pkp')) unminted += 2;
  };
  return { keeper, afterRound };
}

afterEach(() => {
  dkgRounds.length = 0;
});

describe('the pool keeper at genesis', () => {
  it('makes the network key before any PKP key, though a node answered only the patient check', async () => {
    const { keeper, afterRound } = genesisLeader();
    const tick = () => (keeper as unknown as { tick(): Promise<boolean> }).tick();
    for (let i = 0; i < 4; i++) {
      await tick();
      afterRound();
    }
    expect(dkgRounds).toEqual(['network×1', 'pkp×2']);
  });
});

describe('the pool keeper keeping presignatures', () => {
  /** A leader (node 1) of N = 4, T = 3, network key made and key pool full; `live` says who is up. */
  function presignLeader(live: { peers: PeerInfo[] }, held: () => string[]) {
    const ctx = {
      index: 1,
      nodeCount: N,
      threshold: 3,
      log: () => {},
      networkKey: { ready: () => '0xnetwork' },
      chain: { contracts: { PKPNFT: { getUnmintedRoutedTokenIdCount: async () => 2n } } },
      peers: {
        anyLiveBelow: async () => false,
        liveAndJoining: async () => ({ live: live.peers, joining: 0 }),
        live: async () => live.peers,
      },
    } as unknown as NodeContext;
    vi.mocked(askPresignAvailable).mockImplementation(async () => ({ ids: held() }));
    const keeper = new PoolKeeper(ctx, { keys: 2, keyBatch: 2, presignatures: 400, presignBatch: 100 });
    const tick = () => (keeper as unknown as { tick(): Promise<boolean> }).tick();
    return { keeper, tick };
  }
  const plenty = () => Array.from({ length: 400 }, (_, k) => `ps-${k}`);

  beforeEach(() => {
    vi.mocked(askPresignAvailable).mockClear();
    vi.mocked(runPresignBatch).mockClear();
  });
  afterEach(() => vi.useRealTimers());

  it('looks at the pools again at once when the live nodes changed, not a second later', async () => {
    const live = { peers };
    const { tick } = presignLeader(live, plenty);
    await tick();
    expect(askPresignAvailable).toHaveBeenCalledTimes(4);
    await tick(); // same nodes, within the second: no look
    expect(askPresignAvailable).toHaveBeenCalledTimes(4);
    live.peers = peers.slice(0, 3); // node 4 went down
    await tick();
    expect(askPresignAvailable).toHaveBeenCalledTimes(7);
    expect(runPresignBatch).not.toHaveBeenCalled();
  });

  it('makes a quarter batch first when the live nodes share none, then a whole one at once', async () => {
    let held: string[] = [];
    const { tick } = presignLeader({ peers: peers.slice(0, 3) }, () => held);
    expect(await tick()).toBe(true); // more work waiting right away
    expect(vi.mocked(runPresignBatch).mock.calls.map((c) => c[2])).toEqual([25]);
    held = Array.from({ length: 25 }, (_, k) => `ps-${k}`);
    await tick();
    expect(vi.mocked(runPresignBatch).mock.calls.map((c) => c[2])).toEqual([25, 100]);
    // Requests wait for both: neither runs below the nodes' signing.
    expect(vi.mocked(runPresignBatch).mock.calls.map((c) => c[3])).toEqual([false, false]);
  });

  it('refills in the background while a quarter of the pool is left', async () => {
    let held = Array.from({ length: 150 }, (_, k) => `ps-${k}`);
    const { tick } = presignLeader({ peers }, () => held);
    await tick();
    held = held.slice(0, 60); // signed away meanwhile; 250 is below the target, so it looks again
    await tick();
    expect(vi.mocked(runPresignBatch).mock.calls.map((c) => [c[2], c[3]])).toEqual([
      [100, true],
      [100, false],
    ]);
  });

  it('looks at once when the host says a node went down or came back, not at its next turn', async () => {
    vi.useFakeTimers();
    const live = { peers };
    const { keeper } = presignLeader(live, plenty);
    keeper.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(askPresignAvailable).toHaveBeenCalledTimes(4);
    live.peers = peers.slice(0, 3); // node 4 went down
    await vi.advanceTimersByTimeAsync(500); // the next turn is a second after the last
    expect(askPresignAvailable).toHaveBeenCalledTimes(4);
    keeper.lookNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(askPresignAvailable).toHaveBeenCalledTimes(7);
    keeper.stop();
  });

  it('tries a batch that failed (a node in it went down midway) again within 100 ms, not at its next turn', async () => {
    vi.useFakeTimers();
    const { keeper } = presignLeader({ peers }, () => []);
    vi.mocked(runPresignBatch).mockRejectedValueOnce(new Error('node 4: unreachable (socket hang up)'));
    keeper.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runPresignBatch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(runPresignBatch).toHaveBeenCalledTimes(2);
    keeper.stop();
  });
});
