import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OrderBookManager } from '../../src/data/book-manager.ts';
import { FeedPublisher, type MarketDataEvent } from '../../src/data/feed.ts';
import { openDepth, SAMPLE_DATA_DIR } from '../../src/data/historical/index.ts';
import { OrderBook, type BookGap } from '../../src/data/order-book.ts';
import type { DepthSnapshot, DepthUpdate } from '../../src/model/market.ts';

const snapshot = (lastUpdateId: number): DepthSnapshot => ({
  symbol: 'BTC-USD',
  timestamp: 1000,
  lastUpdateId,
  bids: [
    [99, 1],
    [98, 2],
    [97, 3],
  ],
  asks: [
    [101, 1],
    [102, 2],
  ],
});

const update = (first: number, final: number, levels: DepthUpdate['levels'], timestamp = 2000): DepthUpdate => ({
  symbol: 'BTC-USD',
  timestamp,
  firstUpdateId: first,
  finalUpdateId: final,
  levels,
});

describe('OrderBook sequence rules', () => {
  it('drops updates at or before the snapshot, requires the first applied to straddle lastUpdateId+1', () => {
    const book = new OrderBook('BTC-USD');
    book.applySnapshot(snapshot(100));
    expect(book.state).toBe('syncing');
    expect(book.applyUpdate(update(90, 100, [{ side: 'bid', price: 99, quantity: 9 }]))).toBe('dropped');
    expect(book.bids.quantityAt(99)).toBe(1);
    expect(book.applyUpdate(update(95, 105, [{ side: 'bid', price: 99.5, quantity: 4 }]))).toBe('applied');
    expect(book.isValid).toBe(true);
    expect(book.bestBid()).toBe(99.5);
    expect(book.applyUpdate(update(106, 110, [{ side: 'ask', price: 101, quantity: 0 }]))).toBe('applied');
    expect(book.bestAsk()).toBe(102);
    expect(book.lastUpdateId).toBe(110);
  });

  it('a first update that does not straddle the snapshot is a gap', () => {
    const gaps: BookGap[] = [];
    const book = new OrderBook('BTC-USD', { onResync: (g) => gaps.push(g) });
    book.applySnapshot(snapshot(100));
    expect(book.applyUpdate(update(103, 105, []))).toBe('gap');
    expect(gaps).toEqual([
      { symbol: 'BTC-USD', timestamp: 2000, expectedFirstId: 101, firstUpdateId: 103, finalUpdateId: 105 },
    ]);
    expect(book.isValid).toBe(false);
  });

  it('on a gap: invalid, event, buffers until a new snapshot, then replays what follows it', () => {
    const gaps: BookGap[] = [];
    const book = new OrderBook('BTC-USD', { onResync: (g) => gaps.push(g) });
    book.applySnapshot(snapshot(100));
    expect(book.applyUpdate(update(101, 102, [{ side: 'bid', price: 99, quantity: 5 }]))).toBe('applied');
    expect(book.applyUpdate(update(104, 106, [{ side: 'bid', price: 99, quantity: 6 }]))).toBe('gap'); // 103 missing
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.expectedFirstId).toBe(103);
    expect(book.state).toBe('awaiting-snapshot');
    expect(book.bestBid()).toBeUndefined();
    expect(book.applyUpdate(update(107, 108, [{ side: 'ask', price: 100.5, quantity: 1 }]))).toBe('buffered');
    // The new snapshot covers up to 105: 104-106 straddles 106, 107-108 follows.
    const results = book.applySnapshot({ ...snapshot(105), bids: [[98, 1]] });
    expect(results).toEqual(['applied', 'applied']);
    expect(book.isValid).toBe(true);
    expect(book.bestBid()).toBe(99);
    expect(book.bids.quantityAt(99)).toBe(6);
    expect(book.bestAsk()).toBe(100.5);
    expect(book.stats.resyncs).toBe(1);
  });

  it('buffers updates that arrive before the first snapshot', () => {
    const book = new OrderBook('BTC-USD');
    expect(book.applyUpdate(update(95, 99, []))).toBe('buffered');
    expect(book.applyUpdate(update(100, 102, [{ side: 'bid', price: 99.9, quantity: 1 }]))).toBe('buffered');
    expect(book.applySnapshot(snapshot(100))).toEqual(['dropped', 'applied']);
    expect(book.bestBid()).toBe(99.9);
  });

  it('metrics: mid, spread, imbalance, depth', () => {
    const book = new OrderBook('BTC-USD');
    book.applySnapshot(snapshot(1));
    expect(book.mid()).toBe(100);
    expect(book.spread()).toBe(2);
    expect(book.imbalance(1)).toBe(0);
    expect(book.imbalance(2)).toBeCloseTo((3 - 3) / 6);
    expect(book.imbalance(3)).toBeCloseTo((6 - 3) / 9);
    expect(book.depth(2)).toEqual({
      bids: [
        [99, 1],
        [98, 2],
      ],
      asks: [
        [101, 1],
        [102, 2],
      ],
    });
  });

  it('keeps levels sorted under random updates (against a plain map)', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const book = new OrderBook('X');
    book.applySnapshot({ symbol: 'X', timestamp: 0, lastUpdateId: 0, bids: [], asks: [] });
    const bids = new Map<number, number>();
    for (let i = 1; i <= 5000; i++) {
      const price = 100 + Math.floor(rnd() * 200) / 10;
      const quantity = rnd() < 0.3 ? 0 : Math.floor(rnd() * 10) + 1;
      book.applyUpdate({ symbol: 'X', timestamp: i, firstUpdateId: i, finalUpdateId: i, levels: [{ side: 'bid', price, quantity }] });
      if (quantity === 0) bids.delete(price);
      else bids.set(price, quantity);
    }
    const expected = [...bids.entries()].sort((a, b) => b[0] - a[0]);
    expect(book.depth(10_000).bids).toEqual(expected);
  });
});

describe('OrderBookManager', () => {
  it('publishes views of valid books and reports a gap as a status event', () => {
    const events: MarketDataEvent[] = [];
    const asked: BookGap[] = [];
    const m = new OrderBookManager({
      publisher: new FeedPublisher({ onEvent: (e) => events.push(e) }),
      levels: 1,
      requestSnapshot: (g) => asked.push(g),
    });
    m.apply(snapshot(100));
    m.apply(update(101, 101, []));
    m.apply(update(105, 106, []));
    // Not valid (so not published) until the update straddling the snapshot is applied.
    expect(events.map((e) => e.type)).toEqual(['book', 'status']);
    expect(events[0]).toEqual({
      type: 'book',
      book: { symbol: 'BTC-USD', timestamp: 2000, bids: [[99, 1]], asks: [[101, 1]] },
    });
    expect(events[1]).toMatchObject({ type: 'status', status: { state: 'reconnecting', symbols: ['BTC-USD'] } });
    expect(asked).toHaveLength(1);
    m.apply(snapshot(104)); // the buffered 105-106 straddles 105: valid again
    expect(events.slice(2).map((e) => e.type)).toEqual(['status', 'book']);
    expect(events[2]).toMatchObject({ type: 'status', status: { state: 'connected' } });
    expect(m.book('BTC-USD')?.lastUpdateId).toBe(106);
  });
});

describe('OrderBook on the real Binance BTCUSDT capture (data/sample)', () => {
  it('applies every update with no resync, and its best bid/ask match the bookTicker stream', async () => {
    const book = new OrderBook('BTC-USDT', { onResync: (g) => expect.fail(`unexpected gap ${JSON.stringify(g)}`) });
    for await (const s of openDepth(join(SAMPLE_DATA_DIR, 'btcusdt_depth_snapshot.csv.gz'))) {
      book.applySnapshot(s as DepthSnapshot);
    }
    // bookTicker rows carry the book's update id: the BBO at the largest id ≤ an update's final id is the top of
    // the book right after that update (the exchange clock and the capture clock differ by ~1.27 s, ids do not).
    const rows = gunzipSync(readFileSync(join(SAMPLE_DATA_DIR, 'btcusdt_bbo.csv.gz'))).toString('utf8').trim().split('\n');
    const bbo = rows.slice(1).map((line) => {
      const c = line.split(',');
      return { id: Number(c[1]), bid: Number(c[2]), ask: Number(c[4]) };
    });
    let j = 0;
    let compared = 0;
    let matched = 0;
    const results = { applied: 0, dropped: 0, buffered: 0, gap: 0 };
    for await (const u of openDepth(join(SAMPLE_DATA_DIR, 'btcusdt_depth_updates.csv.gz'))) {
      const r = book.applyUpdate(u as DepthUpdate);
      results[r]++;
      if (r !== 'applied') continue;
      const id = (u as DepthUpdate).finalUpdateId;
      while (j + 1 < bbo.length && bbo[j + 1]!.id <= id) j++;
      if (bbo[j]!.id > id) continue;
      compared++;
      if (bbo[j]!.bid === book.bestBid() && bbo[j]!.ask === book.bestAsk()) matched++;
    }
    expect(results).toEqual({ applied: 6493, dropped: 2, buffered: 0, gap: 0 });
    expect(book.stats.resyncs).toBe(0);
    expect(book.isValid).toBe(true);
    expect(compared).toBe(6493);
    // A handful of bookTicker messages are missing from the capture; everything else matches exactly.
    expect(matched / compared).toBeGreaterThan(0.999);
    const last = bbo[bbo.length - 1]!;
    expect(book.bestBid()).toBe(last.bid);
    expect(book.bestAsk()).toBe(last.ask);
    expect(book.spread()).toBeGreaterThan(0);
  });
});
