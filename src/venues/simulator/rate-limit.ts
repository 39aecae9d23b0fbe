// Token buckets per account and endpoint, shaped like Robinhood's: capacity 300, 100 tokens a minute ("rate limits are
// applied per endpoint", robinhood-api.md §7.1). One bucket per account is the stricter option. Time is injected.

export interface RateLimitOptions {
  readonly capacity: number;
  readonly refillPerMinute: number;
  /** A bucket per account and endpoint (Robinhood's documented scope), or one per account when false. */
  readonly perEndpoint: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 300, refillPerMinute: 100, perEndpoint: true };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly options: RateLimitOptions;

  constructor(options: Partial<RateLimitOptions> = {}) {
    this.options = { ...DEFAULT_RATE_LIMIT, ...options };
  }

  /** Takes one token; returns 0 when allowed, else the seconds until a token is available. */
  take(account: string, endpoint: string, nowMs: number): number {
    const key = this.options.perEndpoint ? `${account} ${endpoint}` : account;
    const perMs = this.options.refillPerMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.options.capacity, at: nowMs };
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + Math.max(0, nowMs - bucket.at) * perMs);
    bucket.at = nowMs;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return perMs > 0 ? Math.ceil((1 - bucket.tokens) / perMs / 1000) : 60;
  }

  reset(): void {
    this.#buckets.clear();
  }
}
