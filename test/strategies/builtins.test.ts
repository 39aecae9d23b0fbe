import { describe, expect, it } from 'vitest';
import { DcaStrategy } from '../../src/strategies/builtin/dca.ts';
import { GridStrategy, gridLevels } from '../../src/strategies/builtin/grid.ts';
import { MarketMakingStrategy } from '../../src/strategies/builtin/market-making.ts';
import { MeanReversionStrategy } from '../../src/strategies/builtin/mean-reversion.ts';
import { TrendStrategy } from '../../src/strategies/builtin/trend.ts';
import { movingAverage } from '../../src/strategies/indicators.ts';
import { barsFrom, harness, T0 } from './helpers.ts';

async function run(strategy: ConstructorParameters<typeof Object>[0], closes: number[], budget?: string) {
  const h = harness();
  h.runner.add(strategy as never, { id: 's', symbols: ['BTC-USD'], ...(budget !== undefined && { budget }) });
  await h.runner.start();
  for (const bar of barsFrom(closes)) {
    await h.bar(bar);
    // market orders fill at the close
    for (const o of h.execution.openOrders()) if (o.type === 'market') await h.fill(o.clientOrderId, bar.close);
  }
  return h;
}

describe('trend', () => {
  it('buys once at the up-cross and sells once at the down-cross, with the averages in the reason', async () => {
    const h = await run(
      new TrendStrategy({ fast: 2, slow: 3, average: 'sma', fraction: 0.5 }),
      [10, 10, 10, 9, 12, 13, 14, 10, 8, 7],
    );
    const r = h.execution.requests;
    expect(r.map((x) => x.side)).toEqual(['buy', 'sell']);
    expect(r[0]!.reason).toMatch(/^SMA\(2\)=10\.5 SMA\(3\)=10\.333333: fast crossed above slow at close 12$/);
    expect(r[1]!.reason).toContain('fast crossed below slow');
    expect(String(r[0]!.quantity)).toBe('416.66666666'); // 0.5 × 10000 / 12, rounded down
    expect(String(r[1]!.quantity)).toBe('416.66666666');
  });

  it('does not trade while an EMA is warming up: both averages answer only after `slow` closes', async () => {
    // Seeded with the first close, the EMAs cross up at the third close, before the slow one has seen 4 closes; a
    // strategy trading that would buy at 12 there and sell at 10 three bars later. Warm, they first cross at the tenth.
    const closes = [10, 8, 12, 13, 14, 10, 8, 7, 9, 12, 13, 14];
    const h = await run(new TrendStrategy({ fast: 2, slow: 4, average: 'ema', fraction: 0.5 }), closes);
    const r = h.execution.requests;
    expect(r.map((x) => x.side)).toEqual(['buy']);
    expect(r[0]!.reason).toMatch(/^EMA\(2\)=\S+ EMA\(4\)=\S+: fast crossed above slow at close 12$/);
    expect(movingAverage('ema', 3).isStable).toBe(false);
    const ema = movingAverage('ema', 3);
    expect([ema.add(1), ema.add(2), ema.add(3) !== null, ema.isStable]).toEqual([null, null, true, true]);
  });

  it('sells at the ATR stop', async () => {
    const h = await run(
      new TrendStrategy({ fast: 2, slow: 3, atrStop: 1, atrPeriod: 2 }),
      [10, 10, 10, 9, 12, 13, 9, 9.5],
    );
    expect(h.execution.requests.map((x) => x.side)).toEqual(['buy', 'sell']);
    expect(h.execution.requests[1]!.reason).toMatch(/^ATR stop: low 9 reached stop/);
  });

  it('rejects fast ≥ slow with a reason', () => {
    expect(() => new TrendStrategy({ fast: 5, slow: 5 })).toThrow(/identical and never cross/);
    expect(() => new TrendStrategy({ fast: 9, slow: 5 })).toThrow(/must be shorter than slow/);
    expect(() => new TrendStrategy({ fast: 0 })).toThrow(/fast/);
  });
});

describe('mean_reversion', () => {
  it('buys oversold below the lower band and sells back at the mean', async () => {
    const closes = [100, 101, 100, 101, 100, 101, 100, 90, 100.5, 101];
    const h = await run(
      new MeanReversionStrategy({
        rsiPeriod: 3,
        bollingerPeriod: 5,
        bollingerDeviations: 1.5,
        oversold: 40,
        overbought: 95,
        exitAtMean: true,
      }),
      closes,
    );
    const r = h.execution.requests;
    expect(r.map((x) => x.side)).toEqual(['buy', 'sell']);
    expect(r[0]!.reason).toMatch(/^RSI\(3\)=[\d.]+ BB\(5,1\.5\)=[\d.]+\/[\d.]+\/[\d.]+ close=90: oversold, buy$/);
    expect(r[1]!.reason).toContain('back at the mean');
  });

  it('explains impossible combinations', () => {
    expect(() => new MeanReversionStrategy({ useRsi: false, useBollinger: false })).toThrow(/no signal/);
    expect(() => new MeanReversionStrategy({ oversold: 70, overbought: 30 })).toThrow(/must be below overbought/);
  });
});

describe('dca', () => {
  it('buys a fixed amount every N bars and takes profit', async () => {
    const h = await run(new DcaStrategy({ everyBars: 2, amount: 100, takeProfit: 0.5 }), [100, 100, 100, 100, 200]);
    const r = h.execution.requests;
    expect(r.map((x) => x.side)).toEqual(['buy', 'buy', 'sell']);
    expect(String(r[0]!.quantity)).toBe('1'); // $100 at 100
    expect(r[0]!.reason).toContain('first scheduled buy');
    expect(r[1]!.reason).toContain('2 bars since the last buy');
    expect(r[2]!.reason).toMatch(/^close 200 ≥ take-profit 150/);
  });

  it('buys dips from the recent high', async () => {
    const h = await run(new DcaStrategy({ mode: 'dip', dip: 0.1, lookbackBars: 3 }), [100, 100, 100, 95, 89, 88]);
    expect(h.execution.requests).toHaveLength(1);
    expect(h.execution.requests[0]!.reason).toMatch(/^close 89 is 11% below the 3-bar high 100/);
  });

  it('buys on a clock timer in time mode with everyMs', async () => {
    const h = harness();
    h.runner.add(new DcaStrategy({ everyMs: 60_000, amount: 50 }), { id: 'd', symbols: ['BTC-USD'] });
    await h.runner.start();
    h.cache.updateQuote({ symbol: 'BTC-USD', timestamp: T0, bid: 99, ask: 101 });
    h.clock.advanceBy(120_000);
    await h.runner.idle();
    expect(h.execution.requests.map((x) => String(x.quantity))).toEqual(['0.5', '0.5']);
    expect(h.execution.requests[0]!.reason).toContain('DCA every 60000 ms');
  });
});

describe('grid', () => {
  it('computes arithmetic and geometric levels', () => {
    expect(gridLevels({ lower: 90, upper: 110, levels: 5, spacing: 'arithmetic' })).toEqual([90, 95, 100, 105, 110]);
    const g = gridLevels({ lower: 100, upper: 400, levels: 3, spacing: 'geometric' });
    expect(g[1]).toBeCloseTo(200, 9);
  });

  it('places buys below the price, sells one level up after a fill, re-arms after the sell', async () => {
    const h = harness();
    h.runner.add(new GridStrategy({ lower: 90, upper: 110, levels: 5, quantityPerLevel: 0.1 }), {
      id: 'g',
      symbols: ['BTC-USD'],
    });
    await h.runner.start();
    await h.bar(barsFrom([102])[0]!);
    expect(h.execution.requests.map((r) => `${r.side}@${String(r.limitPrice)}`)).toEqual([
      'buy@90',
      'buy@95',
      'buy@100',
    ]);
    expect(h.execution.requests[2]!.reason).toContain('grid level 3/5 buy at 100');
    await h.fill('order-3');
    expect(h.execution.requests.at(-1)).toMatchObject({ side: 'sell', type: 'limit' });
    expect(String(h.execution.requests.at(-1)!.limitPrice)).toBe('105');
    await h.bar(barsFrom([103], 'BTC-USD', h.clock.now())[0]!);
    expect(h.execution.requests).toHaveLength(4); // level 100 is busy until its sell fills
    await h.fill('order-4');
    await h.bar(barsFrom([103], 'BTC-USD', h.clock.now())[0]!);
    expect(`${h.execution.requests.at(-1)!.side}@${String(h.execution.requests.at(-1)!.limitPrice)}`).toBe('buy@100');
  });

  it('says why lower ≥ upper is impossible', () => {
    expect(() => new GridStrategy({ lower: 10, upper: 5, quantityPerLevel: 1 })).toThrow(/grid would be empty/);
  });
});

describe('market_making', () => {
  const q = (t: number, bid: number, ask: number) => ({ symbol: 'BTC-USD', timestamp: T0 + t, bid, ask });

  it('quotes around the mid when the spread is wide enough, skews with inventory, refreshes on moves', async () => {
    const h = harness();
    const mm = new MarketMakingStrategy({
      minSpread: 0.001,
      halfSpread: 0.01,
      orderSize: 1,
      maxInventory: 2,
      inventorySkew: 1,
    });
    h.runner.add(mm, { id: 'mm', symbols: ['BTC-USD'] });
    await h.runner.start();
    await h.quote(q(0, 99.99, 100.01)); // spread 0.02% < 0.1%: stays out
    expect(h.execution.requests).toHaveLength(0);
    await h.quote(q(1000, 99.5, 100.5)); // spread 1%: quotes (moved > threshold since the first look)
    expect(h.execution.requests.map((r) => `${r.side}@${String(r.limitPrice)}`)).toEqual(['buy@99']);
    expect(h.execution.requests[0]!.reason).toMatch(/^bid 1% below mid 100, market spread 1% ≥ 0\.1%, inventory 0\/2/);
    await h.fill('order-1'); // long 1: the next quotes lean down by half a half-spread
    await h.quote(q(2000, 100.5, 101.5)); // mid 101: refresh
    const last = h.execution.requests.slice(-2).map((r) => `${r.side}@${String(r.limitPrice)}`);
    expect(last).toEqual(['buy@99.48', 'sell@101.51']); // 101 × 0.985 rounded down, 101 × 1.005 rounded up (never a worse price)
  });

  it('cancels quotes an earlier run left working, and only its own', async () => {
    const h = harness();
    const quote = { symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '1', limitPrice: '99' } as const;
    const old = await h.execution.submit({ ...quote, strategyId: 'mm', reason: 'an earlier run' });
    const other = await h.execution.submit({ ...quote, strategyId: 'trend', reason: 'another strategy' });
    h.runner.add(new MarketMakingStrategy({ halfSpread: 0.01, orderSize: 1, maxInventory: 2 }), {
      id: 'mm',
      symbols: ['BTC-USD'],
    });
    await h.runner.start();
    expect(h.execution.canceled).toEqual([old.clientOrderId]);
    expect(h.execution.getOrder(other.clientOrderId)?.status).toBe('open');
  });

  it('keeps the opposite order hanging after a fill and cancels it when the mid moves too far', async () => {
    const h = harness();
    h.portfolio.applyFill(
      (await import('../../src/model/fill.ts')).createFill({
        id: 'seed',
        clientOrderId: 'seed',
        symbol: 'BTC-USD',
        side: 'buy',
        quantity: '1',
        price: '100',
        timestamp: T0,
      }),
      'mm',
    );
    const mm = new MarketMakingStrategy({
      halfSpread: 0.01,
      orderSize: 1,
      maxInventory: 5,
      inventorySkew: 0,
      hangingMaxDistance: 0.05,
    });
    h.runner.add(mm, { id: 'mm', symbols: ['BTC-USD'] });
    await h.runner.start();
    await h.quote(q(0, 99.5, 100.5));
    expect(h.execution.requests.map((r) => r.side)).toEqual(['buy', 'sell']);
    await h.fill('order-1'); // bid filled: the ask (order-2) hangs
    await h.quote(q(1000, 101.5, 102.5)); // refresh: order-2 is not canceled
    expect(h.execution.canceled).not.toContain('order-2');
    await h.quote(q(2000, 109.5, 110.5)); // 101 vs 110: > 5% away, canceled
    expect(h.execution.canceled).toContain('order-2');
  });

  it('refuses an order size above the inventory limit', () => {
    expect(() => new MarketMakingStrategy({ orderSize: 2, maxInventory: 1 })).toThrow(
      /single bid would break the limit/,
    );
  });
});
