import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/clock.ts';
import { BarBuilder } from '../../src/data/bar-builder.ts';
import { openBars, openTrades, SAMPLE_DATA_DIR } from '../../src/data/historical/index.ts';
import type { Bar, Trade } from '../../src/model/market.ts';

const trade = (timestamp: number, price: number, quantity = 1): Trade => ({ symbol: 'X', timestamp, price, quantity });

describe('BarBuilder', () => {
  it('builds OHLCV from trades and closes a bar when a later trade arrives', () => {
    const bars: Bar[] = [];
    const b = new BarBuilder({ intervalMs: 60_000, onBar: (bar) => bars.push(bar) });
    b.addTrade(trade(60_000, 10, 1));
    b.addTrade(trade(70_000, 12, 2));
    b.addTrade(trade(80_000, 9, 0.5));
    b.addTrade(trade(119_999, 11, 1));
    expect(bars).toEqual([]);
    b.addTrade(trade(120_000, 13, 1));
    expect(bars).toEqual([
      { symbol: 'X', intervalMs: 60_000, timestamp: 60_000, open: 10, high: 12, low: 9, close: 11, volume: 4.5 },
    ]);
    expect(b.openBar('X')).toMatchObject({ timestamp: 120_000, open: 13, close: 13 });
  });

  it('closes bars on the clock even without a trade, and fills gaps with flat bars when asked', () => {
    const clock = new SimulatedClock(0);
    const bars: Bar[] = [];
    const b = new BarBuilder({ intervalMs: 1000, onBar: (bar) => bars.push(bar), emitEmptyBars: true });
    b.bindClock(clock);
    b.addTrade(trade(100, 5));
    clock.advanceTo(999);
    expect(bars).toHaveLength(0);
    clock.advanceTo(1000); // the bar [0, 1000) ends: closed although nothing traded after it
    expect(bars.map((x) => [x.timestamp, x.close, x.volume])).toEqual([[0, 5, 1]]);
    clock.advanceTo(3500); // two quiet intervals → two flat bars
    expect(bars.map((x) => [x.timestamp, x.open, x.close, x.volume])).toEqual([
      [0, 5, 5, 1],
      [1000, 5, 5, 0],
      [2000, 5, 5, 0],
    ]);
    b.addTrade(trade(5200, 7)); // [3000, 4000) and [4000, 5000) are flat too
    expect(bars.map((x) => x.timestamp)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(b.stats).toEqual({ late: 0, barsEmitted: 1, emptyBarsEmitted: 4 });
  });

  it('without flat bars a gap is just missing bars; late trades are counted and ignored', () => {
    const bars: Bar[] = [];
    const b = new BarBuilder({ intervalMs: 1000, onBar: (bar) => bars.push(bar) });
    b.addTrade(trade(100, 5));
    b.addTrade(trade(3100, 6));
    b.addTrade(trade(900, 1)); // its bar is closed
    b.flush();
    expect(bars.map((x) => x.timestamp)).toEqual([0, 3000]);
    expect(b.stats.late).toBe(1);
  });

  it('quote bars use the mid and ignore one-sided quotes', () => {
    const bars: Bar[] = [];
    const b = new BarBuilder({ intervalMs: 1000, onBar: (bar) => bars.push(bar) });
    b.addQuote({ symbol: 'X', timestamp: 0, bid: 99, ask: 101 });
    b.addQuote({ symbol: 'X', timestamp: 10, bid: 0, ask: 150 });
    b.addQuote({ symbol: 'X', timestamp: 20, bid: 101, ask: 103 });
    b.addQuote({ symbol: 'X', timestamp: 30, bid: 97, ask: 99 });
    b.flush();
    expect(bars).toEqual([{ symbol: 'X', intervalMs: 1000, timestamp: 0, open: 100, high: 102, low: 98, close: 98, volume: 0 }]);
  });

  it('keeps symbols apart', () => {
    const bars: Bar[] = [];
    const b = new BarBuilder({ intervalMs: 1000, onBar: (bar) => bars.push(bar) });
    b.addTrade({ symbol: 'A', timestamp: 0, price: 1, quantity: 1 });
    b.addTrade({ symbol: 'B', timestamp: 0, price: 2, quantity: 1 });
    b.closeUpTo(1000);
    expect(bars.map((x) => [x.symbol, x.close])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
  });
});

const SHARED_1M = '/work/shared/data/binance-spot-1m-2024-08/BTC_USDT-1m.csv.gz';
const SHARED_1M_ALT = join(import.meta.dirname, '../../../shared/data/binance-spot-1m-2024-08/BTC_USDT-1m.csv.gz');
const shared1m = [SHARED_1M_ALT, SHARED_1M].find((p) => existsSync(p));

async function sampleTradeBars(): Promise<Bar[]> {
  const bars: Bar[] = [];
  const b = new BarBuilder({ intervalMs: 60_000, onBar: (bar) => bars.push(bar) });
  for await (const t of openTrades(join(SAMPLE_DATA_DIR, 'btcusdt_trades.csv.gz'))) b.addTrade(t);
  b.flush();
  return bars;
}

describe('BarBuilder on the real BTCUSDT trades (data/sample)', () => {
  it('the sample trades make consistent 1m bars', async () => {
    const bars = await sampleTradeBars();
    expect(bars.length).toBe(12); // 23:54 → 00:05, both ends partial
    for (const [i, bar] of bars.entries()) {
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.volume).toBeGreaterThan(0);
      if (i > 0) expect(bar.timestamp - bars[i - 1]!.timestamp).toBe(60_000);
    }
  });

  it.skipIf(shared1m === undefined)('aggregated to 1m they equal the shared 1m bars for the 10 full minutes', async () => {
    const built = (await sampleTradeBars()).slice(1, -1); // drop the two partial minutes
    const from = Date.UTC(2024, 7, 8, 23, 55);
    const to = Date.UTC(2024, 7, 9, 0, 5);
    const reference: Bar[] = [];
    for await (const bar of openBars(shared1m!, { from, to })) reference.push(bar);
    expect(reference).toHaveLength(10);
    expect(built.map((b) => b.timestamp)).toEqual(reference.map((b) => b.timestamp));
    for (const [i, ref] of reference.entries()) {
      const b = built[i]!;
      expect([b.open, b.high, b.low, b.close]).toEqual([ref.open, ref.high, ref.low, ref.close]);
      expect(b.volume).toBeCloseTo(ref.volume, 6); // float sum of exact decimal quantities
    }
  });
});
