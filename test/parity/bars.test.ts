// Parity on bars: trend and mean reversion over the shipped hourly BTC bars, through the backtester and through a
// paper session against the HTTP simulator, must place the same orders and get the same fills.
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import { loadData } from '../../src/backtest/data.ts';
import { toPlain } from '../../src/core/decimal.ts';
import { runPaper } from './paper-run.ts';
import { OrderRecorder, orderShape } from './recorder.ts';

const BTC = 'data/sample/BTC_USDT-1h.csv.gz';

describe('backtest / paper parity on bars', () => {
  it('trend: same orders, same fills', async () => {
    const from = Date.UTC(2025, 5, 1);
    const to = Date.UTC(2025, 6, 1);
    const data = await loadData({ paths: [BTC], from, to });
    const params = { fast: 5, slow: 20, fraction: 0.5 };
    const bt = new OrderRecorder();
    const t0 = Date.now();
    const result = await runBacktest(
      { strategy: 'trend', params, data: [BTC], from, to, cash: '10000', feeRate: '0.001', seed: 3 },
      { createStrategy: bt.factory, data },
    );
    const t1 = Date.now();
    const paper = new OrderRecorder();
    const p = await runPaper(
      data,
      { strategy: 'trend', params, cash: '10000', feeRate: '0.001', seed: 3, market: { kind: 'backtest', spreadBps: 0, slippageBps: 0 } },
      paper,
    );
    console.log('bt ms', t1 - t0, 'paper ms', Date.now() - t1, bt.orders.length, paper.orders.length);
    expect(orderShape(paper.orders)).toEqual(orderShape(bt.orders));
    expect(p.fills.map((f) => `${f.clientOrderId} ${f.side} ${f.quantity}@${f.price} fee ${f.fee} t${f.time}`)).toEqual(
      result.fills.map((f) => `${f.clientOrderId} ${f.side} ${f.quantity}@${f.price} fee ${f.fee} t${Date.parse(f.time)}`),
    );
    expect(toPlain(p.finalCash)).toBe(result.finalCash);
  }, 120_000);
});
