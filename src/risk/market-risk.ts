// Market-risk figures read from the cached bars: the correlation of a requested asset with those held, and the VaR of
// the live portfolio.
import type { MarketView } from '../data/cache.ts';
import type { Position } from '../model/position.ts';
import { alignedCloses, correlation, simpleReturns } from './statistics.ts';
import { portfolioVar, type VarReport } from './var.ts';

export interface SymbolCorrelation {
  readonly symbol: string;
  readonly correlation: number;
  readonly observations: number;
}

/**
 * Correlation of `symbol`'s returns with each of `others` over the last `lookback` returns of `intervalMs` bars.
 * Pairs without `lookback` shared returns are left out: correlation is then unknown, not assumed.
 */
export function correlationWith(
  symbol: string,
  others: readonly string[],
  market: MarketView,
  intervalMs: number,
  lookback: number,
): SymbolCorrelation[] {
  const mine = market.bars(symbol, intervalMs, lookback + 1);
  const out: SymbolCorrelation[] = [];
  if (mine.length < lookback + 1) return out;
  for (const other of others) {
    if (other === symbol) continue;
    const [a, b] = alignedCloses([mine, market.bars(other, intervalMs, lookback + 1)], lookback);
    if (!a || !b || a.length < lookback + 1) continue;
    const c = correlation(simpleReturns(a), simpleReturns(b));
    if (!Number.isNaN(c)) out.push({ symbol: other, correlation: c, observations: a.length - 1 });
  }
  return out;
}

/** VaR/ES of the held positions at current prices from up to `lookback` aligned returns; undefined without data. */
export function liveVar(
  held: readonly Position[],
  market: MarketView,
  equity: number,
  intervalMs: number,
  lookback: number,
): VarReport | undefined {
  if (held.length === 0 || !(equity > 0)) return undefined;
  const symbols: string[] = [];
  const weights: number[] = [];
  for (const p of held) {
    const price = market.price(p.symbol);
    if (price === undefined) return undefined; // a position we cannot value: no figure rather than a wrong one
    symbols.push(p.symbol);
    weights.push((Number(p.quantity.toFixed()) * price) / equity);
  }
  const closes = alignedCloses(
    symbols.map((s) => market.bars(s, intervalMs)),
    lookback,
  );
  if ((closes[0]?.length ?? 0) < 3) return undefined;
  return portfolioVar({ symbols, weights, returns: closes.map(simpleReturns), intervalMs, value: equity });
}
