// Parity on quotes (issue #5): market making over the shipped BTCUSDT best bid/ask capture, through the backtester
// and through paper trading against the HTTP simulator, places the same limit orders (same prices), cancels and
// requotes at the same quotes, and gets the same fills. The simulator runs the backtester's fill model (limit orders
// fill whole at the touch, cancels settle at once), so the fill price tolerance is zero; see bars.test.ts.
import { describe, expect, it } from 'vitest';
import { toPlain } from '../../src/core/decimal.ts';
import { fillLine, runParity } from './compare.ts';
import { orderShape } from './recorder.ts';

const BBO = 'data/sample/btcusdt_bbo.csv.gz';
const FIRST_QUOTE = 1723161254087; // 2024-08-08T23:54:14.087Z, the capture's first row

describe('backtest / paper parity on quotes', () => {
  it('market making: same quotes placed, same cancels, same fills', async () => {
    const run = await runParity({
      paths: [BBO],
      from: FIRST_QUOTE,
      to: FIRST_QUOTE + 40_000,
      strategy: 'market_making',
      // The capture's spread is one cent: quote inside any spread, 1 bp from the mid, requote every 5 s.
      params: { minSpread: 0, halfSpread: 0.0001, refreshIntervalMs: 5000 },
      feeRate: '0',
    });
    const { backtest, paper } = run;
    expect(run.data.ticks.length).toBeGreaterThan(3000);
    expect(backtest.orders.length).toBeGreaterThanOrEqual(15);
    expect(run.backtestFills.length).toBeGreaterThanOrEqual(5);
    expect(backtest.orders.every((o) => o.type === 'limit' && o.limitPrice !== null)).toBe(true);
    expect(backtest.result.warnings).toEqual([]);
    expect(paper.result.warnings).toEqual([]);
    expect(orderShape(paper.orders)).toEqual(orderShape(backtest.orders));
    expect(paper.orders.map((o) => `${o.time} ${o.clientOrderId}`)).toEqual(
      backtest.orders.map((o) => `${o.time} ${o.clientOrderId}`),
    );
    expect(run.paperFills.map(fillLine)).toEqual(run.backtestFills.map(fillLine));
    expect(toPlain(paper.result.finalCash)).toBe(backtest.result.finalCash);
    expect(paper.result.venueCash).toBe(backtest.result.finalCash);
    expect(paper.result.venueHoldings.BTC ?? '0').toBe(paper.result.positions['BTC-USD']);
  }, 60_000);
});
