// One price per symbol from several sources (venues, feeds): symbols normalized to Sherwood's `BASE-QUOTE`, stale
// sources dropped, outliers dropped by the median absolute deviation, then the median (or the volume-weighted mean).
import { ValidationError } from '../core/errors.ts';
import type { Quote } from '../model/market.ts';
import { mapUsdtToUsd, normalizeSymbol } from './historical/index.ts';

export type AggregationMethod = 'median' | 'volume-weighted';

export interface PriceAggregatorOptions {
  /** A source older than this (ms) at aggregation time is left out. Default 10,000. */
  readonly staleAfterMs?: number;
  /** A price further than k × MAD (scaled to σ) from the median is an outlier. Default 3. */
  readonly outlierThreshold?: number;
  readonly method?: AggregationMethod;
  /** Map `X-USDT` to `X-USD` (treat Tether pairs as dollar pairs). Default false. */
  readonly mapUsdtToUsd?: boolean;
  /** Fewer fresh sources than this gives no price. Default 1. */
  readonly minSources?: number;
}

export interface SourcePrice {
  readonly source: string;
  readonly price: number;
  readonly timestamp: number;
  /** Weight for the volume-weighted mean (default 1). */
  readonly volume: number;
}

export interface AggregatedPrice {
  readonly symbol: string;
  readonly price: number;
  /** The newest timestamp among the sources used. */
  readonly timestamp: number;
  readonly used: readonly string[];
  readonly rejected: readonly { readonly source: string; readonly reason: 'stale' | 'outlier' }[];
}

/** σ ≈ 1.4826 × MAD for normally distributed prices. */
const MAD_TO_SIGMA = 1.4826;

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export class PriceAggregator {
  readonly #staleAfterMs: number;
  readonly #threshold: number;
  readonly #method: AggregationMethod;
  readonly #mapUsdt: boolean;
  readonly #minSources: number;
  /** symbol → source → latest price */
  readonly #prices = new Map<string, Map<string, SourcePrice>>();

  constructor(options: PriceAggregatorOptions = {}) {
    this.#staleAfterMs = options.staleAfterMs ?? 10_000;
    this.#threshold = options.outlierThreshold ?? 3;
    this.#method = options.method ?? 'median';
    this.#mapUsdt = options.mapUsdtToUsd ?? false;
    this.#minSources = options.minSources ?? 1;
    if (!(this.#staleAfterMs > 0) || !(this.#threshold > 0) || !(this.#minSources >= 1)) {
      throw new ValidationError('price aggregator: staleAfterMs, outlierThreshold and minSources must be positive', {
        options,
      });
    }
  }

  /** `BTC_USDT`, `BTCUSDT`, `btc-usdt` → `BTC-USDT` (→ `BTC-USD` with mapUsdtToUsd); unknown forms are kept as given. */
  normalize(symbol: string): string {
    const s = normalizeSymbol(symbol) ?? symbol.trim().toUpperCase();
    return this.#mapUsdt ? mapUsdtToUsd(s) : s;
  }

  update(source: string, symbol: string, price: number, timestamp: number, volume = 1): void {
    if (!Number.isFinite(price) || price <= 0) return; // a source that has no price says nothing
    const key = this.normalize(symbol);
    let bySource = this.#prices.get(key);
    if (!bySource) {
      bySource = new Map();
      this.#prices.set(key, bySource);
    }
    const prior = bySource.get(source);
    if (prior && prior.timestamp > timestamp) return; // out of order
    bySource.set(source, { source, price, timestamp, volume });
  }

  /** A quote contributes its mid, weighted by the quoted sizes when known. */
  updateQuote(source: string, quote: Quote): void {
    if (!(quote.bid > 0 && quote.ask > 0)) return;
    const volume = (quote.bidSize ?? 0) + (quote.askSize ?? 0);
    this.update(source, quote.symbol, (quote.bid + quote.ask) / 2, quote.timestamp, volume > 0 ? volume : 1);
  }

  symbols(): string[] {
    return [...this.#prices.keys()];
  }

  aggregate(symbol: string, now: number): AggregatedPrice | undefined {
    const key = this.normalize(symbol);
    const bySource = this.#prices.get(key);
    if (!bySource) return undefined;
    const rejected: { source: string; reason: 'stale' | 'outlier' }[] = [];
    const fresh: SourcePrice[] = [];
    for (const p of bySource.values()) {
      if (now - p.timestamp > this.#staleAfterMs) rejected.push({ source: p.source, reason: 'stale' });
      else fresh.push(p);
    }
    if (fresh.length < this.#minSources || fresh.length === 0) return undefined;
    const center = median(fresh.map((p) => p.price));
    const mad = median(fresh.map((p) => Math.abs(p.price - center)));
    const limit = this.#threshold * MAD_TO_SIGMA * mad;
    // With MAD 0 (most sources agree exactly) any price that differs is an outlier, but only when at least 3 agree.
    const kept =
      fresh.length < 3
        ? fresh
        : fresh.filter((p) => {
            const ok = Math.abs(p.price - center) <= limit;
            if (!ok) rejected.push({ source: p.source, reason: 'outlier' });
            return ok;
          });
    if (kept.length < this.#minSources) return undefined;
    const price = this.#method === 'median' ? median(kept.map((p) => p.price)) : weighted(kept);
    return {
      symbol: key,
      price,
      timestamp: Math.max(...kept.map((p) => p.timestamp)),
      used: kept.map((p) => p.source),
      rejected,
    };
  }
}

function weighted(prices: readonly SourcePrice[]): number {
  let sum = 0;
  let weight = 0;
  for (const p of prices) {
    sum += p.price * p.volume;
    weight += p.volume;
  }
  return sum / weight;
}
