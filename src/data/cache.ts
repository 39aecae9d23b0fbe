// The market-data cache: the latest state per symbol that strategies, risk and the portfolio read. Feeds write to
// the cache *before* the message is published, so a handler always sees the state that includes its own message.
import type { Bar, Quote, Trade } from '../model/market.ts';

/** A read-only L2 view (best first). Prices and sizes are floats: books feed signals, not ledgers. */
export interface BookView {
  readonly symbol: string;
  readonly timestamp: number;
  readonly bids: readonly (readonly [price: number, quantity: number])[];
  readonly asks: readonly (readonly [price: number, quantity: number])[];
}

/** What strategies and risk may read. */
export interface MarketView {
  quote(symbol: string): Quote | undefined;
  lastTrade(symbol: string): Trade | undefined;
  /** The most recent closed bars of one interval, oldest first; at most `count` (default: all kept). */
  bars(symbol: string, intervalMs: number, count?: number): readonly Bar[];
  book(symbol: string): BookView | undefined;
  /** Mid of the latest quote, else the last trade, else the last bar's close. */
  price(symbol: string): number | undefined;
  /** ms since the last update of any kind for the symbol, measured at `now`; undefined if never updated. */
  age(symbol: string, now: number): number | undefined;
  symbols(): readonly string[];
}

interface SymbolState {
  quote?: Quote;
  trade?: Trade;
  book?: BookView;
  bars: Map<number, Bar[]>;
  updatedAt: number;
}

export class MarketDataCache implements MarketView {
  readonly #maxBars: number;
  readonly #state = new Map<string, SymbolState>();

  /** @param maxBars bars kept per symbol and interval (a ring; older ones are dropped) */
  constructor(maxBars = 5000) {
    this.#maxBars = maxBars;
  }

  #entry(symbol: string): SymbolState {
    let s = this.#state.get(symbol);
    if (!s) {
      s = { bars: new Map(), updatedAt: Number.NEGATIVE_INFINITY };
      this.#state.set(symbol, s);
    }
    return s;
  }

  updateQuote(quote: Quote): void {
    const s = this.#entry(quote.symbol);
    s.quote = quote;
    s.updatedAt = Math.max(s.updatedAt, quote.timestamp);
  }

  updateTrade(trade: Trade): void {
    const s = this.#entry(trade.symbol);
    s.trade = trade;
    s.updatedAt = Math.max(s.updatedAt, trade.timestamp);
  }

  updateBook(book: BookView): void {
    const s = this.#entry(book.symbol);
    s.book = book;
    s.updatedAt = Math.max(s.updatedAt, book.timestamp);
  }

  /** Adds a closed bar; a bar with the same open time as the last one replaces it (a corrected bar). */
  addBar(bar: Bar): void {
    const s = this.#entry(bar.symbol);
    let list = s.bars.get(bar.intervalMs);
    if (!list) {
      list = [];
      s.bars.set(bar.intervalMs, list);
    }
    const last = list[list.length - 1];
    if (last && last.timestamp === bar.timestamp) list[list.length - 1] = bar;
    else if (last && bar.timestamp < last.timestamp) return; // out of order: ignored, the feed reports it
    else list.push(bar);
    // Trim in batches: dropping one bar per new bar would shift the whole list every time.
    if (list.length >= this.#maxBars * 2) list.splice(0, list.length - this.#maxBars);
    s.updatedAt = Math.max(s.updatedAt, bar.timestamp + bar.intervalMs);
  }

  quote(symbol: string): Quote | undefined {
    return this.#state.get(symbol)?.quote;
  }
  lastTrade(symbol: string): Trade | undefined {
    return this.#state.get(symbol)?.trade;
  }
  book(symbol: string): BookView | undefined {
    return this.#state.get(symbol)?.book;
  }
  bars(symbol: string, intervalMs: number, count?: number): readonly Bar[] {
    const list = this.#state.get(symbol)?.bars.get(intervalMs) ?? [];
    const n = Math.min(count ?? this.#maxBars, this.#maxBars, list.length);
    return list.slice(list.length - n);
  }
  price(symbol: string): number | undefined {
    const s = this.#state.get(symbol);
    if (!s) return undefined;
    if (s.quote && s.quote.bid > 0 && s.quote.ask > 0) return (s.quote.bid + s.quote.ask) / 2;
    if (s.trade) return s.trade.price;
    let latest: Bar | undefined;
    for (const list of s.bars.values()) {
      const b = list[list.length - 1];
      if (b && (!latest || b.timestamp + b.intervalMs > latest.timestamp + latest.intervalMs)) latest = b;
    }
    return latest?.close;
  }
  age(symbol: string, now: number): number | undefined {
    const s = this.#state.get(symbol);
    return s && Number.isFinite(s.updatedAt) ? now - s.updatedAt : undefined;
  }
  symbols(): readonly string[] {
    return [...this.#state.keys()];
  }
}
