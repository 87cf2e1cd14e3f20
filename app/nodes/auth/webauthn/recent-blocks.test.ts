import { describe, expect, it } from 'vitest';
import { recentBlockHashes, type BlockSource } from './recent-blocks.ts';

function chain(latest: number, timestampOf: (n: number) => number): BlockSource & { fetched: number[] } {
  const fetched: number[] = [];
  return {
    fetched,
    getBlockNumber: () => Promise.resolve(latest),
    getBlock: (n) => {
      fetched.push(n);
      return Promise.resolve({ hash: `0x${n.toString(16).padStart(64, 'A')}`, timestamp: timestampOf(n) });
    },
  };
}

describe('recentBlockHashes', () => {
  it('gives the latest blocks, newest first, lower case', async () => {
    const c = chain(100, () => 1000);
    const hashes = await recentBlockHashes(c, { blocks: 3, nowSeconds: 1000 });
    expect(hashes).toEqual([100, 99, 98].map((n) => `0x${n.toString(16).padStart(64, 'a')}`));
    expect(c.fetched.sort((x, y) => x - y)).toEqual([98, 99, 100]);
  });

  it('stops at blocks older than maxAgeSeconds', async () => {
    const hashes = await recentBlockHashes(
      chain(10, (n) => 1000 + n * 60),
      { blocks: 32, maxAgeSeconds: 150, nowSeconds: 1000 + 10 * 60 },
    );
    expect(hashes).toHaveLength(3); // blocks 10, 9, 8 are at most 150 s old
  });

  it('gives none when even the latest block is too old (the host must mine a fresh one)', async () => {
    expect(
      await recentBlockHashes(
        chain(5, () => 0),
        { nowSeconds: 10_000 },
      ),
    ).toEqual([]);
  });

  it('does not go below block 0', async () => {
    expect(
      await recentBlockHashes(
        chain(1, () => 0),
        { blocks: 32, nowSeconds: 0 },
      ),
    ).toHaveLength(2);
  });
});
