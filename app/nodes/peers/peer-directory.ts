import { NodeHealth } from '../../shared/node-ipc.ts';
import type { PeerInfo } from './peer-crypto.ts';
import { answerJson, httpExchange } from '../../shared/http-exchange.ts';

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
    return (await this.liveAndJoining(timeoutMs)).live;
  }

  /** As live(), and how many peers answer /health but have not joined yet (they are starting). */
  async liveAndJoining(timeoutMs = 1_000): Promise<{ live: PeerInfo[]; joining: number }> {
    const states = await Promise.all(this.peers.map((p) => peerState(p, timeoutMs)));
    return {
      live: this.peers.filter((_p, i) => states[i] === 'joined'),
      joining: states.filter((s) => s === 'joining').length,
    };
  }

  /**
   * Whether any peer with an index below `index` is live (as above), asked in index order and
   * stopping at the first that does: usually one request (node 1 is up), where asking every
   * peer would cost each node N requests per question.
   */
  async anyLiveBelow(index: number, timeoutMs = 1_000): Promise<boolean> {
    for (const p of this.peers) if (p.index < index && (await peerState(p, timeoutMs)) === 'joined') return true;
    return false;
  }
}

async function peerState(peer: PeerInfo, timeoutMs: number): Promise<'joined' | 'joining' | 'down'> {
  try {
    const answer = await httpExchange(`${peer.endpoint}/health`, { timeoutMs });
    if (answer.status !== 200) return 'down';
    const health = NodeHealth.safeParse(answerJson(answer));
    if (!health.success) return 'down';
    return health.data.networkReady ? 'joined' : 'joining';
  } catch {
    return 'down';
  }
}
