import { describe, expect, it } from 'vitest';
import { median, PriceAggregator } from '../../src/data/price-aggregator.ts';

describe('PriceAggregator', () => {
  it('normalizes symbols from several spellings, optionally mapping USDT to USD', () => {
    const a = new PriceAggregator({ mapUsdtToUsd: true });
    expect(['BTC_USDT', 'BTCUSDT', 'btc-usdt', 'BTC/USDT', 'BTC-USD'].map((s) => a.normalize(s))).toEqual(
      Array(5).fill('BTC-USD'),
    );
    expect(new PriceAggregator().normalize('btcusdt')).toBe('BTC-USDT');
  });

  it('median of fresh sources, stale ones left out and named', () => {
    const a = new PriceAggregator({ staleAfterMs: 1000, mapUsdtToUsd: true });
    a.update('binance', 'BTCUSDT', 100, 5000);
    a.update('coinbase', 'BTC-USD', 102, 5000);
    a.update('kraken', 'BTC_USD', 101, 5000);
    a.update('old', 'BTC-USD', 50, 3000);
    const p = a.aggregate('BTC-USD', 5500);
    expect(p).toEqual({
      symbol: 'BTC-USD',
      price: 101,
      timestamp: 5000,
      used: ['binance', 'coinbase', 'kraken'],
      rejected: [{ source: 'old', reason: 'stale' }],
    });
    expect(a.aggregate('BTC-USD', 7000)).toBeUndefined();
  });

  it('drops outliers by the median absolute deviation', () => {
    const a = new PriceAggregator();
    const prices = [100, 100.2, 99.9, 100.1, 130];
    prices.forEach((p, i) => a.update(`s${i}`, 'ETH-USD', p, 0));
    const r = a.aggregate('ETH-USD', 0)!;
    expect(r.rejected).toEqual([{ source: 's4', reason: 'outlier' }]);
    expect(r.price).toBeCloseTo(100.05);
  });

  it('volume-weighted mean from quotes', () => {
    const a = new PriceAggregator({ method: 'volume-weighted' });
    a.updateQuote('a', { symbol: 'X-USD', timestamp: 0, bid: 99, ask: 101, bidSize: 1, askSize: 2 });
    a.updateQuote('b', { symbol: 'X-USD', timestamp: 0, bid: 101, ask: 103, bidSize: 0.5, askSize: 0.5 });
    expect(a.aggregate('X-USD', 0)?.price).toBeCloseTo((100 * 3 + 102 * 1) / 4);
  });

  it('minSources and bad prices', () => {
    const a = new PriceAggregator({ minSources: 2 });
    a.update('a', 'X-USD', 10, 0);
    a.update('b', 'X-USD', Number.NaN, 0);
    a.update('c', 'X-USD', 0, 0);
    expect(a.aggregate('X-USD', 0)).toBeUndefined();
    a.update('b', 'X-USD', 11, 0);
    expect(a.aggregate('X-USD', 0)?.price).toBe(10.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(() => new PriceAggregator({ staleAfterMs: 0 })).toThrow(/positive/);
  });
});
