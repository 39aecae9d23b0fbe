import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/clock.ts';
import { BestBidAskPoller, intervalForBudget } from '../../src/data/best-bid-ask-poller.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import type { FeedStatus } from '../../src/data/feed.ts';
import type { Quote } from '../../src/model/market.ts';

/** Lets the promise of a poll settle (the fetcher stub answers at once). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** Advances one second at a time, letting each poll answer before the next tick (as real time would). */
async function stepTo(clock: SimulatedClock, target: number): Promise<void> {
  while (clock.now() < target) {
    clock.advanceTo(Math.min(target, clock.now() + 1000));
    await settle();
  }
}

function setup(overrides: { fail?: () => boolean; prices?: Map<string, number> } = {}) {
  const clock = new SimulatedClock(0);
  const calls: string[][] = [];
  const prices = overrides.prices ?? new Map([['BTC-USD', 100], ['ETH-USD', 10]]);
  const cache = new MarketDataCache();
  const seen: Array<{ quote: Quote; cached: Quote | undefined }> = [];
  const statuses: FeedStatus[] = [];
  const poller = new BestBidAskPoller({
    clock,
    cache,
    requestsPerMinute: 60,
    staleAfterMs: 5000,
    symbols: ['BTC-USD', 'ETH-USD'],
    fetch: (symbols) => {
      calls.push([...symbols]);
      if (overrides.fail?.() === true) return Promise.reject(new Error('HTTP 503'));
      return Promise.resolve(
        symbols.map((symbol) => {
          const p = prices.get(symbol) ?? 1;
          return { symbol, timestamp: clock.now(), bid: p - 0.5, ask: p + 0.5 };
        }),
      );
    },
    onEvent: (e) => {
      if (e.type === 'quote') seen.push({ quote: e.quote, cached: cache.quote(e.quote.symbol) });
      if (e.type === 'status') statuses.push(e.status);
    },
  });
  return { clock, calls, prices, cache, seen, statuses, poller };
}

describe('BestBidAskPoller', () => {
  it('interval from the budget', () => {
    expect(intervalForBudget(60, 250, 60_000)).toBe(1000);
    expect(intervalForBudget(1000, 250, 60_000)).toBe(250);
    expect(intervalForBudget(0.5, 250, 60_000)).toBe(60_000);
    expect(() => intervalForBudget(0, 250, 60_000)).toThrow(/positive/);
  });

  it('one request for every symbol per poll; quotes go to the cache before the handler', async () => {
    const { clock, calls, seen, poller } = setup();
    await poller.start();
    clock.advanceTo(1000);
    await settle();
    expect(calls).toEqual([['BTC-USD', 'ETH-USD']]);
    expect(seen.map((s) => s.quote.symbol)).toEqual(['BTC-USD', 'ETH-USD']);
    for (const s of seen) expect(s.cached).toBe(s.quote);
    clock.advanceTo(2000); // unchanged quotes are not re-published
    await settle();
    expect(calls).toHaveLength(2);
    expect(seen).toHaveLength(2);
    await poller.stop();
  });

  it('adapts the interval when the budget changes', async () => {
    const { clock, calls, poller } = setup();
    await poller.start();
    await stepTo(clock, 3000);
    expect(calls).toHaveLength(3);
    poller.setBudget(12); // 5 s
    expect(poller.intervalMs).toBe(5000);
    clock.advanceTo(7999);
    await settle();
    expect(calls).toHaveLength(3);
    clock.advanceTo(8000);
    await settle();
    expect(calls).toHaveLength(4);
    await poller.stop();
  });

  it('reports stale quotes when prices stop changing, and fresh again when they move', async () => {
    const { clock, prices, statuses, poller } = setup();
    await poller.start();
    for (let t = 1000; t <= 6000; t += 1000) {
      await stepTo(clock, t);
      prices.set('ETH-USD', 10 + t / 1000); // ETH moves, BTC does not
    }
    expect(poller.staleSymbols).toEqual(['BTC-USD']); // unchanged since its first answer at t=1000
    const stale = statuses.find((s) => s.state === 'stale');
    expect(stale).toMatchObject({ feed: 'robinhood-best-bid-ask', symbols: ['BTC-USD'] });
    prices.set('BTC-USD', 101);
    await stepTo(clock, 7000);
    expect(poller.status).toBe('connected');
    expect(poller.staleSymbols).toEqual([]);
    await poller.stop();
    expect(statuses.at(-1)?.state).toBe('stopped');
  });

  it('counts errors, never throws, and goes stale when nothing answers', async () => {
    const clock = new SimulatedClock(0);
    let failing = true;
    const errors: number[] = [];
    const statuses: FeedStatus[] = [];
    const poller = new BestBidAskPoller({
      clock,
      requestsPerMinute: 60,
      staleAfterMs: 3000,
      symbols: ['BTC-USD'],
      fetch: () =>
        failing
          ? Promise.reject(new Error('HTTP 503'))
          : Promise.resolve([{ symbol: 'BTC-USD', timestamp: clock.now(), bid: 1, ask: 2 }]),
      onError: (_e, n) => errors.push(n),
      onEvent: (e) => {
        if (e.type === 'status') statuses.push(e.status);
      },
    });
    await poller.start();
    await stepTo(clock, 3000);
    expect(poller.stats).toMatchObject({ polls: 3, errors: 3, consecutiveErrors: 3, lastError: 'HTTP 503' });
    expect(errors).toEqual([1, 2, 3]);
    expect(poller.status).toBe('stale');
    expect(statuses.find((s) => s.state === 'stale')?.reason).toMatch(/HTTP 503/);
    failing = false;
    await stepTo(clock, 4000);
    expect(poller.stats.consecutiveErrors).toBe(0);
    expect(poller.status).toBe('connected');
    await poller.stop();
  });

  it('skips a tick while the previous request is still out', async () => {
    const clock = new SimulatedClock(0);
    let release: (() => void) | undefined;
    const poller = new BestBidAskPoller({
      clock,
      requestsPerMinute: 60,
      symbols: ['BTC-USD'],
      fetch: () =>
        new Promise((resolve) => {
          release = () => resolve([]);
        }),
    });
    await poller.start();
    clock.advanceTo(3000);
    expect(poller.stats).toMatchObject({ polls: 1, skipped: 2 });
    release?.();
    await settle();
    clock.advanceTo(4000);
    expect(poller.stats.polls).toBe(2);
    release?.();
    await poller.stop();
  });
});
