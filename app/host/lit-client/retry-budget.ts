/**
 * How many retries a client may add to its load: each request earns a fraction of one, each
 * retry spends one, up to a small reserve. When nodes drop out, the requests they were serving
 * are tried again (the reserve covers a burst of those); when most requests fail, retries stop
 * before they multiply the load on an overloaded network (the way gRPC throttles retries).
 */
export class RetryBudget {
  private tokens: number;
  private readonly perRequest: number;
  private readonly reserve: number;

  constructor(perRequest = 0.2, reserve = 20) {
    this.perRequest = perRequest;
    this.reserve = reserve;
    this.tokens = reserve;
  }

  /** A new request (not a retry) started. */
  earn(): void {
    this.tokens = Math.min(this.reserve, this.tokens + this.perRequest);
  }

  /** Whether a retry may go ahead now (it spends one). */
  spend(): boolean {
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
