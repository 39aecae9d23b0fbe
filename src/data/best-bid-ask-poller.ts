// The Robinhood market-data feed: Robinhood pushes nothing, so quotes are polled, every symbol in ONE request per
// poll. The interval follows the share of the account's rate budget that market data may use, and changes when the
// budget does. A symbol whose quote has not changed (or not been answered) for `staleAfterMs` is reported stale.
// Errors are counted and reported; they never stop the poller.
import { ValidationError, errorMessage } from '../core/errors.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Quote } from '../model/market.ts';
import { FeedPublisher, SymbolSet, type FeedSinks, type FeedState, type MarketDataFeed } from './feed.ts';

/** One request for every symbol (the app wraps RobinhoodClient.getBestBidAsk). */
export type BestBidAskFetcher = (symbols: readonly string[]) => Promise<readonly Quote[]>;

export interface BestBidAskPollerOptions extends FeedSinks {
  readonly fetch: BestBidAskFetcher;
  readonly clock: Clock;
  /** Requests per minute that market data may spend (its share of the account budget). */
  readonly requestsPerMinute: number;
  readonly symbols?: readonly string[];
  /** Never poll faster than this. Default 250 ms. */
  readonly minIntervalMs?: number;
  /** Never poll slower than this, however small the budget. Default 60,000 ms. */
  readonly maxIntervalMs?: number;
  /** Default 10,000 ms. */
  readonly staleAfterMs?: number;
  readonly name?: string;
  /** Told of every failed poll (e.g. the app's logger). */
  readonly onError?: (error: unknown, consecutive: number) => void;
}

export interface PollerStats {
  polls: number;
  errors: number;
  consecutiveErrors: number;
  /** Ticks skipped because the previous request had not answered yet. */
  skipped: number;
  quotes: number;
  lastError: string | undefined;
}

export function intervalForBudget(requestsPerMinute: number, minIntervalMs: number, maxIntervalMs: number): number {
  if (!Number.isFinite(requestsPerMinute) || requestsPerMinute <= 0) {
    throw new ValidationError(`market-data budget must be a positive number of requests per minute, got ${requestsPerMinute}`, {
      requestsPerMinute,
    });
  }
  return Math.min(maxIntervalMs, Math.max(minIntervalMs, Math.ceil(60_000 / requestsPerMinute)));
}

function sameQuote(a: Quote, b: Quote): boolean {
  return a.bid === b.bid && a.ask === b.ask && a.bidSize === b.bidSize && a.askSize === b.askSize;
}

export class BestBidAskPoller implements MarketDataFeed {
  readonly name: string;
  readonly stats: PollerStats = { polls: 0, errors: 0, consecutiveErrors: 0, skipped: 0, quotes: 0, lastError: undefined };
  readonly #fetch: BestBidAskFetcher;
  readonly #clock: Clock;
  readonly #publisher: FeedPublisher;
  readonly #symbols = new SymbolSet();
  readonly #minIntervalMs: number;
  readonly #maxIntervalMs: number;
  readonly #staleAfterMs: number;
  readonly #onError: ((error: unknown, consecutive: number) => void) | undefined;
  #intervalMs: number;
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  #state: FeedState = 'stopped';
  readonly #last = new Map<string, Quote>();
  /** When each symbol's quote last changed (or, before any, when it was subscribed). */
  readonly #changedAt = new Map<string, number>();
  #stale: string[] = [];

  constructor(options: BestBidAskPollerOptions) {
    this.name = options.name ?? 'robinhood-best-bid-ask';
    this.#fetch = options.fetch;
    this.#clock = options.clock;
    this.#publisher = new FeedPublisher(options);
    this.#minIntervalMs = options.minIntervalMs ?? 250;
    this.#maxIntervalMs = options.maxIntervalMs ?? 60_000;
    this.#staleAfterMs = options.staleAfterMs ?? 10_000;
    this.#onError = options.onError;
    this.#intervalMs = intervalForBudget(options.requestsPerMinute, this.#minIntervalMs, this.#maxIntervalMs);
    this.subscribe(options.symbols ?? []);
  }

  get status(): FeedState {
    return this.#state;
  }

  get symbols(): readonly string[] {
    return this.#symbols.list;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Symbols currently stale. */
  get staleSymbols(): readonly string[] {
    return this.#stale;
  }

  subscribe(symbols: readonly string[]): void {
    const now = this.#clock.now();
    for (const s of this.#symbols.add(symbols)) this.#changedAt.set(s, now);
  }

  unsubscribe(symbols: readonly string[]): void {
    for (const s of this.#symbols.remove(symbols)) {
      this.#changedAt.delete(s);
      this.#last.delete(s);
    }
  }

  /** The rate budget changed (e.g. orders need more of it): re-arm the poll at the new interval. */
  setBudget(requestsPerMinute: number): void {
    const next = intervalForBudget(requestsPerMinute, this.#minIntervalMs, this.#maxIntervalMs);
    if (next === this.#intervalMs) return;
    this.#intervalMs = next;
    if (this.#timer !== undefined) this.#arm();
  }

  start(): Promise<void> {
    if (this.#timer !== undefined) return Promise.resolve();
    const now = this.#clock.now();
    for (const s of this.#symbols.list) this.#changedAt.set(s, now);
    this.#setState('connected', now, undefined, undefined);
    this.#arm();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    this.#setState('stopped', this.#clock.now(), undefined, undefined);
  }

  #arm(): void {
    if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
    this.#timer = this.#clock.setInterval(this.#intervalMs, () => this.#tick());
  }

  #tick(): void {
    if (this.#inFlight !== undefined) {
      this.stats.skipped++;
      this.#checkStale(this.#clock.now());
      return;
    }
    this.#inFlight = this.pollOnce().finally(() => {
      this.#inFlight = undefined;
    });
  }

  /** One request for every subscribed symbol; publishes the quotes that changed. Never throws. */
  async pollOnce(): Promise<void> {
    const symbols = this.#symbols.list;
    if (symbols.length === 0) return;
    this.stats.polls++;
    try {
      const quotes = await this.#fetch(symbols);
      this.stats.consecutiveErrors = 0;
      const now = this.#clock.now();
      for (const q of quotes) {
        if (!this.#symbols.has(q.symbol)) continue;
        const prior = this.#last.get(q.symbol);
        if (prior && sameQuote(prior, q)) continue;
        this.#last.set(q.symbol, q);
        this.#changedAt.set(q.symbol, now);
        this.stats.quotes++;
        this.#publisher.quote(q);
      }
    } catch (error) {
      this.stats.errors++;
      this.stats.consecutiveErrors++;
      this.stats.lastError = errorMessage(error);
      try {
        this.#onError?.(error, this.stats.consecutiveErrors);
      } catch {
        // a failing reporter must not stop the poller
      }
    }
    this.#checkStale(this.#clock.now());
  }

  #checkStale(now: number): void {
    const stale = this.#symbols.list.filter((s) => now - (this.#changedAt.get(s) ?? now) >= this.#staleAfterMs);
    const changed = stale.length !== this.#stale.length || stale.some((s, i) => this.#stale[i] !== s);
    if (!changed || this.#state === 'stopped') return;
    this.#stale = stale;
    if (stale.length > 0) {
      const why = this.stats.consecutiveErrors > 0 ? `last error: ${this.stats.lastError ?? ''}` : 'no change';
      this.#setState('stale', now, `no fresh quote for ${this.#staleAfterMs} ms (${why})`, stale, true);
    } else {
      this.#setState('connected', now, 'quotes fresh again', undefined, true);
    }
  }

  #setState(state: FeedState, now: number, reason: string | undefined, symbols: readonly string[] | undefined, force = false): void {
    if (state === this.#state && !force) return;
    this.#state = state;
    this.#publisher.status({
      feed: this.name,
      state,
      timestamp: now,
      ...(reason === undefined ? {} : { reason }),
      ...(symbols === undefined ? {} : { symbols }),
    });
  }
}
