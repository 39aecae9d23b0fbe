// Time bars from trades (OHLCV) or quotes (OHLC of the mid, volume 0). Bars are aligned to multiples of the interval
// since the epoch. A bar closes when a later message arrives or when the clock passes its end (closeUpTo), so a quiet
// market still closes its bars on time; optional flat bars fill intervals without any message.
import { ValidationError } from '../core/errors.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Bar, Quote, Trade } from '../model/market.ts';

export interface BarBuilderOptions {
  readonly intervalMs: number;
  /** Receives each closed bar, in time order per symbol. */
  readonly onBar: (bar: Bar) => void;
  /** Emit a flat bar (O=H=L=C = previous close, volume 0) for every interval without a message. Default false. */
  readonly emitEmptyBars?: boolean;
}

interface OpenBar {
  timestamp: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface SymbolBars {
  current: OpenBar | undefined;
  /** Close of the last emitted bar, for flat bars. */
  lastClose: number | undefined;
  /** Open time of the next bar that may still be emitted. */
  nextOpen: number;
}

export interface BarBuilderStats {
  /** Messages older than the open bar, ignored (a bar once closed is never reopened). */
  late: number;
  barsEmitted: number;
  emptyBarsEmitted: number;
}

export class BarBuilder {
  readonly intervalMs: number;
  readonly stats: BarBuilderStats = { late: 0, barsEmitted: 0, emptyBarsEmitted: 0 };
  readonly #onBar: (bar: Bar) => void;
  readonly #emitEmpty: boolean;
  readonly #symbols = new Map<string, SymbolBars>();

  constructor(options: BarBuilderOptions) {
    if (!Number.isInteger(options.intervalMs) || options.intervalMs <= 0) {
      throw new ValidationError(`bar interval must be a positive whole number of ms, got ${options.intervalMs}`, {
        intervalMs: options.intervalMs,
      });
    }
    this.intervalMs = options.intervalMs;
    this.#onBar = options.onBar;
    this.#emitEmpty = options.emitEmptyBars ?? false;
  }

  addTrade(trade: Trade): void {
    this.#add(trade.symbol, trade.timestamp, trade.price, trade.quantity);
  }

  /** A quote contributes its mid; one-sided or empty quotes are ignored. */
  addQuote(quote: Quote): void {
    if (!(quote.bid > 0 && quote.ask > 0)) return;
    this.#add(quote.symbol, quote.timestamp, (quote.bid + quote.ask) / 2, 0);
  }

  /** Closes every bar (of every symbol) that ends at or before `nowMs`. */
  closeUpTo(nowMs: number): void {
    for (const [symbol, s] of this.#symbols) this.#closeBefore(symbol, s, this.#openTime(nowMs));
  }

  /** Closes the open bars whatever the time (end of a replay). */
  flush(): void {
    for (const [symbol, s] of this.#symbols) {
      if (s.current) this.#emit(symbol, s, s.current, false);
    }
  }

  /** Closes bars on the clock: fires at every interval boundary. Returns the handle to cancel. */
  bindClock(clock: Clock): TimerHandle {
    const next = this.#openTime(clock.now()) + this.intervalMs;
    return clock.setInterval(this.intervalMs, (now) => this.closeUpTo(now), next);
  }

  /** The open bar of a symbol, if any (not yet closed). */
  openBar(symbol: string): Bar | undefined {
    const c = this.#symbols.get(symbol)?.current;
    return c ? { symbol, intervalMs: this.intervalMs, ...c } : undefined;
  }

  #openTime(t: number): number {
    return Math.floor(t / this.intervalMs) * this.intervalMs;
  }

  #add(symbol: string, timestamp: number, price: number, quantity: number): void {
    let s = this.#symbols.get(symbol);
    const open = this.#openTime(timestamp);
    if (!s) {
      s = { current: undefined, lastClose: undefined, nextOpen: open };
      this.#symbols.set(symbol, s);
    }
    if (open < s.nextOpen || (s.current && open < s.current.timestamp)) {
      this.stats.late++;
      return;
    }
    if (s.current && open > s.current.timestamp) this.#closeBefore(symbol, s, open);
    if (!s.current) {
      if (this.#emitEmpty) this.#fillEmpty(symbol, s, open);
      s.current = { timestamp: open, open: price, high: price, low: price, close: price, volume: quantity };
      return;
    }
    const c = s.current;
    if (price > c.high) c.high = price;
    if (price < c.low) c.low = price;
    c.close = price;
    c.volume += quantity;
  }

  /** Closes the open bar if it opened before `open`, then flat bars up to (not including) `open`. */
  #closeBefore(symbol: string, s: SymbolBars, open: number): void {
    if (s.current && s.current.timestamp < open) this.#emit(symbol, s, s.current, false);
    if (this.#emitEmpty && !s.current) this.#fillEmpty(symbol, s, open);
  }

  #fillEmpty(symbol: string, s: SymbolBars, before: number): void {
    if (s.lastClose === undefined) return;
    const close = s.lastClose;
    while (s.nextOpen < before) {
      this.#emit(symbol, s, { timestamp: s.nextOpen, open: close, high: close, low: close, close, volume: 0 }, true);
    }
  }

  #emit(symbol: string, s: SymbolBars, b: OpenBar, empty: boolean): void {
    if (s.current === b) s.current = undefined;
    s.lastClose = b.close;
    s.nextOpen = b.timestamp + this.intervalMs;
    if (empty) this.stats.emptyBarsEmitted++;
    else this.stats.barsEmitted++;
    this.#onBar({ symbol, intervalMs: this.intervalMs, ...b });
  }
}
