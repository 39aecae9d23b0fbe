// Performance metrics of a backtest, from its equity curve and its round trips. Pure functions. Ratios and returns
// are floats (they are statistics, not ledger entries); PnL and fees stay exact in the round trips they come from.
import { divide, isPositive, toNumber, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
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

/**
 * What the metrics need of the equity curve, gathered in one pass over its points: a 1-minute year has 130,000 of
 * them, scattered in memory, and each separate pass over them costs milliseconds (more before the JIT warms up).
 */
export interface CurveScan {
  readonly points: number;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly spanMs: number;
  /** Points per year from the average spacing. */
  readonly perYear: number;
  /** Simple returns between consecutive points. */
  readonly returns: Float64Array;
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationMs: number;
  /** Points with a position open. */
  readonly inMarket: number;
}

export function scanCurve(curve: readonly EquityPoint[]): CurveScan {
  const n = curve.length;
  const returns = new Float64Array(Math.max(0, n - 1));
  let inMarket = 0;
  let peak = -Infinity;
  let peakAt = 0;
  let maxDrawdown = 0;
  let longest = 0;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const p = curve[i] as EquityPoint;
    const equity = p.equity;
    const t = p.timestamp;
    if (p.inMarket) inMarket++;
    if (i > 0) returns[i - 1] = previous === 0 ? 0 : equity / previous - 1;
    previous = equity;
    if (equity >= peak) {
      peak = equity;
      peakAt = t;
    } else {
      if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - equity) / peak);
      longest = Math.max(longest, t - peakAt);
    }
  }
  const first = curve[0];
  const last = curve[n - 1];
  return {
    points: n,
    startEquity: first?.equity ?? 0,
    endEquity: last?.equity ?? 0,
    spanMs: first !== undefined && last !== undefined ? last.timestamp - first.timestamp : 0,
    perYear: periodsPerYear(curve),
    returns,
    maxDrawdown,
    maxDrawdownDurationMs: longest,
    inMarket,
  };
}

/** Points per year of `n` points spread evenly from t0 to t1. */
function pointsPerYear(n: number, t0: number, t1: number): number {
  return n < 2 || t1 <= t0 ? 0 : YEAR_MS / ((t1 - t0) / (n - 1));
}

const growth = (first: number, last: number): number => (first === 0 ? 0 : last / first - 1);

export function totalReturn(curve: readonly EquityPoint[]): number {
  const first = curve[0];
  const last = curve[curve.length - 1];
  return first === undefined || last === undefined ? 0 : growth(first.equity, last.equity);
}

export function annualizedReturn(total: number, spanMs: number): number {
  if (spanMs <= 0 || total <= -1) return total <= -1 ? -1 : 0;
  return Math.pow(1 + total, YEAR_MS / spanMs) - 1;
}

/** Simple returns between consecutive points. */
export function periodReturns(curve: readonly EquityPoint[]): Float64Array {
  return scanCurve(curve).returns;
}

/** Points per year from the curve's average spacing. */
export function periodsPerYear(curve: readonly EquityPoint[]): number {
  const first = curve[0];
  const last = curve[curve.length - 1];
  return first === undefined || last === undefined ? 0 : pointsPerYear(curve.length, first.timestamp, last.timestamp);
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return values.length === 0 ? 0 : s / values.length;
}

export function sharpeRatio(returns: ArrayLike<number>, perYear: number): number {
  if (returns.length < 2) return 0;
  const m = mean(returns);
  let ss = 0;
  for (let i = 0; i < returns.length; i++) ss += ((returns[i] as number) - m) ** 2;
  const sd = Math.sqrt(ss / (returns.length - 1));
  return sd === 0 ? 0 : (m / sd) * Math.sqrt(perYear);
}

export function sortinoRatio(returns: ArrayLike<number>, perYear: number): number {
  if (returns.length === 0) return 0;
  let ss = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (r < 0) ss += r * r;
  }
  const downside = Math.sqrt(ss / returns.length);
  return downside === 0 ? 0 : (mean(returns) / downside) * Math.sqrt(perYear);
}

export interface DrawdownStats {
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationMs: number;
}

export function drawdownStats(curve: readonly EquityPoint[]): DrawdownStats {
  const scan = scanCurve(curve);
  return { maxDrawdown: scan.maxDrawdown, maxDrawdownDurationMs: scan.maxDrawdownDurationMs };
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
  let closed = 0;
  let wins = 0;
  let gross = ZERO;
  let lostPnl = ZERO;
  for (const t of trips) {
    if (t.exitTime === undefined) continue;
    closed++;
    if (isPositive(t.pnl)) {
      wins++;
      gross = gross.plus(t.pnl);
    } else lostPnl = lostPnl.plus(t.pnl);
  }
  const loss = lostPnl.neg();
  return {
    winRate: closed === 0 ? 0 : wins / closed,
    profitFactor: !isPositive(loss) ? (isPositive(gross) ? null : 0) : toNumber(divide(gross, loss)),
    tradeCount: closed,
    realizedPnl: gross.plus(lostPnl),
  };
}

export function exposure(curve: readonly EquityPoint[]): number {
  return curve.length === 0 ? 0 : scanCurve(curve).inMarket / curve.length;
}

/** Equal-weight buy-and-hold: the mean over symbols of lastClose / firstOpen - 1. */
export function benchmarkReturn(prices: ReadonlyMap<string, { first: number; last: number }>): number {
  const rs = [...prices.values()].filter((p) => p.first > 0).map((p) => p.last / p.first - 1);
  return mean(rs);
}

export interface MetricsInput {
  readonly curve: readonly EquityPoint[];
  /** `scanCurve(curve)`, when the caller already has it. */
  readonly scan?: CurveScan;
  readonly trips: readonly RoundTrip[];
  readonly fees: Decimal;
  readonly benchmark: ReadonlyMap<string, { first: number; last: number }>;
}

export function computeMetrics(input: MetricsInput): Metrics {
  const scan = input.scan ?? scanCurve(input.curve);
  const total = scan.points === 0 ? 0 : growth(scan.startEquity, scan.endEquity);
  const annual = annualizedReturn(total, scan.spanMs);
  const trades = tradeStats(input.trips);
  return {
    startEquity: scan.startEquity,
    endEquity: scan.endEquity,
    totalReturn: total,
    annualizedReturn: annual,
    sharpe: sharpeRatio(scan.returns, scan.perYear),
    sortino: sortinoRatio(scan.returns, scan.perYear),
    calmar: scan.maxDrawdown === 0 ? 0 : annual / scan.maxDrawdown,
    maxDrawdown: scan.maxDrawdown,
    maxDrawdownDurationMs: scan.maxDrawdownDurationMs,
    winRate: trades.winRate,
    profitFactor: trades.profitFactor,
    exposure: scan.points === 0 ? 0 : scan.inMarket / scan.points,
    tradeCount: trades.tradeCount,
    feesPaid: toPlain(input.fees),
    realizedPnl: toPlain(trades.realizedPnl),
    benchmarkReturn: benchmarkReturn(input.benchmark),
  };
}
