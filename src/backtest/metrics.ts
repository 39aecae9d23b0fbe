// Performance metrics of a backtest, from its equity curve and its round trips. Pure functions. Ratios and returns
// are floats (they are statistics, not ledger entries); PnL and fees stay exact in the round trips they come from.
import { sumDec, toNumber, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
import type { RoundTrip } from './round-trips.ts';

export const YEAR_MS = 365 * 24 * 3_600_000;

/** One point of the equity curve: account equity (float) at the end of a bar, and whether anything was held. */
export interface EquityPoint {
  readonly timestamp: number;
  readonly equity: number;
  /** True when any position was open at this point (for exposure). */
  readonly inMarket: boolean;
}

export interface Metrics {
  readonly startEquity: number;
  readonly endEquity: number;
  /** endEquity / startEquity - 1. */
  readonly totalReturn: number;
  /** (1 + totalReturn)^(year / span) - 1; 0 for a zero-length run. */
  readonly annualizedReturn: number;
  /** mean / sample standard deviation of per-point returns × √(points per year); risk-free rate 0. */
  readonly sharpe: number;
  /** mean per-point return / downside deviation (√(Σ min(r,0)² / n)) × √(points per year). */
  readonly sortino: number;
  /** annualizedReturn / maxDrawdown (0 when there was no drawdown). */
  readonly calmar: number;
  /** Largest fall from a running peak, as a fraction of the peak. */
  readonly maxDrawdown: number;
  /** Longest time spent below a previous peak (ms), counted to the end when never recovered. */
  readonly maxDrawdownDurationMs: number;
  /** Closed round trips with PnL > 0 / closed round trips. */
  readonly winRate: number;
  /** Σ winning PnL / |Σ losing PnL|; null when nothing was lost (infinite). */
  readonly profitFactor: number | null;
  /** Share of curve points with a position open (time in market). */
  readonly exposure: number;
  /** Closed round trips (flat → long → flat). */
  readonly tradeCount: number;
  /** Every fee paid, exact (quote currency). */
  readonly feesPaid: string;
  /** Σ PnL of closed round trips after fees, exact. */
  readonly realizedPnl: string;
  /** Buy-and-hold of the same symbols, equal weights, first open to last close. */
  readonly benchmarkReturn: number;
}

export function totalReturn(curve: readonly EquityPoint[]): number {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === undefined || last === undefined || first.equity === 0) return 0;
  return last.equity / first.equity - 1;
}

export function annualizedReturn(total: number, spanMs: number): number {
  if (spanMs <= 0 || total <= -1) return total <= -1 ? -1 : 0;
  return Math.pow(1 + total, YEAR_MS / spanMs) - 1;
}

/** Simple returns between consecutive points. */
export function periodReturns(curve: readonly EquityPoint[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < curve.length; i++) {
    const prev = (curve[i - 1] as EquityPoint).equity;
    out.push(prev === 0 ? 0 : (curve[i] as EquityPoint).equity / prev - 1);
  }
  return out;
}

/** Points per year from the curve's average spacing. */
export function periodsPerYear(curve: readonly EquityPoint[]): number {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === undefined || last === undefined || curve.length < 2 || last.timestamp <= first.timestamp) return 0;
  return YEAR_MS / ((last.timestamp - first.timestamp) / (curve.length - 1));
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length === 0 ? 0 : s / values.length;
}

export function sharpeRatio(returns: readonly number[], perYear: number): number {
  if (returns.length < 2) return 0;
  const m = mean(returns);
  let ss = 0;
  for (const r of returns) ss += (r - m) ** 2;
  const sd = Math.sqrt(ss / (returns.length - 1));
  return sd === 0 ? 0 : (m / sd) * Math.sqrt(perYear);
}

export function sortinoRatio(returns: readonly number[], perYear: number): number {
  if (returns.length === 0) return 0;
  let ss = 0;
  for (const r of returns) if (r < 0) ss += r * r;
  const downside = Math.sqrt(ss / returns.length);
  return downside === 0 ? 0 : (mean(returns) / downside) * Math.sqrt(perYear);
}

export interface DrawdownStats {
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationMs: number;
}

export function drawdownStats(curve: readonly EquityPoint[]): DrawdownStats {
  let peak = -Infinity;
  let peakAt = 0;
  let maxDrawdown = 0;
  let longest = 0;
  for (const p of curve) {
    if (p.equity >= peak) {
      peak = p.equity;
      peakAt = p.timestamp;
      continue;
    }
    if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - p.equity) / peak);
    longest = Math.max(longest, p.timestamp - peakAt);
  }
  return { maxDrawdown, maxDrawdownDurationMs: longest };
}

/** Drawdown below the running peak at every point (0 at a peak), for the report's chart. */
export function drawdownSeries(curve: readonly EquityPoint[]): number[] {
  let peak = -Infinity;
  return curve.map((p) => {
    peak = Math.max(peak, p.equity);
    return peak > 0 ? (peak - p.equity) / peak : 0;
  });
}

export interface TradeStats {
  readonly winRate: number;
  readonly profitFactor: number | null;
  readonly tradeCount: number;
  readonly realizedPnl: Decimal;
}

export function tradeStats(trips: readonly RoundTrip[]): TradeStats {
  const closed = trips.filter((t) => t.exitTime !== undefined);
  let wins = 0;
  let gross = ZERO;
  let loss = ZERO;
  for (const t of closed) {
    if (t.pnl.gt(ZERO)) {
      wins++;
      gross = gross.plus(t.pnl);
    } else loss = loss.plus(t.pnl.neg());
  }
  return {
    winRate: closed.length === 0 ? 0 : wins / closed.length,
    profitFactor: loss.eq(ZERO) ? (gross.gt(ZERO) ? null : 0) : toNumber(gross.div(loss)),
    tradeCount: closed.length,
    realizedPnl: sumDec(closed.map((t) => t.pnl)),
  };
}

export function exposure(curve: readonly EquityPoint[]): number {
  if (curve.length === 0) return 0;
  let n = 0;
  for (const p of curve) if (p.inMarket) n++;
  return n / curve.length;
}

/** Equal-weight buy-and-hold: the mean over symbols of lastClose / firstOpen - 1. */
export function benchmarkReturn(prices: ReadonlyMap<string, { first: number; last: number }>): number {
  const rs = [...prices.values()].filter((p) => p.first > 0).map((p) => p.last / p.first - 1);
  return mean(rs);
}

export interface MetricsInput {
  readonly curve: readonly EquityPoint[];
  readonly trips: readonly RoundTrip[];
  readonly fees: Decimal;
  readonly benchmark: ReadonlyMap<string, { first: number; last: number }>;
}

export function computeMetrics(input: MetricsInput): Metrics {
  const { curve } = input;
  const first = curve[0];
  const last = curve[curve.length - 1];
  const total = totalReturn(curve);
  const span = first !== undefined && last !== undefined ? last.timestamp - first.timestamp : 0;
  const annual = annualizedReturn(total, span);
  const returns = periodReturns(curve);
  const perYear = periodsPerYear(curve);
  const dd = drawdownStats(curve);
  const trades = tradeStats(input.trips);
  return {
    startEquity: first?.equity ?? 0,
    endEquity: last?.equity ?? 0,
    totalReturn: total,
    annualizedReturn: annual,
    sharpe: sharpeRatio(returns, perYear),
    sortino: sortinoRatio(returns, perYear),
    calmar: dd.maxDrawdown === 0 ? 0 : annual / dd.maxDrawdown,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDurationMs: dd.maxDrawdownDurationMs,
    winRate: trades.winRate,
    profitFactor: trades.profitFactor,
    exposure: exposure(curve),
    tradeCount: trades.tradeCount,
    feesPaid: toPlain(input.fees),
    realizedPnl: toPlain(trades.realizedPnl),
    benchmarkReturn: benchmarkReturn(input.benchmark),
  };
}
