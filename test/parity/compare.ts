// Runs one strategy over one data set through the backtester and through the paper path, and puts the two order
// and fill lists side by side.
import { runBacktest } from '../../src/backtest/engine.ts';
import { loadData, type LoadedData } from '../../src/backtest/data.ts';
import type { BacktestResult } from '../../src/backtest/result.ts';
import { runPaper, type PaperMarket, type PaperResult } from './paper-run.ts';
import { OrderRecorder, type FillRow } from './recorder.ts';

export interface ParityCase {
  readonly paths: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly strategy: string;
  readonly params: Record<string, unknown>;
  /** Parameters of the paper side when they differ (to show that the comparison can fail). */
  readonly paperParams?: Record<string, unknown>;
  readonly cash?: string;
  readonly feeRate?: string;
  readonly budget?: string;
  readonly spreadBps?: number;
  readonly slippageBps?: number;
  readonly seed?: number;
  /** Default: the backtester's fill model on the simulator. */
  readonly paperMarket?: 'backtest' | 'simulator';
}

export interface ParityRun {
  readonly data: LoadedData;
  readonly backtest: { readonly result: BacktestResult; readonly orders: OrderRecorder['orders'] };
  readonly paper: { readonly result: PaperResult; readonly orders: OrderRecorder['orders'] };
  /** Both fill lists as rows, ordered by time then client order id (fills of one instant may arrive in any order). */
  readonly backtestFills: FillRow[];
  readonly paperFills: FillRow[];
}

const byTimeThenId = (a: FillRow, b: FillRow): number =>
  a.time - b.time || a.clientOrderId.localeCompare(b.clientOrderId);

export async function runParity(c: ParityCase): Promise<ParityRun> {
  const data = await loadData({
    paths: c.paths,
    ...(c.from !== undefined && { from: c.from }),
    ...(c.to !== undefined && { to: c.to }),
  });
  const cash = c.cash ?? '10000';
  const seed = c.seed ?? 3;
  const spreadBps = c.spreadBps ?? 0;
  const slippageBps = c.slippageBps ?? 0;
  const bt = new OrderRecorder();
  const result = await runBacktest(
    {
      strategy: c.strategy,
      params: c.params,
      data: [...c.paths],
      cash,
      seed,
      spreadBps,
      slippageBps,
      ...(c.feeRate !== undefined && { feeRate: c.feeRate }),
      ...(c.budget !== undefined && { budget: c.budget }),
    },
    { createStrategy: bt.factory, data },
  );
  const paper = new OrderRecorder();
  const market: PaperMarket =
    c.paperMarket === 'simulator' ? { kind: 'simulator' } : { kind: 'backtest', spreadBps, slippageBps };
  const paperResult = await runPaper(
    data,
    {
      strategy: c.strategy,
      params: c.paperParams ?? c.params,
      cash,
      seed,
      market,
      ...(c.feeRate !== undefined && { feeRate: c.feeRate }),
      ...(c.budget !== undefined && { budget: c.budget }),
    },
    paper,
  );
  const backtestFills = result.fills
    .map((f) => ({
      clientOrderId: f.clientOrderId,
      time: Date.parse(f.time),
      symbol: f.symbol,
      side: f.side,
      quantity: f.quantity,
      price: f.price,
      fee: f.fee,
    }))
    .sort(byTimeThenId);
  return {
    data,
    backtest: { result, orders: bt.orders },
    paper: { result: paperResult, orders: paper.orders },
    backtestFills,
    paperFills: [...paperResult.fills].sort(byTimeThenId),
  };
}

/** A fill as one comparable line. */
export const fillLine = (f: FillRow): string =>
  `${new Date(f.time).toISOString()} ${f.clientOrderId} ${f.symbol} ${f.side} ${f.quantity} @ ${f.price} fee ${f.fee}`;
