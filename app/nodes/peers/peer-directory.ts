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
    const checks = await Promise.all(
      this.peers.map(async (p) => {
        try {
          const res = await fetch(`${p.endpoint}/health`, { signal: AbortSignal.timeout(timeoutMs) });
          return res.ok ? p : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return checks.filter((p): p is PeerInfo => p !== undefined);
  }
}
