import { describe, expect, it } from 'vitest';
import { MarketDataCache } from '../../src/data/cache.ts';
import type { Bar } from '../../src/model/market.ts';

const bar = (timestamp: number, close: number): Bar => ({
  symbol: 'BTC-USD',
  timestamp,
  intervalMs: 60_000,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

describe('MarketDataCache', () => {
  it('keeps the latest quote and prices from the mid', () => {
    const cache = new MarketDataCache();
    cache.updateQuote({ symbol: 'BTC-USD', timestamp: 1000, bid: 99, ask: 101 });
    expect(cache.price('BTC-USD')).toBe(100);
    expect(cache.age('BTC-USD', 1500)).toBe(500);
    expect(cache.price('ETH-USD')).toBeUndefined();
    expect(cache.age('ETH-USD', 1500)).toBeUndefined();
  });

  it('falls back to the last trade, then the last bar close', () => {
    const cache = new MarketDataCache();
    cache.addBar(bar(0, 50));
    expect(cache.price('BTC-USD')).toBe(50);
    cache.updateTrade({ symbol: 'BTC-USD', timestamp: 70_000, price: 51, quantity: 1 });
    expect(cache.price('BTC-USD')).toBe(51);
  });

  it('keeps a bounded ring of bars, replaces a corrected bar and ignores an out-of-order one', () => {
    const cache = new MarketDataCache(3);
    for (let i = 0; i < 5; i++) cache.addBar(bar(i * 60_000, 100 + i));
    expect(cache.bars('BTC-USD', 60_000).map((b) => b.close)).toEqual([102, 103, 104]);
    cache.addBar(bar(4 * 60_000, 200));
    expect(cache.bars('BTC-USD', 60_000, 1)[0]!.close).toBe(200);
    cache.addBar(bar(60_000, 1));
    expect(cache.bars('BTC-USD', 60_000).map((b) => b.close)).toEqual([102, 103, 200]);
    expect(cache.bars('BTC-USD', 3_600_000)).toEqual([]);
  });
});
