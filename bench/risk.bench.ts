// Time of one pre-trade check through every layer, of one equity update (with and without the live VaR), and of a
// full VaR/ES update for 10 and 50 assets (the function alone, and the engine after a new bar closed).
import { defaultConfig } from '../src/config/index.ts';
import { SimulatedClock } from '../src/core/clock.ts';
import { createRandom } from '../src/core/random.ts';
import { dec } from '../src/core/decimal.ts';
import { MarketDataCache } from '../src/data/cache.ts';
import type { TradingPair } from '../src/model/trading-pair.ts';
import { Portfolio } from '../src/portfolio/index.ts';
import { RiskEngine, portfolioVar, type RiskEngineOptions } from '../src/risk/index.ts';
import { measure } from './util.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 1);

function addBars(cache: MarketDataCache, symbol: string, closes: number[], firstTime: number): void {
  closes.forEach((close, t) =>
    cache.addBar({
      symbol,
      timestamp: firstTime + t * DAY,
      intervalMs: DAY,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    }),
  );
}

/** `assets` symbols with `bars` daily bars of independent 3% random walks ending at NOW, quoted at the last close. */
function market(assets: number, bars: number): { cache: MarketDataCache; symbols: string[] } {
  const random = createRandom(7);
  const cache = new MarketDataCache();
  const symbols = Array.from({ length: assets }, (_, i) => `A${i}-USD`);
  for (const symbol of symbols) {
    let price = 100;
    const closes = Array.from({ length: bars }, () => (price *= 1 + random.normal() * 0.03));
    addBars(cache, symbol, closes, NOW - bars * DAY);
    cache.updateQuote({ symbol, timestamp: NOW, bid: price, ask: price });
  }
  return { cache, symbols };
}

function pairsOf(symbols: readonly string[]): Map<string, TradingPair> {
  return new Map(
    symbols.map((s) => [
      s,
      {
        symbol: s,
        assetCode: s.split('-')[0] ?? s,
        quoteCode: 'USD',
        assetIncrement: dec('0.0001'),
        quoteIncrement: dec('0.01'),
        minOrderSize: dec('0.0001'),
        maxOrderSize: dec('100000'),
        status: 'tradable' as const,
      },
    ]),
  );
}

/** An engine with the default limits over `assets` symbols, `held` of them held (10 units each). */
export function setup(assets: number, held: number, extra: Partial<RiskEngineOptions> = {}) {
  const clock = new SimulatedClock(NOW);
  const { cache, symbols } = market(assets, 300);
  const portfolio = new Portfolio({ clock, config: { startingCash: '1000000' } });
  for (const [i, s] of symbols.slice(0, held).entries()) {
    const price = cache.price(s) ?? 100;
    portfolio.mark(s, price);
    portfolio.applyFill(
      {
        id: `f${i}`,
        clientOrderId: `c${i}`,
        symbol: s,
        side: 'buy',
        quantity: dec('10'),
        price: dec(price.toFixed(2)),
        fee: dec(0),
        timestamp: NOW,
      },
      'bench',
    );
  }
  // Default limits, except a 1 ms rate window (the clock moves 1 ms per check) and data that never goes stale.
  const config = { ...defaultConfig().risk, order_rate_window_ms: 1, stale_data_ms: 1_000_000_000 };
  const engine = new RiskEngine({
    config,
    clock,
    market: cache,
    portfolio,
    pairs: pairsOf(symbols),
    openOrders: () => [],
    ...extra,
  });
  return { clock, cache, symbols, portfolio, engine };
}

/** Median µs per op over batches (the mean hides nothing here, but the target is stated as a median). */
async function median(name: string, batches: number, batch: number, fn: () => unknown): Promise<void> {
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e3 / batch);
  }
  times.sort((x, y) => x - y);
  console.log(`${name.padEnd(48)} median ${(times[times.length >> 1] ?? 0).toFixed(2).padStart(8)} µs/op`);
  await Promise.resolve();
}

export async function run(): Promise<void> {
  for (const held of [2, 5]) {
    const { clock, engine } = setup(10, held);
    const request = {
      symbol: 'A7-USD',
      side: 'buy' as const,
      type: 'market' as const,
      quantity: '1',
      strategyId: 'bench',
      reason: 'bench',
    };
    if (!engine.check(request).approved) throw new Error('bench request should be approved');
    const name = `risk: one pre-trade check (every layer, ${held} held)`;
    const once = (): unknown => {
      clock.advanceBy(1);
      return engine.check(request);
    };
    await measure(name, 20_000, once);
    await median(name, 200, 100, once);
  }

  // updateEquity: a quote of a held asset moves each time (so the weights change), nothing crosses a limit.
  for (const [label, extra] of [
    ['no VaR (varEveryMs = 1 day)', { varEveryMs: DAY }],
    ['with live VaR', {}],
  ] as const) {
    const { clock, cache, portfolio, engine } = setup(10, 2, extra);
    const base = cache.price('A0-USD') ?? 100;
    let i = 0;
    const once = (): unknown => {
      clock.advanceBy(1);
      const p = base * (1 + ((i++ % 20) - 10) * 1e-4);
      cache.updateQuote({ symbol: 'A0-USD', timestamp: clock.now(), bid: p, ask: p });
      portfolio.mark('A0-USD', p);
      return engine.updateEquity(portfolio.equity());
    };
    await measure(`risk: updateEquity, 2 held, ${label}`, 50_000, once);
    await median(`risk: updateEquity, 2 held, ${label}`, 200, 200, once);
    if (label === 'with live VaR') {
      const c = engine.metrics().varCounters;
      console.log(`  (historical simulation re-run on ${c?.historicalRecomputes} of ${c?.updates} updates)`);
    }
  }

  for (const assets of [10, 50]) {
    const m = market(assets, 251);
    const returns = m.symbols.map((s) => {
      const closes = m.cache.bars(s, DAY).map((b) => b.close);
      return closes.slice(1).map((c, i) => c / (closes[i] ?? c) - 1);
    });
    const weights = m.symbols.map(() => 1 / assets);
    await measure(`risk: full VaR/ES update, ${assets} assets × 250 returns`, assets === 10 ? 2000 : 200, () =>
      portfolioVar({ symbols: m.symbols, weights, returns, intervalMs: DAY }),
    );

    // The engine after a new daily bar closed for every held asset: re-align returns, moments, both methods.
    const { clock, cache, symbols, portfolio, engine } = setup(assets, assets);
    let day = 0;
    await measure(`risk: engine VaR after a bar close, ${assets} held`, assets === 10 ? 500 : 100, () => {
      day++;
      clock.advanceBy(1);
      for (const s of symbols) {
        const p = (cache.price(s) ?? 100) * (1 + ((day % 7) - 3) * 1e-3);
        cache.addBar({
          symbol: s,
          timestamp: NOW + day * DAY,
          intervalMs: DAY,
          open: p,
          high: p,
          low: p,
          close: p,
          volume: 1,
        });
      }
      return engine.updateEquity(portfolio.equity());
    });
  }
}
