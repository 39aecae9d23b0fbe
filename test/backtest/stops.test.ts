// Default stops in a backtest: every level is emulated from the bar's price path, which stops at the level; the exit
// is a market sell that fills at the level's price as soon as it can (latency + 1 ms), attributed to the strategy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestRunOptions } from '../../src/backtest/engine.ts';
import {
  factoryOf,
  HOUR,
  QuoteScripted,
  ScriptedStrategy,
  T0,
  tempDir,
  writeBars,
  writeQuotes,
  type Action,
  type Ohlc,
  type QuoteAction,
} from './helpers.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const buyAtFirstClose = new Map<number, Action>([
  [0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'entry' })],
]);

async function run(bars: readonly Ohlc[], options: Partial<BacktestRunOptions>, extra: Record<string, unknown> = {}) {
  const file = writeBars(dir.dir, bars);
  const strategy = new ScriptedStrategy(buyAtFirstClose);
  const result = await runBacktest(
    { strategy: 'scripted', data: [file], cash: '10000', feeRate: '0', ...extra },
    { createStrategy: factoryOf(strategy), ...options },
  );
  return { strategy, result };
}

const STOPS = { stopLoss: 0.05, takeProfit: 0.15 };

describe('stops in a backtest', () => {
  it('a crossed stop-loss sells the position at the stop level, inside the bar that crossed it', async () => {
    // Entry at 100 (bar 1 open); stop 95. Bar 2 opens 99, falls to 90 (O→H→L→C): the path passes 95 on the way.
    const { strategy, result } = await run(
      [
        [100, 101, 99, 100],
        [100, 101, 98.5, 99],
        [99, 99.5, 90, 91],
        [91, 92, 90, 91],
      ],
      { stops: STOPS },
    );
    expect(strategy.fills.map((f) => [f.side, f.price.toFixed()])).toEqual([
      ['buy', '100'],
      ['sell', '95'],
    ]);
    const exit = strategy.fills[1]!;
    expect(exit.timestamp).toBeGreaterThan(T0 + 2 * HOUR);
    expect(exit.timestamp).toBeLessThan(T0 + 3 * HOUR);
    expect(result.fills[1]?.strategyId).toBe('scripted');
    expect(result.finalCash).toBe('9995');
  });

  it('a take-profit sells at its target; without stops the position is simply held', async () => {
    const bars: Ohlc[] = [
      [100, 101, 99, 100],
      [100, 101, 99.5, 101],
      [101, 120, 100.5, 119], // up bar: O→L→H→C, passes 115 on the way up
      [119, 121, 118, 120],
    ];
    const withStops = await run(bars, { stops: STOPS });
    expect(withStops.strategy.fills.map((f) => [f.side, f.price.toFixed()])).toEqual([
      ['buy', '100'],
      ['sell', '115'],
    ]);
    const without = await run(bars, {});
    expect(without.strategy.fills.map((f) => f.side)).toEqual(['buy']);
  });

  it('a trailing stop follows the highs and sells on the way back down', async () => {
    const { strategy } = await run(
      [
        [100, 101, 99, 100],
        [100, 101, 99.5, 101],
        [101, 110, 100.5, 109], // new high 110: the trailing stop (5%) rises to 104.5
        [109, 109.5, 100, 101], // falls through 104.5
      ],
      { stops: { stopLoss: 0.05, takeProfit: 0.5, trailing: 0.05 } },
    );
    expect(strategy.fills.map((f) => f.side)).toEqual(['buy', 'sell']);
    expect(Number(strategy.fills[1]!.price.toFixed())).toBeCloseTo(104.5, 6);
  });
});

describe('stops in a tick backtest', () => {
  it('a quote through the stop-loss sends the exit, filled at the next quote', async () => {
    const file = writeQuotes(dir.dir, [
      [100, 100.02],
      [100, 100.02],
      [99, 99.02],
      [94.9, 94.92], // the bid falls through the 5% stop below the 100.02 entry (95.019)
      [94.8, 94.82],
      [94.7, 94.72],
    ]);
    const strategy = new QuoteScripted(
      new Map<number, QuoteAction>([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'entry' })]]),
    );
    const result = await runBacktest(
      { strategy: 'scripted', data: [file], cash: '10000', feeRate: '0' },
      { createStrategy: factoryOf(strategy), stops: STOPS },
    );
    expect(result.fills.map((f) => [f.side, f.price])).toEqual([
      ['buy', '100.02'],
      ['sell', '94.8'],
    ]);
  });
});
