// Turns market data into a path of ticks the simulator steps through. Pure functions, no time.
import type { Bar, Quote } from '../../model/market.ts';

/** One step of the market for a symbol, in floats (exact decimals start at the quote model). */
export interface RawTick {
  readonly timestamp: number;
  /** Mid price, when the source is bars: the spread model adds bid and ask around it. */
  readonly mid?: number;
  /** Real bid/ask, when the source is quotes. */
  readonly bid?: number;
  readonly ask?: number;
  readonly bidSize?: number;
  readonly askSize?: number;
  /** Relative range of the bar this tick comes from ((high - low) / open), for spread widening. */
  readonly volatility?: number;
}

export interface TickSource {
  readonly symbol: string;
  readonly length: number;
  /** Market time between two ticks, for mapping speed to wall time. */
  readonly tickIntervalMs: number;
  tickAt(index: number): RawTick;
}

/** The share of a bar's volume quoted at the top of the book on each tick. */
const SIZE_SHARE_OF_TICK_VOLUME = 0.05;

/**
 * Ticks from bars: each bar becomes `ticksPerBar` ticks along O→L→H→C for an up bar (it dipped first) or O→H→L→C for
 * a down bar, linearly interpolated. Computed on demand so that years of bars cost no memory beyond the bars.
 */
export function barTickSource(symbol: string, bars: readonly Bar[], ticksPerBar = 8): TickSource {
  if (ticksPerBar < 2) throw new RangeError(`ticksPerBar must be at least 2, got ${ticksPerBar}`);
  const intervalMs = bars[0]?.intervalMs ?? 60_000;
  return {
    symbol,
    length: bars.length * ticksPerBar,
    tickIntervalMs: intervalMs / ticksPerBar,
    tickAt(index: number): RawTick {
      const bar = bars[Math.floor(index / ticksPerBar)];
      if (bar === undefined) throw new RangeError(`tick ${index} is past the end (${bars.length} bars)`);
      const j = index % ticksPerBar;
      const path =
        bar.close >= bar.open ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
      const u = (j / (ticksPerBar - 1)) * 3;
      const seg = Math.min(2, Math.floor(u));
      const from = path[seg] ?? bar.open;
      const to = path[seg + 1] ?? bar.close;
      const mid = from + (to - from) * (u - seg);
      const size = (bar.volume / ticksPerBar) * SIZE_SHARE_OF_TICK_VOLUME;
      return {
        timestamp: bar.timestamp + Math.floor((bar.intervalMs * j) / ticksPerBar),
        mid,
        ...(size > 0 ? { bidSize: size, askSize: size } : {}),
        volatility: bar.open > 0 ? (bar.high - bar.low) / bar.open : 0,
      };
    },
  };
}

/** Ticks from real best bid/ask quotes, one tick per quote. */
export function quoteTickSource(symbol: string, quotes: readonly Quote[]): TickSource {
  const first = quotes[0];
  const last = quotes[quotes.length - 1];
  const span = first !== undefined && last !== undefined ? last.timestamp - first.timestamp : 0;
  return {
    symbol,
    length: quotes.length,
    tickIntervalMs: quotes.length > 1 ? Math.max(1, span / (quotes.length - 1)) : 1000,
    tickAt(index: number): RawTick {
      const q = quotes[index];
      if (q === undefined) throw new RangeError(`tick ${index} is past the end (${quotes.length} quotes)`);
      return {
        timestamp: q.timestamp,
        bid: q.bid,
        ask: q.ask,
        ...(q.bidSize === undefined ? {} : { bidSize: q.bidSize }),
        ...(q.askSize === undefined ? {} : { askSize: q.askSize }),
      };
    },
  };
}
