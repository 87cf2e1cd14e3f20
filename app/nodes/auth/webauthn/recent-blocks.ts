/**
 * The challenges a node accepts for a passkey login: the hashes of the chain's latest blocks,
 * as Lit's nodes do (the client signs the latest block hash it saw). "Recent" is bounded by
 * count and by age: on an auto-mining anvil a block can stay the latest for hours, so an
 * assertion over it would stay valid that long without the age bound; the host therefore
 * mines a block (anvil evm_mine) when it hands out a login challenge and the latest is old.
 */

/** What this needs from a provider (ethers' JsonRpcProvider fits). */
export interface BlockSource {
  getBlockNumber(): Promise<number>;
  getBlock(blockNumber: number): Promise<{ hash: string | null; timestamp: number } | null>;
}

export interface RecentBlockOptions {
  /** How many of the latest blocks count. Default 32. */
  blocks?: number;
  /** Blocks older than this (by their timestamp) do not count. Default 600 s. */
  maxAgeSeconds?: number;
  /** Now, in seconds since the epoch (tests). */
  nowSeconds?: number;
}

export const DEFAULT_RECENT_BLOCKS = 32;
export const DEFAULT_CHALLENGE_MAX_AGE_SECONDS = 600;

/** Lower-case 0x hashes of the latest blocks that are young enough, newest first. */
export async function recentBlockHashes(chain: BlockSource, options: RecentBlockOptions = {}): Promise<string[]> {
  const count = options.blocks ?? DEFAULT_RECENT_BLOCKS;
  const maxAge = options.maxAgeSeconds ?? DEFAULT_CHALLENGE_MAX_AGE_SECONDS;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(count) || count < 1) throw new TypeError('blocks must be a positive integer');
  const latest = await chain.getBlockNumber();
  const numbers: number[] = [];
  for (let n = latest; n >= 0 && numbers.length < count; n--) numbers.push(n);
  const blocks = await Promise.all(numbers.map((n) => chain.getBlock(n)));
  const hashes: string[] = [];
  for (const block of blocks) {
    if (!block?.hash) continue;
    if (now - block.timestamp > maxAge) break;
    hashes.push(block.hash.toLowerCase());
  }
  return hashes;
}
