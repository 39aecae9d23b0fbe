// The loaders on the real data sets beside the repository (skipped when ../shared/data is absent).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/model/market.ts';
import { detectFormat, openBars, openQuotes, openTrades } from '../../../src/data/historical/index.ts';
import { SHARED_DATA_DIR, collect } from './helpers.ts';

const data = (path: string): string => join(SHARED_DATA_DIR, path);
const iso = (bar: Bar | undefined): string => new Date(bar?.timestamp ?? Number.NaN).toISOString();

describe.skipIf(!existsSync(SHARED_DATA_DIR))('real data sets', () => {
  it('binance-spot-1m-2024-08: 43,209 BTC and 43,208 ETH minutes with the 2024-08-05 crash low', async () => {
    const btc = await collect(openBars(data('binance-spot-1m-2024-08/BTC_USDT-1m.csv.gz')));
    expect(btc).toHaveLength(43209);
    expect(btc[0]).toMatchObject({ symbol: 'BTC-USDT', intervalMs: 60_000 });
    expect(iso(btc[0])).toBe('2024-07-26T14:15:00.000Z');
    expect(iso(btc.at(-1))).toBe('2024-08-25T14:23:00.000Z');
    const low = btc.reduce((a, b) => (b.low < a.low ? b : a));
    // The file's row: 1722839040000,2024-08-05T06:24:00.000Z,50256,50258,49000,49338.49,1629.30919 (the shared
    // README quotes 49,338.49 as the low; it is that minute's close).
    expect(low).toMatchObject({ low: 49000, close: 49338.49 });
    expect(iso(low)).toBe('2024-08-05T06:24:00.000Z');
    expect(await collect(openBars(data('binance-spot-1m-2024-08/ETH_USDT-1m.csv.gz')))).toHaveLength(43208);
  });

  it('binance-spot-1m-2025: 130,708 gapless minutes', async () => {
    const bars = await collect(openBars(data('binance-spot-1m-2025/BTC_USDT-1m.csv.gz'), { mapUsdtToUsd: true }));
    expect(bars).toHaveLength(130708);
    expect(bars[0]).toMatchObject({ symbol: 'BTC-USD', open: 105573.73, high: 105597.1, low: 105554.31 });
    expect(iso(bars.at(-1))).toBe('2025-08-18T18:27:00.000Z');
    expect(bars.at(-1)!.timestamp - bars[0]!.timestamp).toBe((130708 - 1) * 60_000);
  });

  it('binance-spot-multi-2020-2025: 1h with its 10 outage gaps, 4h and 1d complete', async () => {
    const hourly = await collect(openBars(data('binance-spot-multi-2020-2025/SOL_USDT-1h.csv.gz')));
    expect(hourly).toHaveLength(43803);
    let gaps = 0;
    for (let i = 1; i < hourly.length; i++) if (hourly[i]!.timestamp - hourly[i - 1]!.timestamp > 3_600_000) gaps++;
    expect(gaps).toBe(10);
    expect(await collect(openBars(data('binance-spot-multi-2020-2025/BNB_USDT-4h.csv.gz')))).toHaveLength(10955);
    const daily = await collect(openBars(data('binance-spot-multi-2020-2025/BTC_USDT-1d.csv.gz')));
    expect(daily).toHaveLength(1825);
    expect(daily[0]!.intervalMs).toBe(86_400_000);
  });

  it('freqtrade JSON and its CSV conversion give the same bars', async () => {
    const fromJson = await collect(openBars(data('binance-spot-multi-2017-2022/DOGE_USDT-1h.json.gz')));
    const fromCsv = await collect(openBars(data('binance-spot-multi-2017-2022/DOGE_USDT-1h.csv.gz')));
    expect(fromJson).toHaveLength(28612);
    expect(fromJson).toEqual(fromCsv);
    expect(await detectFormat(data('binance-spot-multi-2017-2022/DOGE_USDT-1h.json.gz'))).toMatchObject({
      format: 'freqtrade-ohlcv-json',
      kind: 'bars',
    });
    const btcDaily = await collect(openBars(data('binance-spot-multi-2017-2022/BTC_USDT-1d.json.gz')));
    expect(btcDaily).toHaveLength(1881);
    expect(btcDaily[0]).toMatchObject({ timestamp: 1502928000000, open: 4261.48, high: 4485.39, volume: 795.150377 });
  });

  it('nautilus BTC-PERP: text timestamps, 45,031 minutes', async () => {
    const bars = await collect(openBars(data('btc-perp-1m-2022-01/btc-perp-20211231-20220201_1m.csv.gz')));
    expect(bars).toHaveLength(45031);
    expect(bars[0]).toMatchObject({ symbol: 'BTC-PERP', intervalMs: 60_000, open: 46319, volume: 2300413.7295 });
    expect(iso(bars[0])).toBe('2021-12-31T23:01:00.000Z');
    expect(iso(bars.at(-1))).toBe('2022-02-01T05:31:00.000Z');
  });

  it('CryptoDataDownload Coinbase hourly: sorted ascending, the Nov 2017 copies dropped', async () => {
    const stream = openBars(data('usd-exchanges-cryptodatadownload/Coinbase_BTCUSD_1h.csv.gz'));
    const bars = await collect(stream);
    expect(stream.stats).toMatchObject({ rowsRead: 20111, duplicatesDropped: 5, emitted: 20106 });
    expect(bars).toHaveLength(20106);
    expect(bars[0]).toMatchObject({ symbol: 'BTC-USD', intervalMs: 3_600_000, open: 2505.56, volume: 114.6 });
    expect(iso(bars[0])).toBe('2017-07-01T11:00:00.000Z');
    expect(iso(bars.at(-1))).toBe('2019-10-17T09:00:00.000Z');
    // The copies of 2017-11-11 23:00 … 2017-11-12 03:00 stamped 04:00 … 08:00 are gone; prices stay continuous.
    const at = (t: string): Bar | undefined => bars.find((b) => b.timestamp === Date.parse(t));
    expect(at('2017-11-12T03:00:00Z')).toMatchObject({ open: 6172.93, close: 6201 });
    for (const h of ['04', '05', '06', '07', '08']) expect(at(`2017-11-12T${h}:00:00Z`)).toBeUndefined();
    expect(at('2017-11-12T09:00:00Z')).toMatchObject({ open: 6201 });
    // Flat zero-volume hours that repeat legitimately are kept.
    expect(at('2018-08-10T01:00:00Z')).toMatchObject({ open: 6556.25, volume: 0 });
    expect(at('2018-08-10T15:00:00Z')).toMatchObject({ open: 6556.25, volume: 0 });
  });

  it('CryptoDataDownload Coinbase daily: 1,770 days ascending', async () => {
    const stream = openBars(data('usd-exchanges-cryptodatadownload/Coinbase_BTCUSD_d.csv'));
    const bars = await collect(stream);
    expect(bars).toHaveLength(1770);
    expect(stream.stats.duplicatesDropped).toBe(0);
    expect(bars[0]).toMatchObject({ timestamp: Date.parse('2014-12-01T00:00:00Z'), open: 300, volume: 0.05656 });
    expect(bars.at(-1)).toMatchObject({ timestamp: Date.parse('2019-10-17T00:00:00Z'), close: 8034.32 });
  });

  it('bitstamp multi-asset: the asset chosen by symbol, empty rows skipped', async () => {
    const file = data('usd-exchanges-cryptodatadownload/bitstamp_BTC-ETH-LTC_USD_1d.csv');
    const btc = await collect(openBars(file, { symbol: 'BTC-USD' }));
    expect(btc).toHaveLength(1865);
    expect(btc[0]).toMatchObject({ symbol: 'BTC-USD', timestamp: Date.parse('2014-11-28T00:00:00Z'), open: 363.59 });
    const eth = openBars(file, { symbol: 'ETH' });
    expect(await collect(eth)).toHaveLength(1865 - 1077);
    expect(eth.stats.emptyRows).toBe(1077);
    const ltc = await collect(openBars(file, { symbol: 'LTC' }));
    expect(ltc).toHaveLength(1865 - 940);
    expect(ltc.at(-1)).toMatchObject({ symbol: 'LTC-USD', close: 57.88, volume: 1853.35 });
    await expect(collect(openBars(file))).rejects.toThrow(/several assets \(BTC, ETH, LTC\)/);
    await expect(collect(openBars(file, { symbol: 'DOGE' }))).rejects.toThrow(/no asset DOGE/);
  });

  it('nautilus trades and quotes, freqtrade trades JSON', async () => {
    const trades = await collect(openTrades(data('ticks/binance-spot-btcusdt-2021-01-08/btcusdt-trades.csv.gz')));
    expect(trades).toHaveLength(2001);
    expect(trades[0]).toEqual({
      symbol: 'BTC-USDT',
      timestamp: 1610064000278,
      price: 39432.48,
      quantity: 0.000263,
      aggressor: 'sell',
      tradeId: '553287559',
    });
    const quotes = await collect(openQuotes(data('ticks/binance-spot-btcusdt-2021-01-08/btcusdt-quotes.csv.gz')));
    expect(quotes).toHaveLength(451);
    expect(quotes[0]).toEqual({
      symbol: 'BTC-USDT',
      timestamp: 1610064001076,
      bid: 39432.99,
      ask: 39433.62,
      bidSize: 0.0031,
      askSize: 0.066851,
    });
    const xrp = await collect(openTrades(data('ticks/binance-spot-xrpeth-trades-2019-10/XRP_ETH-trades.json.gz')));
    expect(xrp).toHaveLength(12477);
    expect(xrp[0]).toEqual({
      symbol: 'XRP-ETH',
      timestamp: 1570752011620,
      price: 0.00141342,
      quantity: 23,
      aggressor: 'sell',
      tradeId: '13519807',
    });
    expect(xrp.at(-1)!.timestamp).toBe(Date.parse('2019-10-13T11:19:28.844Z'));
  });
});
