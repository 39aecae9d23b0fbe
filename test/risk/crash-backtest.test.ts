// The drawdown halt through a full backtest (runBacktest with the RiskEngine as its gate) on the August-2024 crash:
// a DCA strategy keeps buying BTC every two hours; the halt must fire at the bar an independent equity curve (from the
// result's fills and the bar closes) says, and every buy after it must be denied for that halt.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import { registryStrategyFactory } from '../../src/backtest/strategy-source.ts';
import { openBars } from '../../src/data/historical/index.ts';
import type { Bar } from '../../src/model/market.ts';
import { RiskEngine, type RiskStateChanged } from '../../src/risk/index.ts';
import { riskConfig } from './helpers.ts';

const FILE = resolve(import.meta.dirname, '../../../shared/data/binance-spot-1m-2024-08/BTC_USDT-1m.csv.gz');
const MAX_DRAWDOWN = 0.1;

describe.skipIf(!existsSync(FILE))('drawdown halt in a backtest of the August-2024 crash', () => {
  it('fires at the bar the independent equity curve predicts; no buy is approved after it', async () => {
    let engine: RiskEngine | undefined;
    const changes: RiskStateChanged[] = [];
    const result = await runBacktest(
      {
        strategy: 'dca',
        params: { mode: 'time', amount: 1000, everyBars: 120 },
        data: [FILE],
        cash: '100000',
        feeRate: '0',
        to: Date.UTC(2024, 7, 8),
      },
      {
        createStrategy: registryStrategyFactory,
        riskFactory: (c) =>
          (engine = new RiskEngine({
            // Only the drawdown limit binds: the other limits are opened wide so that it is the one that fires.
            config: riskConfig({
              max_drawdown: MAX_DRAWDOWN,
              daily_loss_limit: 1,
              max_position_risk: 1,
              max_portfolio_risk: 1,
              max_gross_exposure: 1,
              max_asset_concentration: 1,
              order_rate_limit: 1000,
              stale_data_ms: 86_400_000,
            }),
            clock: c.clock,
            market: c.market,
            portfolio: c.portfolio,
            pairs: c.pairs,
            openOrders: c.openOrders,
            varEveryMs: 86_400_000,
            onEvent: (e) => {
              if (e.type === 'RiskStateChanged') changes.push(e);
            },
          })),
      },
    );
    expect(engine?.state).toBe('HALTED');
    const halt = changes.find((e) => e.state === 'HALTED')!;
    expect(halt.reasons[0]).toMatch(/^drawdown 10\.\d\d% from peak/);

    // Independent equity curve: cash and quantity from the fills, marked at each bar's close.
    const bars: Bar[] = [];
    for await (const b of openBars(FILE, { mapUsdtToUsd: true })) if (b.timestamp < Date.UTC(2024, 7, 8)) bars.push(b);
    const fills = result.fills.map((f) => ({ ...f, t: Date.parse(f.time), q: Number(f.quantity), p: Number(f.price) }));
    expect(fills.length).toBeGreaterThan(10);
    expect(fills.every((f) => f.side === 'buy')).toBe(true);
    let cash = 100_000;
    let quantity = 0;
    let next = 0;
    let peak = -Infinity;
    let expected: Bar | undefined;
    for (const b of bars) {
      const close = b.timestamp + b.intervalMs;
      while (next < fills.length && fills[next]!.t <= close) {
        cash -= fills[next]!.q * fills[next]!.p;
        quantity += fills[next]!.q;
        next++;
      }
      const equity = cash + quantity * b.close;
      peak = Math.max(peak, equity);
      if (equity <= peak * (1 - MAX_DRAWDOWN) + 1e-6) {
        expected = b;
        break;
      }
    }
    expect(expected).toBeDefined();
    // The halt is stamped at that bar (its open or close time, as the backtester feeds equity), not a bar earlier.
    expect(halt.timestamp).toBeGreaterThan(expected!.timestamp - expected!.intervalMs);
    expect(halt.timestamp).toBeLessThanOrEqual(expected!.timestamp + expected!.intervalMs);

    // Nothing that adds risk after the halt: no fill later, and every later buy denied for the halt.
    expect(fills.every((f) => f.t <= halt.timestamp)).toBe(true);
    const after = result.denied.filter((d) => d.timestamp >= halt.timestamp);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((d) => d.rule === 'halted' && /drawdown 10\.\d\d% from peak/.test(d.reason))).toBe(true);
    // Before the halt the risk engine denied nothing. The venue refuses the last DCA buys before it for insufficient
    // buying power: the cash is spent, and a market buy reserves its amount plus the venue's price collar.
    const before = result.denied.filter((d) => d.timestamp < halt.timestamp);
    expect(before.filter((d) => d.rule !== 'venue')).toEqual([]);
  }, 120_000);
});
