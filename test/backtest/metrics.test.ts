import { describe, expect, it } from 'vitest';
import { dec } from '../../src/core/decimal.ts';
import { createFill } from '../../src/model/fill.ts';
import {
  annualizedReturn,
  benchmarkReturn,
  computeMetrics,
  drawdownStats,
  exposure,
  periodReturns,
  periodsPerYear,
  sharpeRatio,
  sortinoRatio,
  totalReturn,
  tradeStats,
  YEAR_MS,
  type EquityPoint,
} from '../../src/backtest/metrics.ts';
import { roundTrips } from '../../src/backtest/round-trips.ts';

const DAY = 86_400_000;
const curve = (values: number[], held: boolean[] = []): EquityPoint[] =>
  values.map((equity, i) => ({ timestamp: i * DAY, equity, inMarket: held[i] ?? false }));

const fill = (i: number, side: 'buy' | 'sell', qty: string, price: string, fee = '0', symbol = 'BTC-USD') => ({
  fill: createFill({ id: `f${i}`, clientOrderId: `c${i}`, symbol, side, quantity: qty, price, fee, timestamp: i }),
  strategyId: 's',
});

describe('metrics', () => {
  const c = curve([100, 110, 99, 121]);

  it('total and annualized return', () => {
    expect(totalReturn(c)).toBeCloseTo(0.21, 12);
    // 3 days for 21 %: (1.21)^(365/3) - 1
    expect(annualizedReturn(0.21, 3 * DAY)).toBeCloseTo(Math.pow(1.21, 365 / 3) - 1, 6);
    expect(annualizedReturn(0.1, YEAR_MS)).toBeCloseTo(0.1, 12);
  });

  it('Sharpe and Sortino from per-point returns', () => {
    const r = periodReturns(c); // 0.1, -0.1, 0.2222…
    expect(r[0]).toBeCloseTo(0.1, 12);
    expect(r[1]).toBeCloseTo(-0.1, 12);
    expect(r[2]).toBeCloseTo(22 / 99, 12);
    expect(periodsPerYear(c)).toBeCloseTo(365, 9);
    const mean = (0.1 - 0.1 + 22 / 99) / 3;
    const sd = Math.sqrt(((0.1 - mean) ** 2 + (-0.1 - mean) ** 2 + (22 / 99 - mean) ** 2) / 2);
    expect(sharpeRatio(r, 365)).toBeCloseTo((mean / sd) * Math.sqrt(365), 9);
    const downside = Math.sqrt(0.01 / 3);
    expect(sortinoRatio(r, 365)).toBeCloseTo((mean / downside) * Math.sqrt(365), 9);
    expect(sharpeRatio([0.01, 0.01], 365)).toBe(0); // no variance
  });

  it('max drawdown and its duration', () => {
    const d = drawdownStats(curve([100, 120, 90, 100, 130, 117]));
    expect(d.maxDrawdown).toBeCloseTo(0.25, 12); // 120 → 90
    expect(d.maxDrawdownDurationMs).toBe(2 * DAY); // under 120 from day 1 to day 3, recovered day 4
    const never = drawdownStats(curve([100, 80, 70, 90]));
    expect(never.maxDrawdown).toBeCloseTo(0.3, 12);
    expect(never.maxDrawdownDurationMs).toBe(3 * DAY); // to the end
  });

  it('exposure is the share of points in the market', () => {
    expect(exposure(curve([1, 1, 1, 1], [true, false, true, true]))).toBe(0.75);
  });

  it('win rate, profit factor and trade count from round trips', () => {
    const trips = roundTrips([
      fill(1, 'buy', '1', '100', '1'),
      fill(2, 'sell', '1', '110', '1'), // +8
      fill(3, 'buy', '2', '100'),
      fill(4, 'sell', '1', '95'),
      fill(5, 'sell', '1', '97'), // -8
      fill(6, 'buy', '1', '50'),
      fill(7, 'sell', '1', '70'), // +20
      fill(8, 'buy', '1', '10'), // still open
    ]);
    expect(trips).toHaveLength(4);
    expect(trips.map((t) => t.pnl.toFixed())).toEqual(['8', '-8', '20', '0']);
    expect(trips[1]?.quantity.toFixed()).toBe('2');
    expect(trips[1]?.exitPrice.toFixed()).toBe('96');
    const s = tradeStats(trips);
    expect(s.tradeCount).toBe(3);
    expect(s.winRate).toBeCloseTo(2 / 3, 12);
    expect(s.profitFactor).toBeCloseTo(28 / 8, 12);
    expect(s.realizedPnl.toFixed()).toBe('20');
  });

  it('profit factor is null (infinite) with no losing trip, 0 with no trips', () => {
    expect(tradeStats(roundTrips([fill(1, 'buy', '1', '1'), fill(2, 'sell', '1', '2')])).profitFactor).toBeNull();
    expect(tradeStats([]).profitFactor).toBe(0);
  });

  it('buy-and-hold benchmark: equal weights', () => {
    const b = new Map([
      ['BTC-USD', { first: 100, last: 150 }],
      ['ETH-USD', { first: 10, last: 9 }],
    ]);
    expect(benchmarkReturn(b)).toBeCloseTo((0.5 - 0.1) / 2, 12);
  });

  it('computeMetrics puts them together, Calmar = annualized / max drawdown', () => {
    const m = computeMetrics({ curve: c, trips: [], fees: dec('1.5'), benchmark: new Map() });
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.calmar).toBeCloseTo(m.annualizedReturn / 0.1, 9);
    expect(m.feesPaid).toBe('1.5');
    expect(m.tradeCount).toBe(0);
  });
});

describe('computeMetrics, one pass over the curve', () => {
  // The per-statistic passes it replaces, written plainly: every figure must agree to the last bit.
  function reference(points: readonly EquityPoint[]) {
    const returns: number[] = [];
    for (let i = 1; i < points.length; i++) {
      const prev = points[i - 1]!.equity;
      returns.push(prev === 0 ? 0 : points[i]!.equity / prev - 1);
    }
    const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const perYear = YEAR_MS / ((last.timestamp - first.timestamp) / (points.length - 1));
    const m = mean(returns);
    let ss = 0;
    for (const r of returns) ss += (r - m) ** 2;
    let down = 0;
    for (const r of returns) if (r < 0) down += r * r;
    let peak = -Infinity;
    let peakAt = 0;
    let maxDrawdown = 0;
    let longest = 0;
    for (const p of points) {
      if (p.equity >= peak) {
        peak = p.equity;
        peakAt = p.timestamp;
        continue;
      }
      if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - p.equity) / peak);
      longest = Math.max(longest, p.timestamp - peakAt);
    }
    return {
      totalReturn: last.equity / first.equity - 1,
      sharpe: returns.length < 2 || ss === 0 ? 0 : (m / Math.sqrt(ss / (returns.length - 1))) * Math.sqrt(perYear),
      sortino: down === 0 ? 0 : (m / Math.sqrt(down / returns.length)) * Math.sqrt(perYear),
      maxDrawdown,
      maxDrawdownDurationMs: longest,
      exposure: points.filter((p) => p.inMarket).length / points.length,
    };
  }

  it('gives the figures of separate passes, bit for bit', () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let round = 0; round < 50; round++) {
      let equity = 1000;
      const points: EquityPoint[] = Array.from({ length: 2 + Math.floor(next() * 3000) }, (_, i) => {
        equity *= 1 + (next() - 0.5) * 0.02;
        return { timestamp: 1_700_000_000_000 + i * 60_000, equity, inMarket: next() < 0.5 };
      });
      const m = computeMetrics({ curve: points, trips: [], fees: dec('0'), benchmark: new Map() });
      const r = reference(points);
      for (const k of Object.keys(r) as Array<keyof typeof r>) expect(Object.is(m[k], r[k]), k).toBe(true);
    }
  });
});
