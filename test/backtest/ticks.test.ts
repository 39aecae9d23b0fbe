import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import { factoryOf, QuoteScripted, T0, tempDir, writeQuotes, type QuoteAction } from './helpers.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const QUOTES = [
  [100, 100.1],
  [100.2, 100.3],
  [99.4, 99.5],
  [99.0, 99.1],
  [101, 101.1],
] as const;

async function run(script: Map<number, QuoteAction>, participation?: number) {
  const file = writeQuotes(dir.dir, QUOTES);
  const strategy = new QuoteScripted(script);
  const result = await runBacktest(
    {
      strategy: 'scripted',
      data: [file],
      cash: '10000',
      feeRate: '0',
      ...(participation !== undefined && { participation }),
    },
    { createStrategy: factoryOf(strategy) },
  );
  return { strategy, result };
}

describe('quote-driven fills on tick data', () => {
  it('fills a market buy at the next quote’s ask', async () => {
    const { strategy, result } = await run(
      new Map([[0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'test' })]]),
    );
    expect(result.dataKind).toBe('ticks');
    expect(strategy.fills.map((f) => f.price.toFixed())).toEqual(['100.3']);
    expect(strategy.fills[0]?.timestamp).toBe(T0 + 1000);
  });

  it('fills a resting buy limit at the ask once the ask reaches the limit', async () => {
    const { strategy } = await run(
      new Map([[0, (ctx) => ctx.orders.limit('BTC-USD', 'buy', '1', '99.6', { reason: 'dip' })]]),
    );
    expect(strategy.fills.map((f) => `${f.price.toFixed()}@${f.timestamp - T0}`)).toEqual(['99.5@2000']);
  });

  it('with a participation, a limit order takes that share of the quoted size per quote', async () => {
    // Every quote shows 2.5 at the ask: half of it is 1.25 per quote, so a buy of 2 fills over two quotes.
    const buy: QuoteAction = (ctx) => ctx.orders.limit('BTC-USD', 'buy', '2', '99.6', { reason: 'dip' });
    const { strategy } = await run(new Map([[0, buy]]), 0.5);
    expect(strategy.fills.map((f) => `${f.quantity.toFixed()}@${f.price.toFixed()}@${f.timestamp - T0}`)).toEqual([
      '1.25@99.5@2000',
      '0.75@99.1@3000',
    ]);
    // Without one, the order fills whole on the first quote that reaches it.
    const whole = await run(new Map([[0, buy]]));
    expect(whole.strategy.fills.map((f) => `${f.quantity.toFixed()}@${f.price.toFixed()}`)).toEqual(['2@99.5']);
  });

  it('fills a sell limit at the bid once the bid reaches it', async () => {
    const { strategy } = await run(
      new Map<number, QuoteAction>([
        [0, (ctx) => ctx.orders.market('BTC-USD', 'buy', '1', { reason: 'in' })],
        [2, (ctx) => ctx.orders.limit('BTC-USD', 'sell', '1', '100.5', { reason: 'out' })],
      ]),
    );
    expect(strategy.fills.map((f) => `${f.side}@${f.price.toFixed()}`)).toEqual(['buy@100.3', 'sell@101']);
  });
});
