import { NodeRequestError } from '../node-request-error.ts';

/** Token bucket: `perSecond` refill, at most `burst` saved up. */
interface Bucket {
  tokens: number;
  at: number;
}

export interface BindLimits {
  /** Binds per second one requester (an address, an auth method) may make, and its burst. */
  perRequester: { perSecond: number; burst: number };
  /** Binds per second all callers other than the host's client may make together. */
  outsiders: { perSecond: number; burst: number };
}

/**
 * Outsiders (anyone but the host's own Lit client, which the host API already limits) may bind
 * presignatures only slowly: each bind takes one out of the pool for good, so a requester
 * with a PKP of its own could otherwise drain it as fast as the nodes commit. One budget per
 * requester, and one shared by all of them (a requester is cheap to make: one more address).
 */
export const DEFAULT_BIND_LIMITS: BindLimits = {
  perRequester: { perSecond: 2, burst: 10 },
  outsiders: { perSecond: 10, burst: 30 },
};

export class BindLimiter {
  private readonly limits: BindLimits;
  private readonly buckets = new Map<string, Bucket>();
  private readonly shared: Bucket;
  private readonly now: () => number;

  constructor(limits: BindLimits = DEFAULT_BIND_LIMITS, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
    this.shared = { tokens: limits.outsiders.burst, at: now() };
  }

  /** Takes one bind from `requester`'s budget and the shared one, or refuses with 429. */
  take(requester: string): void {
    const now = this.now();
    if (this.buckets.size > 10_000) this.forgetFull(now);
    const own = this.buckets.get(requester) ?? { tokens: this.limits.perRequester.burst, at: now };
    this.buckets.set(requester, own);
    refill(own, this.limits.perRequester, now);
    refill(this.shared, this.limits.outsiders, now);
    if (own.tokens < 1)
      throw new NodeRequestError(
        429,
        'rate_limited',
        `${requester} binds presignatures faster than ${this.limits.perRequester.perSecond} a second; try again shortly`,
      );
    if (this.shared.tokens < 1)
      throw new NodeRequestError(
        429,
        'rate_limited',
        'too many presignature binds from outside the host; try again shortly',
      );
    own.tokens--;
    this.shared.tokens--;
  }

  /** Requesters whose bucket is full again need no entry. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      refill(bucket, this.limits.perRequester, now);
      if (bucket.tokens >= this.limits.perRequester.burst) this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, rate: { perSecond: number; burst: number }, now: number): void {
  bucket.tokens = Math.min(rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
  bucket.at = now;
}
