// Time of one pre-trade check through every layer, and of a full VaR/ES update for 10 and 50 assets.
import { defaultConfig } from '../src/config/index.ts';
import { SimulatedClock } from '../src/core/clock.ts';
import { createRandom } from '../src/core/random.ts';
import { dec } from '../src/core/decimal.ts';
import { MarketDataCache } from '../src/data/cache.ts';
import type { TradingPair } from '../src/model/trading-pair.ts';
import { Portfolio } from '../src/portfolio/index.ts';
import { RiskEngine, portfolioVar } from '../src/risk/index.ts';
import { measure } from './util.ts';

const DAY = 86_400_000;

function market(assets: number, bars: number, now: number): { cache: MarketDataCache; symbols: string[] } {
  const random = createRandom(7);
  const cache = new MarketDataCache();
  const symbols = Array.from({ length: assets }, (_, i) => `A${i}-USD`);
  for (const symbol of symbols) {
    let price = 100;
    for (let t = 0; t < bars; t++) {
      price *= 1 + random.normal() * 0.03;
      cache.addBar({
        symbol,
        timestamp: now - (bars - t) * DAY,
        intervalMs: DAY,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: 1,
      });
    }
    cache.updateQuote({ symbol, timestamp: now, bid: price, ask: price });
  }
  return { cache, symbols };
}

export async function run(): Promise<void> {
  const now = Date.UTC(2025, 0, 1);
  const clock = new SimulatedClock(now);
  const { cache, symbols } = market(10, 300, now);
  const portfolio = new Portfolio({ clock, config: { startingCash: '1000000' } });
  const pairs = new Map<string, TradingPair>(
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
        status: 'tradable',
      },
    ]),
  );
  for (const [i, s] of symbols.slice(0, 5).entries()) {
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
        timestamp: now,
      },
      'bench',
    );
  }
  // A 1 ms rate window and a clock that moves 1 ms per check: the rate window stays short, as in live trading.
  const config = { ...defaultConfig().risk, order_rate_window_ms: 1, stale_data_ms: 1_000_000_000 };
  const engine = new RiskEngine({ config, clock, market: cache, portfolio, pairs, openOrders: () => [] });
  const request = {
    symbol: 'A7-USD',
    side: 'buy' as const,
    type: 'market' as const,
    quantity: '1',
    strategyId: 'bench',
    reason: 'bench',
  };
  if (!engine.check(request).approved) throw new Error('bench request should be approved');
  await measure('risk: one pre-trade check (every layer, 5 held)', 20_000, () => {
    clock.advanceBy(1);
    return engine.check(request);
  });

  for (const assets of [10, 50]) {
    const m = market(assets, 251, now);
    const returns = m.symbols.map((s) => {
      const closes = m.cache.bars(s, DAY).map((b) => b.close);
      return closes.slice(1).map((c, i) => c / (closes[i] ?? c) - 1);
    });
    const weights = m.symbols.map(() => 1 / assets);
    await measure(`risk: full VaR/ES update, ${assets} assets × 250 returns`, assets === 10 ? 2000 : 200, () =>
      portfolioVar({ symbols: m.symbols, weights, returns, intervalMs: DAY }),
    );
  }
}
