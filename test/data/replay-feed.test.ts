import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveClock, SimulatedClock } from '../../src/core/clock.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import type { MarketDataEvent } from '../../src/data/feed.ts';
import { openDepth, openQuotes, openTrades, SAMPLE_DATA_DIR } from '../../src/data/historical/index.ts';
import { HistoricalReplayFeed } from '../../src/data/replay-feed.ts';
import type { Bar, Quote, Trade } from '../../src/model/market.ts';

async function* list<T>(items: T[]): AsyncGenerator<T> {
  for (const i of items) yield await Promise.resolve(i);
}

const q = (timestamp: number, bid: number): Quote => ({ symbol: 'A', timestamp, bid, ask: bid + 1 });
const t = (timestamp: number, price: number): Trade => ({ symbol: 'A', timestamp, price, quantity: 1 });
const bar: Bar = { symbol: 'A', timestamp: 0, intervalMs: 1000, open: 1, high: 2, low: 1, close: 2, volume: 3 };

describe('HistoricalReplayFeed', () => {
  it('merges sources by time; a bar is replayed at its close; the clock moves to each event', async () => {
    const clock = new SimulatedClock(0);
    const seen: string[] = [];
    const timerFired: number[] = [];
    clock.setTimer(750, (now) => timerFired.push(now));
    const feed = new HistoricalReplayFeed({
      sources: [
        { kind: 'quotes', stream: list([q(500, 10), q(1500, 11)]) },
        { kind: 'trades', stream: list([t(700, 10.5), t(1000, 10.6)]) },
        { kind: 'bars', stream: list([bar]) },
      ],
      onEvent: (e) => {
        if (e.type !== 'status') seen.push(`${e.type}@${clock.now()}`);
      },
    });
    expect(await feed.advanceTo(clock, 1000)).toBe(4);
    expect(seen).toEqual(['quote@500', 'trade@700', 'trade@1000', 'bar@1000']);
    expect(timerFired).toEqual([750]);
    expect(clock.now()).toBe(1000);
    expect(await feed.runToEnd(clock)).toBe(1);
    expect(feed.done).toBe(true);
    expect(clock.now()).toBe(1500);
  });

  it('filters symbols and writes the cache before publishing', async () => {
    const clock = new SimulatedClock(0);
    const cache = new MarketDataCache();
    const checks: boolean[] = [];
    const feed = new HistoricalReplayFeed({
      symbols: ['A'],
      cache,
      sources: [{ kind: 'quotes', stream: list([q(1, 1), { ...q(2, 5), symbol: 'B' }, q(3, 2)]) }],
      onEvent: (e) => {
        if (e.type === 'quote') checks.push(cache.quote('A') === e.quote);
      },
    });
    await feed.runToEnd(clock);
    expect(checks).toEqual([true, true]);
    expect(cache.symbols()).toEqual(['A']);
  });

  it('replays the real BTCUSDT capture: trades, quotes and a gap-free book', async () => {
    const clock = new SimulatedClock(0);
    const counts: Record<string, number> = {};
    const feed = new HistoricalReplayFeed({
      sources: [
        { kind: 'depth', stream: openDepth(join(SAMPLE_DATA_DIR, 'btcusdt_depth_snapshot.csv.gz')) },
        { kind: 'depth', stream: openDepth(join(SAMPLE_DATA_DIR, 'btcusdt_depth_updates.csv.gz')) },
        { kind: 'quotes', stream: openQuotes(join(SAMPLE_DATA_DIR, 'btcusdt_bbo.csv.gz')) },
        { kind: 'trades', stream: openTrades(join(SAMPLE_DATA_DIR, 'btcusdt_trades.csv.gz')) },
      ],
      onEvent: (e: MarketDataEvent) => {
        counts[e.type] = (counts[e.type] ?? 0) + 1;
      },
    });
    let last = 0;
    for (let next = await feed.peekTime(); next !== undefined; next = await feed.peekTime()) {
      expect(next).toBeGreaterThanOrEqual(last);
      last = next;
      await feed.advanceTo(clock, next + 60_000);
    }
    expect(counts).toEqual({ status: 1, quote: 73_174, trade: 19_904, book: 6_493 });
    expect(feed.books.gaps).toEqual([]);
    expect(feed.books.book('BTC-USDT')?.isValid).toBe(true);
  });

  it('plays at a speed factor on a live clock, restamping quotes with the clock time', async () => {
    const now = { t: 1_000_000 };
    const clock = new LiveClock({ now: () => now.t });
    const quotes: Quote[] = [];
    const feed = new HistoricalReplayFeed({
      sources: [{ kind: 'quotes', stream: list([q(0, 1), q(1000, 2), q(2000, 3)]) }],
      onEvent: (e) => {
        if (e.type === 'quote') quotes.push(e.quote);
      },
    });
    await feed.playAtSpeed(clock, { speed: 100, tickMs: 5 });
    const deadline = Date.now() + 5000;
    now.t += 15; // 15 ms × 100 = 1.5 s of market time
    while (quotes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(quotes.map((x) => x.bid)).toEqual([1, 2]);
    expect(quotes.every((x) => x.timestamp >= 1_000_000)).toBe(true);
    now.t += 100;
    while (feed.status !== 'stopped' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(quotes.map((x) => x.bid)).toEqual([1, 2, 3]);
    expect(feed.status).toBe('stopped');
  });
});
