import { NodeHealth } from '../../shared/node-ipc.ts';
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

  /**
   * Peers that answer /health now and have joined the network (the caller itself included).
   * A node that restarted answers /health before it has joined; counted live, it was made a
   * participant of batches it then refused ("this node has not joined the network yet"), and
   * the whole batch was lost: under the chaos run, most failed batches were that.
   */
  async live(timeoutMs = 1_000): Promise<PeerInfo[]> {
    const checks = await Promise.all(this.peers.map(async (p) => ((await answers(p, timeoutMs)) ? p : undefined)));
    return checks.filter((p): p is PeerInfo => p !== undefined);
  }

  /**
   * Whether any peer with an index below `index` is live (as above), asked in index order and
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
    // Read to the end either way, so that the connection is reused.
    const health = NodeHealth.safeParse(await res.json().catch(() => undefined));
    return res.ok && health.success && health.data.networkReady;
  } catch {
    return false;
  }
}
