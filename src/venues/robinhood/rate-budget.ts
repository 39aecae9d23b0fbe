// One request budget per Robinhood account, shared by every caller: a token bucket shaped like Robinhood's
// (capacity 300, 100 tokens a minute) with a priority queue on top, so a flood of quote polls never delays a cancel.
import type { Timers, TimerHandle } from './timers.ts';
import { realTimers } from './timers.ts';

/** Highest first. */
export const PRIORITIES = ['cancel', 'place', 'order_status', 'market_data', 'account'] as const;
export type Priority = (typeof PRIORITIES)[number];
const RANK: Record<Priority, number> = { cancel: 0, place: 1, order_status: 2, market_data: 3, account: 4 };

/**
 * Where tokens live. The in-memory bucket below is exact; a Redis-backed store (for several processes on one
 * account) implements the same two calls atomically (e.g. one Lua script) and plugs in unchanged.
 */
export interface TokenStore {
  /** Takes one token if available at `nowMs` and returns 0, or returns how many ms until one will be. */
  tryTake(nowMs: number): number;
  /** Empties the bucket and grants nothing before `untilMs` (the server said 429). */
  block(untilMs: number): void;
  /** Tokens available at `nowMs` (for health output). */
  available(nowMs: number): number;
}

export interface BucketOptions {
  capacity: number;
  /** Tokens added per refill interval. */
  refillAmount: number;
  refillIntervalMs: number;
}

/** Robinhood's documented shape: 300 burst, 100 per minute sustained, refilled one token every 600 ms. */
export const ROBINHOOD_BUCKET: BucketOptions = { capacity: 300, refillAmount: 1, refillIntervalMs: 600 };

export class MemoryTokenBucket implements TokenStore {
  readonly #options: BucketOptions;
  #tokens: number;
  #lastRefillMs: number;
  #blockedUntilMs = -Infinity;

  constructor(options: BucketOptions, nowMs: number) {
    if (!(options.capacity >= 1 && options.refillAmount >= 1 && options.refillIntervalMs > 0)) {
      throw new RangeError(
        `bucket needs capacity ≥ 1, refillAmount ≥ 1 and refillIntervalMs > 0, got ${JSON.stringify(options)}`,
      );
    }
    this.#options = options;
    this.#tokens = options.capacity;
    this.#lastRefillMs = nowMs;
  }

  #refill(nowMs: number): void {
    const { capacity, refillAmount, refillIntervalMs } = this.#options;
    if (nowMs < this.#lastRefillMs) return;
    if (this.#tokens >= capacity) {
      this.#lastRefillMs = nowMs; // a full bucket banks no time, not even a partial interval
      return;
    }
    const intervals = Math.floor((nowMs - this.#lastRefillMs) / refillIntervalMs);
    if (intervals <= 0) return;
    this.#tokens = Math.min(capacity, this.#tokens + intervals * refillAmount);
    // A full bucket does not bank time; otherwise keep the partial interval so refills stay exact.
    this.#lastRefillMs = this.#tokens === capacity ? nowMs : this.#lastRefillMs + intervals * refillIntervalMs;
  }

  tryTake(nowMs: number): number {
    if (nowMs < this.#blockedUntilMs) return this.#blockedUntilMs - nowMs;
    this.#refill(nowMs);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, this.#lastRefillMs + this.#options.refillIntervalMs - nowMs);
  }

  block(untilMs: number): void {
    this.#tokens = 0;
    this.#blockedUntilMs = Math.max(this.#blockedUntilMs, untilMs);
    this.#lastRefillMs = this.#blockedUntilMs;
  }

  available(nowMs: number): number {
    if (nowMs < this.#blockedUntilMs) return 0;
    this.#refill(nowMs);
    return this.#tokens;
  }
}

export interface RateBudgetOptions {
  bucket?: BucketOptions;
  /** Use a shared store (e.g. Redis-backed) instead of the in-memory bucket. */
  store?: TokenStore;
  timers?: Timers;
  /** Back-off after a 429 without Retry-After; doubles on each consecutive 429 up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface RateBudgetState {
  available: number;
  queued: Record<Priority, number>;
  blockedForMs: number;
}

interface Waiter {
  rank: number;
  seq: number;
  resolve: () => void;
}

export class RateBudget {
  readonly #store: TokenStore;
  readonly #timers: Timers;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #waiters: Waiter[] = []; // kept sorted by (rank, seq)
  #seq = 0;
  #timer: TimerHandle | undefined;
  #consecutive429 = 0;
  #blockedUntilMs = 0;

  constructor(options: RateBudgetOptions = {}) {
    this.#timers = options.timers ?? realTimers;
    this.#store = options.store ?? new MemoryTokenBucket(options.bucket ?? ROBINHOOD_BUCKET, this.#timers.now());
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 60_000;
  }

  /** Resolves when this caller may send one request. Waiters are served by priority, then by arrival. */
  acquire(priority: Priority): Promise<void> {
    if (this.#waiters.length === 0 && this.#store.tryTake(this.#timers.now()) === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { rank: RANK[priority], seq: this.#seq++, resolve };
      let i = this.#waiters.length;
      while (i > 0 && this.#waiters[i - 1]!.rank > waiter.rank) i--; // stable: after equal ranks
      this.#waiters.splice(i, 0, waiter);
      this.#pump();
    });
  }

  /** The server answered 429: empty the bucket and hold everyone for Retry-After (or an exponential back-off). */
  onRateLimited(retryAfterMs: number | undefined): void {
    this.#consecutive429++;
    const backoff = Math.min(this.#maxBackoffMs, this.#backoffMs * 2 ** (this.#consecutive429 - 1));
    const waitMs = retryAfterMs ?? backoff;
    this.#blockedUntilMs = Math.max(this.#blockedUntilMs, this.#timers.now() + waitMs);
    this.#store.block(this.#blockedUntilMs);
    this.#reschedule();
  }

  /** A request got a non-429 answer: the back-off streak is over. */
  onAnswered(): void {
    this.#consecutive429 = 0;
  }

  state(): RateBudgetState {
    const now = this.#timers.now();
    const queued = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    for (const w of this.#waiters) queued[PRIORITIES[w.rank]!]++;
    return { available: this.#store.available(now), queued, blockedForMs: Math.max(0, this.#blockedUntilMs - now) };
  }

  #reschedule(): void {
    if (this.#timer !== undefined) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#timer !== undefined) return; // a wake-up is already scheduled
    while (this.#waiters.length > 0) {
      const waitMs = this.#store.tryTake(this.#timers.now());
      if (waitMs > 0) {
        this.#timer = this.#timers.setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, waitMs);
        return;
      }
      this.#waiters.shift()!.resolve();
    }
  }
}
