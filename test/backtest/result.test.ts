// buildResult walks the fills and the curve once and formats trips as they close: it must give what the plain
// composition of the parts gives.
import { describe, expect, it } from 'vitest';
import { parseBacktestConfig } from '../../src/backtest/config.ts';
import type { LoadedData } from '../../src/backtest/data.ts';
import { computeMetrics, type EquityPoint } from '../../src/backtest/metrics.ts';
import { buildResult, fillToJson } from '../../src/backtest/result.ts';
import { renderReport } from '../../src/backtest/report.ts';
import { formatSummary, summaryNotes, summaryRows } from '../../src/backtest/summary.ts';
import { roundTrips, roundTripToJson, type AttributedFill } from '../../src/backtest/round-trips.ts';
import { dec, ZERO } from '../../src/core/decimal.ts';
import { createFill } from '../../src/model/fill.ts';
import type { Bar } from '../../src/model/market.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 1);

function bars(symbols: readonly string[], count: number): Bar[] {
  const out: Bar[] = [];
  for (let i = 0; i < count; i++) {
    for (const [k, symbol] of symbols.entries()) {
      const close = 100 + k * 50 + Math.sin(i / 50) * 10;
      out.push({
        symbol,
        timestamp: T0 + i * MINUTE,
        intervalMs: MINUTE,
        open: close,
        high: close,
        low: close,
        close,
        volume: 1,
      });
    }
  }
  return out;
}

function fills(count: number): AttributedFill[] {
  const out: AttributedFill[] = [];
  for (let i = 0; i < count; i++) {
    const symbol = i % 6 < 4 ? 'BTC-USD' : 'ETH-USD';
    // BTC: buy, buy, sell all (two entry prices); ETH: buy, sell.
    const side = i % 6 === 2 || i % 6 === 5 ? 'sell' : 'buy';
    const quantity = side === 'sell' && symbol === 'BTC-USD' ? '0.03' : i % 6 === 3 ? '0.5' : '0.01';
    const price = String(100 + (i % 7) + 0.25);
    const fee = (0.001 * Number(quantity) * Number(price)).toFixed(10);
    const fill = createFill({
      id: `f${i}`,
      clientOrderId: `c${i}`,
      symbol,
      side,
      quantity,
      price,
      fee,
      timestamp: T0 + i * 997,
    });
    out.push({ fill, strategyId: 'probe' });
  }
  return out;
}

describe('buildResult', () => {
  const config = parseBacktestConfig({ strategy: 'probe', data: ['x.csv'] });
  const curve: EquityPoint[] = Array.from({ length: 5000 }, (_, i) => ({
    timestamp: T0 + (i + 1) * MINUTE,
    equity: 10_000 + Math.cos(i / 30) * 100 + i * 0.01,
    inMarket: i % 3 === 0,
  }));
  const input = (data: LoadedData, f: AttributedFill[]) => ({
    config,
    data,
    curve,
    fills: f,
    denied: [],
    benchmark: new Map([['BTC-USD', { first: 100, last: 110 }]]),
    strategies: [],
    finalCash: dec('10000'),
    warnings: [],
  });

  it('equals the parts computed one by one', () => {
    const f = fills(301); // ends with an open trip
    const data: LoadedData = { kind: 'bars', symbols: ['BTC-USD'], bars: bars(['BTC-USD'], 4500), ticks: [] };
    const r = buildResult(input(data, f));
    const trips = roundTrips(f);
    expect(r.fills).toEqual(f.map((x) => fillToJson(x)));
    expect(r.trades).toEqual(trips.map((t) => roundTripToJson(t)));
    expect(r.trades.at(-1)?.exitTime).toBeNull();
    const fees = f.reduce((s, x) => s.plus(x.fill.fee), ZERO);
    expect(r.metrics).toEqual(computeMetrics({ curve, trips, fees, benchmark: input(data, f).benchmark }));
    expect(r.equity).toEqual(curve.map((p) => [p.timestamp, p.equity]));
    // 4,500 bars: every third, and the last.
    const prices = r.prices['BTC-USD'] ?? [];
    expect(prices).toHaveLength(1501);
    expect(prices[1]).toEqual([data.bars[3]!.timestamp + MINUTE, data.bars[3]!.close]);
    expect(prices.at(-2)).toEqual([data.bars[4497]!.timestamp + MINUTE, data.bars[4497]!.close]);
    expect(prices.at(-1)).toEqual([data.bars[4499]!.timestamp + MINUTE, data.bars[4499]!.close]);
  });

  it('downsamples each symbol of a multi-symbol file on its own, keeping its last point', () => {
    const data: LoadedData = {
      kind: 'bars',
      symbols: ['BTC-USD', 'ETH-USD'],
      bars: bars(['BTC-USD', 'ETH-USD'], 4001),
      ticks: [],
    };
    const r = buildResult(input(data, fills(12)));
    for (const [k, symbol] of ['BTC-USD', 'ETH-USD'].entries()) {
      const own = data.bars.filter((b) => b.symbol === symbol);
      const expected = own
        .filter((_, i) => i % 3 === 0 || i === own.length - 1)
        .map((b) => [b.timestamp + MINUTE, b.close]);
      expect(r.prices[symbol], `symbol ${k}`).toEqual(expected);
    }
  });
});

describe('the summary and the report', () => {
  const config = parseBacktestConfig({ strategy: 'probe', data: ['x.csv'] });
  const curve: EquityPoint[] = Array.from({ length: 100 }, (_, i) => ({
    timestamp: T0 + (i + 1) * MINUTE,
    equity: 10_000,
    inMarket: false,
  }));
  const result = (f: AttributedFill[], kind: 'bars' | 'ticks', orders: number) =>
    buildResult({
      config,
      data: { kind, symbols: ['BTC-USD'], bars: kind === 'bars' ? bars(['BTC-USD'], 100) : [], ticks: [] },
      curve,
      fills: f,
      denied: [],
      benchmark: new Map([['BTC-USD', { first: 100, last: 110 }]]),
      strategies: [{ id: 'probe', status: 'stopped', errors: 0, consecutiveErrors: 0, orders, denials: 0 }],
      finalCash: dec('10000'),
      warnings: [],
    });

  it('counts orders and fills, and says where to look when nothing was ordered', () => {
    const traded = result(fills(7), 'bars', 7);
    expect(summaryRows(traded)).toContainEqual(['orders', '7 (7 fills)']);
    expect(summaryNotes(traded)).toEqual([]);
    expect(formatSummary(result([], 'ticks', 0))).toMatch(/\nnote: no orders\. These data are ticks/);
    expect(summaryNotes(result([], 'bars', 0))).toEqual([expect.stringMatching(/^note: no orders\. .* these bars/)]);
  });

  it('shows a trip still open at the end as open, and counts the closed ones apart', () => {
    const r = result(fills(7), 'bars', 7); // the seventh fill opens a trip that never closes
    expect(r.trades.filter((t) => t.exitTime === null)).toHaveLength(1);
    const html = renderReport(r);
    expect(html).toContain(`<h2>Trades (${r.metrics.tradeCount} closed, 1 open at the end)</h2>`);
    // exit time: open; then the quantity and the entry price; no exit price
    expect(html).toMatch(/<td>open<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td><td><\/td>/);
  });
});
