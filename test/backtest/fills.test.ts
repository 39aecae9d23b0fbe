import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import type { Fill } from '../../src/model/fill.ts';
import { factoryOf, HOUR, ScriptedStrategy, T0, tempDir, writeBars, type Action } from './helpers.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const BARS = [
  [100, 101, 99, 100],
  [102, 104, 101, 103], // up bar: O→L→H→C
  [103, 103.5, 95, 96], // down bar: O→H→L→C
  [96, 97, 90, 91],
  [91, 93, 90.5, 92],
] as const;

async function run(script: Map<number, Action>, extra: Record<string, unknown> = {}, bars = BARS) {
  const file = writeBars(dir.dir, bars);
  const strategy = new ScriptedStrategy(script);
  const result = await runBacktest(
    { strategy: 'scripted', data: [file], cash: '10000', feeRate: '0', ...extra },
    { createStrategy: factoryOf(strategy) },
  );
  return { strategy, result };
}

describe('fill models on bars', () => {
  it('fills a market order at the next bar open, never at the close it was decided on', async () => {
    const { strategy, result } = await run(
      new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'test' })]]),
    );
    expect(strategy.fills).toHaveLength(1);
    expect(strategy.fills[0]?.price.toFixed()).toBe('102');
    expect(strategy.fills[0]?.timestamp).toBe(T0 + HOUR + 1);
    expect(result.fills[0]?.price).toBe('102');
  });

  it('fills a buy limit at its limit when the low reaches it, and not when it does not', async () => {
    const { strategy } = await run(
      new Map<number, Action>([
        [0, (ctx) => ctx.orders.limit('BTC-USD', 'buy', '1', '96.5', { reason: 'dip' })],
        [1, (ctx) => ctx.orders.limit('BTC-USD', 'buy', '1', '89', { reason: 'never' })],
      ]),
    );
    expect(strategy.fills.map((f) => f.price.toFixed())).toEqual(['96.5']);
    // The down bar (index 2) goes O→H→L: the limit is hit on the way down, two thirds into the bar at most.
    const t = strategy.fills[0]?.timestamp ?? 0;
    expect(t).toBeGreaterThan(T0 + 2 * HOUR + HOUR / 3);
    expect(t).toBeLessThan(T0 + 2 * HOUR + (2 * HOUR) / 3);
  });

  it('fills a buy limit at the open when the bar gaps below it', async () => {
    const { strategy } = await run(
      new Map([[2, (ctx) => ctx.orders.limit('BTC-USD', 'buy', '1', '98', { reason: 'gap' })]]),
    );
    expect(strategy.fills.map((f) => f.price.toFixed())).toEqual(['96']);
  });

  it('fills a sell limit at its limit on the high', async () => {
    const { strategy } = await run(
      new Map<number, Action>([
        [0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'in' })],
        [1, (ctx) => ctx.orders.limit('BTC-USD', 'sell', '1', '103.25', { reason: 'out' })],
      ]),
    );
    expect(strategy.fills.map((f) => `${f.side}@${f.price.toFixed()}`)).toEqual(['buy@102', 'sell@103.25']);
  });

  it('triggers a stop-loss at its stop price on the way down', async () => {
    const { strategy } = await run(
      new Map<number, Action>([
        [0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'in' })],
        [1, (ctx) => ctx.orders.stopLoss('BTC-USD', 'sell', '1', '98', { reason: 'stop' })],
      ]),
    );
    expect(strategy.fills.map((f) => `${f.side}@${f.price.toFixed()}`)).toEqual(['buy@102', 'sell@98']);
  });

  it('adds slippage to market orders and the spread to the quotes', async () => {
    const { strategy } = await run(
      new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'test' })]]),
      { slippageBps: 10, spreadBps: 20 },
    );
    // ask = 102 + 0.11 (half of 20 bps = 0.102, rounded up to the cent), then +10 bps slippage, rounded up.
    expect(strategy.fills[0]?.price.toFixed()).toBe('102.22');
  });

  it('delays orders by the latency: a market order fills at the path price when it arrives', async () => {
    const at = async (latencyMs: number): Promise<string | undefined> => {
      const { strategy } = await run(
        new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'test' })]]),
        { latencyMs },
      );
      return strategy.fills[0]?.price.toFixed();
    };
    // Bar 1 is an up bar: from its open (102) the path falls to the low (101) a third into the hour. A minute in, the
    // price is 102 − 1/20 (on the cent grid); a millisecond in, still the open — never the bar's extreme.
    expect(await at(60_000)).toBe('101.95');
    expect(await at(1)).toBe('102');
    expect(await at(0)).toBe('102');
    // Arriving after the bar's end: the next bar's open.
    expect(await at(3_600_000)).toBe('103');
  });

  it('charges the flat fee rate on the notional', async () => {
    const { strategy, result } = await run(
      new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'test' })]]),
      { feeRate: '0.001' },
    );
    expect(strategy.fills[0]?.fee.toFixed()).toBe('0.102');
    expect(result.metrics.feesPaid).toBe('0.102');
  });

  it('charges the Robinhood tier fee when no flat rate is given', async () => {
    const file = writeBars(dir.dir, BARS);
    const strategy = new ScriptedStrategy(
      new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'test' })]]),
    );
    await runBacktest({ strategy: 's', data: [file] }, { createStrategy: factoryOf(strategy) });
    expect(strategy.fills[0]?.fee.toFixed()).toBe('0.969'); // 0.95 % below 50k of 30-day volume
  });
});

describe('orders placed inside a bar', () => {
  it('a sell placed on a fill mid-bar fills at its limit later in the same bar, not at the extreme', async () => {
    class BuyThenSell extends ScriptedStrategy {
      override async onFill(fill: Fill): Promise<void> {
        await super.onFill(fill);
        if (fill.side === 'buy') await this.ctx.orders.limit('BTC-USD', 'sell', '1', '104', { reason: 'tp' });
      }
    }
    const file = writeBars(dir.dir, [
      [100, 101, 99, 100],
      [102, 106, 98, 105], // up bar: O→L→H→C crosses 99 down, then 104 up
      [105, 105, 104.5, 105],
    ]);
    const strategy = new BuyThenSell(
      new Map([[0, (ctx) => ctx.orders.limit('BTC-USD', 'buy', '1', '99', { reason: 'dip' })]]),
    );
    await runBacktest({ strategy: 's', data: [file], feeRate: '0' }, { createStrategy: factoryOf(strategy) });
    expect(strategy.fills.map((f) => `${f.side}@${f.price.toFixed()}`)).toEqual(['buy@99', 'sell@104']);
    expect(strategy.fills[1]?.timestamp).toBeLessThan(T0 + 2 * HOUR);
  });
});

describe('starting holdings', () => {
  it('can be sold from the first bar and are valued at the first open', async () => {
    const file = writeBars(dir.dir, BARS);
    const strategy = new ScriptedStrategy(
      new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'sell', '2', { reason: 'out' })]]),
    );
    const result = await runBacktest(
      { strategy: 's', data: [file], feeRate: '0', cash: '0', holdings: { 'BTC-USD': '2' } },
      { createStrategy: factoryOf(strategy) },
    );
    expect(result.metrics.startEquity).toBe(200); // 2 × the first close (100)
    expect(strategy.fills.map((f) => `${f.side}@${f.price.toFixed()}`)).toEqual(['sell@102']);
    expect(result.finalCash).toBe('204');
  });

  it('of a symbol the data do not price are refused, not ignored', async () => {
    const file = writeBars(dir.dir, BARS);
    await expect(
      runBacktest(
        { strategy: 's', data: [file], holdings: { 'ETH-USD': '1' } },
        { createStrategy: factoryOf(new ScriptedStrategy(new Map())) },
      ),
    ).rejects.toThrow('holdings ETH-USD: the data have no prices for it (they hold BTC-USD)');
  });
});

describe('denied orders', () => {
  it('records a venue rejection with its reason in the result', async () => {
    const { strategy, result } = await run(
      new Map([[0, (ctx) => ctx.orders.limit('BTC-USD', 'buy', '15', '900', { reason: 'too big' })]]),
    );
    expect(strategy.fills).toHaveLength(0);
    expect(result.denied).toHaveLength(1);
    expect(result.denied[0]).toMatchObject({ symbol: 'BTC-USD', side: 'buy', rule: 'venue' });
    expect(result.denied[0]?.reason).toMatch(/buying power/);
  });
});

describe('Robinhood fee tiers', () => {
  it('follow the rolling 30-day volume: down a tier after $50k, back up when it ages out', async () => {
    const flat: Array<readonly [number, number, number, number]> = [];
    for (let i = 0; i < 800; i++) flat.push([60000, 60000, 60000, 60000]);
    const file = writeBars(dir.dir, flat);
    const strategy = new ScriptedStrategy(
      new Map<number, Action>([
        [0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'a' })],
        [5, (ctx) => ctx.orders.market('BTC-USD', 'sell', '1', { reason: 'b' })],
        [760, (ctx) => ctx.orders.market('BTC-USD', 'buy', '0.5', { reason: 'c' })],
      ]),
    );
    await runBacktest({ strategy: 's', data: [file], cash: '70000' }, { createStrategy: factoryOf(strategy) });
    // 0.95 % under $50k of volume, 0.75 % from $50k, 0.95 % again once the first fills are 30 days old.
    expect(strategy.fills.map((f) => f.fee.toFixed())).toEqual(['570', '450', '285']);
  });
});

describe('no look-ahead', () => {
  it('shows a strategy each bar only after it closed, with the cache already holding it', async () => {
    const { strategy } = await run(new Map());
    expect(strategy.seen).toHaveLength(BARS.length);
    for (const s of strategy.seen) {
      expect(s.now).toBe(s.bar.timestamp + HOUR);
      expect(s.cachedLast).toBe(s.bar);
    }
  });
});
