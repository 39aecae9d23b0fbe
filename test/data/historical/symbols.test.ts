import { describe, expect, it } from 'vitest';
import { mapUsdtToUsd, normalizeSymbol, symbolFromFileName } from '../../../src/data/historical/index.ts';
import { resolveSymbol } from '../../../src/data/historical/symbols.ts';
import { resolveOptions } from '../../../src/data/historical/options.ts';

describe('symbol mapping', () => {
  it('normalises the spellings of the data sets', () => {
    for (const raw of ['BTC_USDT', 'BTCUSDT', 'BTC/USDT', 'btcusdt', 'BTC-USDT', ' btc_usdt ']) {
      expect(normalizeSymbol(raw)).toBe('BTC-USDT');
    }
    expect(normalizeSymbol('BTCUSD')).toBe('BTC-USD');
    expect(normalizeSymbol('XRPETH')).toBe('XRP-ETH');
    expect(normalizeSymbol('DOGEUSDC')).toBe('DOGE-USDC');
    expect(normalizeSymbol('BTC')).toBeUndefined();
    expect(normalizeSymbol('hello world')).toBeUndefined();
  });

  it('maps Tether pairs to dollar pairs and leaves others alone', () => {
    expect(mapUsdtToUsd('BTC-USDT')).toBe('BTC-USD');
    expect(mapUsdtToUsd('BTC-USD')).toBe('BTC-USD');
    expect(mapUsdtToUsd('XRP-ETH')).toBe('XRP-ETH');
  });

  it('reads the symbol from the file names of the data sets', () => {
    expect(symbolFromFileName('/x/BTC_USDT-1h.csv.gz')).toBe('BTC-USDT');
    expect(symbolFromFileName('ETH_USDT-1m.feather')).toBe('ETH-USDT');
    expect(symbolFromFileName('btcusdt_depth_updates.csv.gz')).toBe('BTC-USDT');
    expect(symbolFromFileName('btcusdt-trades.csv.gz')).toBe('BTC-USDT');
    expect(symbolFromFileName('XRP_ETH-trades.json.gz')).toBe('XRP-ETH');
    expect(symbolFromFileName('Coinbase_BTCUSD_1h.csv.gz')).toBe('BTC-USD');
    expect(symbolFromFileName('btc-perp-20211231-20220201_1m.csv.gz')).toBe('BTC-PERP');
    expect(symbolFromFileName('prices.csv')).toBeUndefined();
  });

  it('resolves the option against the file: confirm, rename the quote, or refuse another asset', () => {
    const opts = (o: Parameters<typeof resolveOptions>[0]): ReturnType<typeof resolveOptions> => resolveOptions(o);
    expect(resolveSymbol('f', 'BTC-USDT', opts({}))).toBe('BTC-USDT');
    expect(resolveSymbol('f', 'BTC-USDT', opts({ mapUsdtToUsd: true }))).toBe('BTC-USD');
    expect(resolveSymbol('f', 'BTC-USDT', opts({ symbol: 'BTC' }))).toBe('BTC-USDT');
    expect(resolveSymbol('f', 'BTC-USDT', opts({ symbol: 'BTC-USD' }))).toBe('BTC-USD');
    expect(resolveSymbol('f', undefined, opts({ symbol: 'sol_usd' }))).toBe('SOL-USD');
    expect(() => resolveSymbol('f', 'ETH-USDT', opts({ symbol: 'BTC-USD' }))).toThrow('f: the file holds ETH-USDT, not BTC-USD');
    expect(() => resolveSymbol('f', undefined, opts({}))).toThrow(/pass the symbol option/);
  });
});
