/** What one run of an action asked this node to sign under one name, once its permission held. */
export interface RunSignRequest {
  tokenId: string;
  /** 0x04… in lower case (as the wire's PublicKey parses). */
  publicKey: string;
  /** 32-byte digest, 0x lowercase hex. */
  toSign: string;
}

/** How long a run's sign requests are remembered: longer than any client waits for a signature. */
const REMEMBER_MS = 120_000;
/** At most this many are remembered; the oldest go first (memory stays bounded under any load). */
const MAX_REMEMBERED = 4_096;

/**
 * The signatures this node's runs of the host's actions asked for, by request id and sig name,
 * so that the client can have another presignature bound to one (ExecuteService.rebind) when
 * the run's own lost holders, instead of running the action again. Kept in memory only: a node
 * that restarts forgets them and is simply not among the binders of the second presignature.
 */
export class RunSignRequests {
  private readonly entries = new Map<string, RunSignRequest & { until: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  remember(requestId: string, sigName: string, request: RunSignRequest): void {
    const key = `${requestId}\n${sigName}`;
    this.entries.delete(key);
    this.entries.set(key, { ...request, until: this.now() + REMEMBER_MS });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= MAX_REMEMBERED && entry.until > this.now()) break;
      this.entries.delete(oldest);
    }
  }

  find(requestId: string, sigName: string): RunSignRequest | undefined {
    const entry = this.entries.get(`${requestId}\n${sigName}`);
    return entry && entry.until > this.now() ? entry : undefined;
  }
}
