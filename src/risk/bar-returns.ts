// Figures derived from the cached bars (pairwise return correlations, the VaR inputs), memoized on the identity of
// each symbol's latest bar: the cache only appends bars or replaces the last one, so the same last Bar object means
// the same window. A pre-trade check then costs a map lookup, and the O(lookback) work runs once per closed bar.
import type { MarketView } from '../data/cache.ts';
import type { Bar } from '../model/market.ts';
import { alignedCloses, correlation, mean, simpleReturns, stdev } from './statistics.ts';
import { correlationMatrix } from './var.ts';

interface PairEntry {
  lookback: number;
  a: Bar | undefined;
  b: Bar | undefined;
  /** undefined: not enough shared returns, or a constant series (correlation unknown). */
  value: number | undefined;
}

/** Aligned returns of a set of symbols and their moments: what VaR needs besides today's weights. */
export interface ReturnStats {
  readonly symbols: readonly string[];
  /** Per symbol, the aligned per-bar simple returns (oldest first). */
  readonly returns: readonly (readonly number[])[];
  readonly means: readonly number[];
  readonly stdevs: readonly number[];
  /** ρ (0 where undefined, as in portfolioVar). */
  readonly correlations: readonly (readonly number[])[];
  readonly observations: number;
}

export class BarReturns {
  readonly #market: MarketView;
  readonly #interval: number;
  /** symbol → other → memo (nested maps: no key string to build per lookup). */
  readonly #pairs = new Map<string, Map<string, PairEntry>>();
  #stats: { symbols: string[]; lasts: (Bar | undefined)[]; lookback: number; stats: ReturnStats | undefined } = {
    symbols: [],
    lasts: [],
    lookback: -1,
    stats: undefined,
  };

  constructor(market: MarketView, intervalMs: number) {
    this.#market = market;
    this.#interval = intervalMs;
  }

  /** The latest closed bar of `symbol` (its identity keys the memos). */
  last(symbol: string): Bar | undefined {
    return this.#market.bars(symbol, this.#interval, 1)[0];
  }

  /**
   * Correlation of `symbol`'s returns with `other`'s over the last `lookback` returns, computed as correlationWith
   * does; undefined when fewer than `lookback` shared returns exist or a series is constant.
   */
  correlation(symbol: string, other: string, lookback: number): number | undefined {
    let row = this.#pairs.get(symbol);
    if (row === undefined) this.#pairs.set(symbol, (row = new Map<string, PairEntry>()));
    const a = this.last(symbol);
    const b = this.last(other);
    const hit = row.get(other);
    if (hit && hit.a === a && hit.b === b && hit.lookback === lookback) return hit.value;
    const value = this.#compute(symbol, other, lookback);
    row.set(other, { lookback, a, b, value });
    return value;
  }

  #compute(symbol: string, other: string, lookback: number): number | undefined {
    const mine = this.#market.bars(symbol, this.#interval, lookback + 1);
    if (mine.length < lookback + 1) return undefined;
    const [a, b] = alignedCloses([mine, this.#market.bars(other, this.#interval, lookback + 1)], lookback);
    if (!a || !b || a.length < lookback + 1) return undefined;
    const c = correlation(simpleReturns(a), simpleReturns(b));
    return Number.isNaN(c) ? undefined : c;
  }

  /**
   * Aligned returns and moments of `symbols` from up to `lookback` returns; recomputed only when a symbol's latest
   * bar changed. undefined with fewer than 2 aligned returns.
   */
  stats(symbols: readonly string[], lookback: number): ReturnStats | undefined {
    const memo = this.#stats;
    let same = memo.lookback === lookback && memo.symbols.length === symbols.length;
    const lasts: (Bar | undefined)[] = [];
    for (let i = 0; i < symbols.length; i++) {
      const s = symbols[i] as string;
      const last = this.last(s);
      lasts.push(last);
      if (same && (memo.symbols[i] !== s || memo.lasts[i] !== last)) same = false;
    }
    if (same) return memo.stats;
    const stats = this.#computeStats(symbols, lookback);
    this.#stats = { symbols: [...symbols], lasts, lookback, stats };
    return stats;
  }

  #computeStats(symbols: readonly string[], lookback: number): ReturnStats | undefined {
    const closes = alignedCloses(
      symbols.map((s) => this.#market.bars(s, this.#interval)),
      lookback,
    );
    if ((closes[0]?.length ?? 0) < 3) return undefined;
    const returns = closes.map(simpleReturns);
    const means = returns.map((r) => mean(r));
    const stdevs = returns.map((r) => stdev(r));
    const correlations = correlationMatrix(returns);
    return {
      symbols: [...symbols],
      returns,
      means,
      stdevs,
      correlations,
      observations: (returns[0] as number[]).length,
    };
  }
}
