// Performance metrics of a backtest, from its equity curve and its round trips. Pure functions (scanCurve may also
// fill the result's equity pairs). Ratios and returns are floats (they are statistics, not ledger entries); PnL and
// fees stay exact in the round trips they come from.
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
  /** Σ returns, first to last (the order matters to the last bit). */
  readonly returnSum: number;
  /** Σ min(r, 0)². */
  readonly downsideSquares: number;
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationMs: number;
  /** Points with a position open. */
  readonly inMarket: number;
}

/**
 * Scans the curve once. With `pairs`, also writes each point's [timestamp, equity] there (the result's JSON form),
 * which spares the result another pass.
 */
export function scanCurve(curve: readonly EquityPoint[], pairs?: Array<readonly [number, number]>): CurveScan {
  const n = curve.length;
  const returns = new Float64Array(Math.max(0, n - 1));
  let returnSum = 0;
  let downsideSquares = 0;
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
    if (pairs !== undefined) pairs[i] = [t, equity];
    if (p.inMarket) inMarket++;
    if (i > 0) {
      const r = previous === 0 ? 0 : equity / previous - 1;
      returns[i - 1] = r;
      returnSum += r;
      if (r < 0) downsideSquares += r * r;
    }
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
    returnSum,
    downsideSquares,
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

/** What Sharpe and Sortino need of the returns. */
interface ReturnSums {
  readonly n: number;
  readonly mean: number;
  /** Σ (r - mean)². */
  readonly squaredDeviations: number;
  /** Σ min(r, 0)². */
  readonly downsideSquares: number;
}

function returnSums(returns: ArrayLike<number>, sum: number, downsideSquares: number): ReturnSums {
  const n = returns.length;
  const m = n === 0 ? 0 : sum / n;
  let squaredDeviations = 0;
  for (let i = 0; i < n; i++) squaredDeviations += ((returns[i] as number) - m) ** 2;
  return { n, mean: m, squaredDeviations, downsideSquares };
}

function sumsOf(returns: ArrayLike<number>): ReturnSums {
  let sum = 0;
  let downsideSquares = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    sum += r;
    if (r < 0) downsideSquares += r * r;
  }
  return returnSums(returns, sum, downsideSquares);
}

function sharpeOf(s: ReturnSums, perYear: number): number {
  if (s.n < 2) return 0;
  const sd = Math.sqrt(s.squaredDeviations / (s.n - 1));
  return sd === 0 ? 0 : (s.mean / sd) * Math.sqrt(perYear);
}

function sortinoOf(s: ReturnSums, perYear: number): number {
  if (s.n === 0) return 0;
  const downside = Math.sqrt(s.downsideSquares / s.n);
  return downside === 0 ? 0 : (s.mean / downside) * Math.sqrt(perYear);
}

export const sharpeRatio = (returns: ArrayLike<number>, perYear: number): number => sharpeOf(sumsOf(returns), perYear);

export const sortinoRatio = (returns: ArrayLike<number>, perYear: number): number =>
  sortinoOf(sumsOf(returns), perYear);

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
  const returns = returnSums(scan.returns, scan.returnSum, scan.downsideSquares);
  const trades = tradeStats(input.trips);
  return {
    startEquity: scan.startEquity,
    endEquity: scan.endEquity,
    totalReturn: total,
    annualizedReturn: annual,
    sharpe: sharpeOf(returns, scan.perYear),
    sortino: sortinoOf(returns, scan.perYear),
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
