import type { PeerInfo } from './peer-crypto.ts';

/** The registered nodes as last read from Staking. */
export class PeerDirectory {
  private peers: PeerInfo[] = [];
  private readonly load: () => Promise<PeerInfo[]>;

  constructor(load: () => Promise<PeerInfo[]>) {
    this.load = load;
  }

  async refresh(): Promise<void> {
    this.peers = await this.load();
  }

  peer(index: number): PeerInfo | undefined {
    return this.peers[index - 1];
  }

  all(): readonly PeerInfo[] {
    return this.peers;
  }

  /** Peers answering /health now (the caller itself included when it answers). */
  async live(timeoutMs = 1_000): Promise<PeerInfo[]> {
    const checks = await Promise.all(this.peers.map(async (p) => ((await answers(p, timeoutMs)) ? p : undefined)));
    return checks.filter((p): p is PeerInfo => p !== undefined);
  }

  /**
   * Whether any peer with an index below `index` answers /health, asked in index order and
   * stopping at the first that does: usually one request (node 1 is up), where asking every
   * peer would cost each node N requests per question.
   */
  async anyLiveBelow(index: number, timeoutMs = 1_000): Promise<boolean> {
    for (const p of this.peers) if (p.index < index && (await answers(p, timeoutMs))) return true;
    return false;
  }
}

async function answers(peer: PeerInfo, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${peer.endpoint}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer(); // read to the end, so the connection is reused
    return res.ok;
  } catch {
    return false;
  }
}
