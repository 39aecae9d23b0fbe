// An L2 order book for one symbol, built from a snapshot plus incremental depth updates with Binance's sequence rules:
// drop updates whose final id is at or below the snapshot's lastUpdateId; the first one applied must straddle
// lastUpdateId + 1; every next one must start at the previous final id + 1. A gap invalidates the book until a new
// snapshot arrives (the owner is told, so it can fetch one); updates received meanwhile are buffered and replayed.
import type { DepthSnapshot, DepthUpdate } from '../model/market.ts';
import type { BookView } from './cache.ts';
import { BookSide } from './book-side.ts';

export type BookSyncState = 'awaiting-snapshot' | 'syncing' | 'live';

/** What applying one update did. */
export type ApplyResult = 'applied' | 'buffered' | 'dropped' | 'gap';

export interface BookGap {
  readonly symbol: string;
  readonly timestamp: number;
  /** The first update id the book needed (lastUpdateId + 1 after a snapshot, previous final id + 1 after that). */
  readonly expectedFirstId: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
}

export interface OrderBookOptions {
  /** Called when a gap invalidates the book: fetch a new snapshot and pass it to `applySnapshot`. */
  readonly onResync?: (gap: BookGap) => void;
  /** Updates kept while waiting for a snapshot (oldest dropped beyond it). Default 10,000. */
  readonly maxBuffered?: number;
}

export interface BookStats {
  applied: number;
  dropped: number;
  buffered: number;
  resyncs: number;
  snapshots: number;
}

export class OrderBook {
  readonly symbol: string;
  readonly bids = new BookSide('bid');
  readonly asks = new BookSide('ask');
  readonly stats: BookStats = { applied: 0, dropped: 0, buffered: 0, resyncs: 0, snapshots: 0 };
  #state: BookSyncState = 'awaiting-snapshot';
  #snapshotId = 0;
  /** Final id of the last applied update (or the snapshot's lastUpdateId before the first). */
  #lastId = 0;
  #timestamp = 0;
  readonly #buffer: DepthUpdate[] = [];
  readonly #maxBuffered: number;
  readonly #onResync: ((gap: BookGap) => void) | undefined;

  constructor(symbol: string, options: OrderBookOptions = {}) {
    this.symbol = symbol;
    this.#maxBuffered = options.maxBuffered ?? 10_000;
    this.#onResync = options.onResync;
  }

  get state(): BookSyncState {
    return this.#state;
  }

  /** A book is valid once a snapshot and the update straddling it have been applied with no gap since. */
  get isValid(): boolean {
    return this.#state === 'live';
  }

  get lastUpdateId(): number {
    return this.#lastId;
  }

  get timestamp(): number {
    return this.#timestamp;
  }

  /** Loads a snapshot, then replays the buffered updates that follow it. Returns the results of those replays. */
  applySnapshot(snapshot: DepthSnapshot): ApplyResult[] {
    this.bids.load(snapshot.bids);
    this.asks.load(snapshot.asks);
    this.#snapshotId = snapshot.lastUpdateId;
    this.#lastId = snapshot.lastUpdateId;
    this.#timestamp = snapshot.timestamp;
    this.#state = 'syncing';
    this.stats.snapshots++;
    const pending = this.#buffer.splice(0, this.#buffer.length);
    const results: ApplyResult[] = [];
    for (let i = 0; i < pending.length; i++) {
      const r = this.applyUpdate(pending[i]!);
      results.push(r);
      if (r === 'gap') {
        // The gap put that update back in the buffer; the ones after it wait there too, for the next snapshot.
        this.#buffer.push(...pending.slice(i + 1));
        break;
      }
    }
    return results;
  }

  applyUpdate(update: DepthUpdate): ApplyResult {
    if (this.#state === 'awaiting-snapshot') {
      this.#buffer.push(update);
      if (this.#buffer.length > this.#maxBuffered) this.#buffer.shift();
      this.stats.buffered++;
      return 'buffered';
    }
    if (update.finalUpdateId <= this.#snapshotId) {
      this.stats.dropped++;
      return 'dropped';
    }
    const expected = this.#lastId + 1;
    const inSequence =
      this.#state === 'syncing'
        ? update.firstUpdateId <= expected && expected <= update.finalUpdateId
        : update.firstUpdateId === expected;
    if (!inSequence) {
      this.#invalidate(update, expected);
      return 'gap';
    }
    for (const level of update.levels) {
      (level.side === 'bid' ? this.bids : this.asks).set(level.price, level.quantity);
    }
    this.#lastId = update.finalUpdateId;
    this.#timestamp = update.timestamp;
    this.#state = 'live';
    this.stats.applied++;
    return 'applied';
  }

  #invalidate(update: DepthUpdate, expected: number): void {
    this.#state = 'awaiting-snapshot';
    this.stats.resyncs++;
    this.bids.clear();
    this.asks.clear();
    this.#buffer.length = 0;
    this.#buffer.push(update); // the new snapshot may well cover it: keep it for the replay
    this.#onResync?.({
      symbol: this.symbol,
      timestamp: update.timestamp,
      expectedFirstId: expected,
      firstUpdateId: update.firstUpdateId,
      finalUpdateId: update.finalUpdateId,
    });
  }

  bestBid(): number | undefined {
    return this.bids.bestPrice();
  }

  bestAsk(): number | undefined {
    return this.asks.bestPrice();
  }

  mid(): number | undefined {
    const b = this.bids.bestPrice();
    const a = this.asks.bestPrice();
    return b === undefined || a === undefined ? undefined : (a + b) / 2;
  }

  spread(): number | undefined {
    const b = this.bids.bestPrice();
    const a = this.asks.bestPrice();
    return b === undefined || a === undefined ? undefined : a - b;
  }

  /** (bid volume − ask volume) / (bid volume + ask volume) over the top `levels` of each side: +1 all bids, −1 all asks. */
  imbalance(levels = 1): number | undefined {
    const b = this.bids.volume(levels);
    const a = this.asks.volume(levels);
    return a + b === 0 ? undefined : (b - a) / (b + a);
  }

  depth(levels: number): { bids: [number, number][]; asks: [number, number][] } {
    return { bids: this.bids.top(levels), asks: this.asks.top(levels) };
  }

  /** The top `levels` as the cache's read-only view. */
  view(levels = 20): BookView {
    return { symbol: this.symbol, timestamp: this.#timestamp, ...this.depth(levels) };
  }
}
