// The drawdown halt on the August-2024 crash: fully invested in BTC, marked every 1-minute bar, the engine must halt
// at exactly the first bar whose equity is max_drawdown below the running peak (computed independently here).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, roundDown } from '../../src/core/decimal.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import { openBars } from '../../src/data/historical/index.ts';
import type { Bar } from '../../src/model/market.ts';
import { Portfolio } from '../../src/portfolio/index.ts';
import { RiskEngine } from '../../src/risk/index.ts';
import { pair, riskConfig } from './helpers.ts';

const FILE = resolve(import.meta.dirname, '../../../shared/data/binance-spot-1m-2024-08/BTC_USDT-1m.csv.gz');

describe.skipIf(!existsSync(FILE))('drawdown halt on the August-2024 crash', () => {
  it('fires at the first bar 15% below the running equity peak, and not before', async () => {
    const bars: Bar[] = [];
    for await (const b of openBars(FILE, { mapUsdtToUsd: true })) bars.push(b);
    expect(bars.length).toBeGreaterThan(10_000);
    const first = bars[0]!;
    const clock = new SimulatedClock(first.timestamp);
    const cache = new MarketDataCache();
    const portfolio = new Portfolio({ clock, config: { startingCash: '100000' } });
    const engine = new RiskEngine({
      config: riskConfig({ max_drawdown: 0.15, daily_loss_limit: 1 }),
      clock,
      market: cache,
      portfolio,
      pairs: new Map([['BTC-USD', pair('BTC-USD')]]),
    });
    const quantity = roundDown(dec('100000').div(dec(String(first.close))), '0.00001');
    portfolio.applyFill(
      {
        id: 'f1',
        clientOrderId: 'c1',
        symbol: 'BTC-USD',
        side: 'buy',
        quantity,
        price: dec(String(first.close)),
        fee: dec(0),
        timestamp: first.timestamp,
      },
      's',
    );
    const cash = 100_000 - Number(quantity.toFixed()) * first.close;

    // Independent expectation: equity = cash + q × close; the first bar with equity ≤ 0.85 × running peak.
    let peak = -Infinity;
    let expected = -1;
    for (let i = 0; i < bars.length; i++) {
      const equity = cash + Number(quantity.toFixed()) * bars[i]!.close;
      peak = Math.max(peak, equity);
      if (equity <= peak * 0.85 + 1e-9) {
        expected = i;
        break;
      }
    }
    expect(expected).toBeGreaterThan(0);
    expect(new Date(bars[expected]!.timestamp).toISOString().slice(0, 10)).toBe('2024-08-04'); // the slide into the 5 August crash

    let fired = -1;
    for (let i = 0; i < bars.length && fired < 0; i++) {
      const b = bars[i]!;
      clock.advanceTo(b.timestamp);
      cache.addBar(b);
      portfolio.onBar(b);
      engine.updateEquity(portfolio.equity(), b.timestamp);
      if (engine.state === 'HALTED') fired = i;
    }
    expect(fired).toBe(expected);
    expect(engine.reasons()[0]).toMatch(/^drawdown 15\.\d\d% from peak/);
  });
});
