import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeContext } from '../node-context.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';
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
