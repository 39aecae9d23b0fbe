import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DepthSnapshot, DepthUpdate } from '../../../src/model/market.ts';
import {
  SAMPLE_DATA_DIR,
  listSampleBarFiles,
  openBars,
  openDepth,
  openQuotes,
  openTrades,
} from '../../../src/data/historical/index.ts';
import { collect } from './helpers.ts';

const sample = (name: string): string => join(SAMPLE_DATA_DIR, name);
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('the shipped sample', () => {
  it('lives in data/sample with its README and licences', () => {
    expect(SAMPLE_DATA_DIR.endsWith(join('data', 'sample'))).toBe(true);
    expect(existsSync(join(SAMPLE_DATA_DIR, 'README.md'))).toBe(true);
    expect(existsSync(join(SAMPLE_DATA_DIR, 'LICENSES.md'))).toBe(true);
    expect(readdirSync(SAMPLE_DATA_DIR).filter((f) => f.endsWith('.csv.gz'))).toHaveLength(18);
  });

  it('lists the bar files with dollar symbols, by symbol then interval', () => {
    const files = listSampleBarFiles();
    expect(files.map((f) => `${f.symbol}@${f.intervalMs}`)).toEqual(
      ['BNB', 'BTC', 'ETH', 'SOL', 'XRP'].flatMap((s) => [`${s}-USD@${HOUR}`, `${s}-USD@${DAY}`]),
    );
    for (const f of files) expect(existsSync(f.path)).toBe(true);
  });

  it('reads 120 days of hourly BTC bars, first and last rows as in the file', async () => {
    const stream = openBars(sample('BTC_USDT-1h.csv.gz'), { mapUsdtToUsd: true });
    const bars = await collect(stream);
    expect(bars).toHaveLength(2880);
    expect(stream.stats).toMatchObject({ rowsRead: 2880, emitted: 2880, skipped: 0 });
    // 1747954800000,2025-05-22T23:00:00.000Z,... and 1758319200000,2025-09-19T22:00:00.000Z,115465.39,115657.28,115465.39,115613.21,139.86142
    expect(bars[0]).toMatchObject({ symbol: 'BTC-USD', timestamp: 1747954800000, intervalMs: HOUR });
    expect(bars.at(-1)).toEqual({
      symbol: 'BTC-USD',
      timestamp: 1758319200000,
      intervalMs: HOUR,
      open: 115465.39,
      high: 115657.28,
      low: 115465.39,
      close: 115613.21,
      volume: 139.86142,
    });
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.timestamp - bars[i - 1]!.timestamp).toBe(HOUR);
  });

  it('reads five years of daily bars for each of the five coins', async () => {
    for (const sym of ['BTC', 'ETH', 'SOL', 'XRP', 'BNB']) {
      const bars = await collect(openBars(sample(`${sym}_USDT-1d.csv.gz`)));
      expect(bars).toHaveLength(1825);
      expect(bars[0]).toMatchObject({ symbol: `${sym}-USDT`, timestamp: 1600560000000, intervalMs: DAY });
      expect(bars.at(-1)!.timestamp).toBe(1758153600000);
    }
    // 1758153600000,2025-09-18T00:00:00.000Z,3.0841,3.1397,3.0558,3.0735,121098940.7
    const xrp = await collect(openBars(sample('XRP_USDT-1d.csv.gz')));
    expect(xrp.at(-1)).toMatchObject({ open: 3.0841, high: 3.1397, low: 3.0558, close: 3.0735, volume: 121098940.7 });
  });

  it('reads the BTCUSDT trades with the exchange trade time and the taker side', async () => {
    const stream = openTrades(sample('btcusdt_trades.csv.gz'));
    const trades = await collect(stream);
    expect(trades).toHaveLength(19904);
    // 1723161254087896568,1723161255343,1723161255342,3735683259,61837.63000000,0.02000000,true
    expect(trades[0]).toEqual({
      symbol: 'BTC-USDT',
      timestamp: 1723161255342,
      price: 61837.63,
      quantity: 0.02,
      aggressor: 'sell',
      tradeId: '3735683259',
    });
    // ...,1723161905800,3735703162,61602.02000000,0.00536000,false
    expect(trades.at(-1)).toMatchObject({ timestamp: 1723161905800, price: 61602.02, aggressor: 'buy' });
    expect(Number(trades.at(-1)!.tradeId) - Number(trades[0]!.tradeId)).toBe(19903);
  });

  it('reads the ETHUSDT trades', async () => {
    const trades = await collect(openTrades(sample('ethusdt_trades.csv.gz'), { mapUsdtToUsd: true }));
    expect(trades).toHaveLength(14515);
    expect(trades[0]).toMatchObject({ symbol: 'ETH-USD', timestamp: 1723161255611, price: 2683.8 });
  });

  it('reads bookTicker quotes stamped with the receive time in ms', async () => {
    const quotes = await collect(openQuotes(sample('btcusdt_bbo.csv.gz')));
    expect(quotes).toHaveLength(73174);
    // 1723161254087891268,50093239212,61837.63000000,3.78826000,61837.64000000,1.54698000
    expect(quotes[0]).toEqual({
      symbol: 'BTC-USDT',
      timestamp: 1723161254087,
      bid: 61837.63,
      ask: 61837.64,
      bidSize: 3.78826,
      askSize: 1.54698,
    });
    expect(quotes.every((q) => q.bid <= q.ask)).toBe(true);
    expect((await collect(openQuotes(sample('ethusdt_bbo.csv.gz')))).length).toBe(58758);
  });

  it('reads the depth snapshot as one value with 1000 levels a side', async () => {
    const values = (await collect(openDepth(sample('btcusdt_depth_snapshot.csv.gz')))) as DepthSnapshot[];
    expect(values).toHaveLength(1);
    const snap = values[0]!;
    expect(snap).toMatchObject({ symbol: 'BTC-USDT', lastUpdateId: 50093239218, timestamp: 1723161254206 });
    expect(snap.bids).toHaveLength(1000);
    expect(snap.asks).toHaveLength(1000);
    expect(snap.bids[0]).toEqual([61837.63, 3.78826]);
    expect(snap.asks.at(-1)).toEqual([62053.18, 0.0001]);
  });

  it('groups the depth update rows into messages with contiguous update ids', async () => {
    const stream = openDepth(sample('btcusdt_depth_updates.csv.gz'));
    const updates = (await collect(stream)) as DepthUpdate[];
    expect(updates).toHaveLength(6495);
    expect(stream.stats.rowsRead).toBe(298111);
    expect(updates.reduce((n, u) => n + u.levels.length, 0)).toBe(298111);
    expect(updates[0]).toMatchObject({ timestamp: 1723161255208, firstUpdateId: 50093239189, finalUpdateId: 50093239202 });
    expect(updates[0]!.levels[0]).toEqual({ side: 'bid', price: 61737.63, quantity: 0 });
    for (let i = 1; i < updates.length; i++) {
      expect(updates[i]!.firstUpdateId).toBe(updates[i - 1]!.finalUpdateId + 1);
    }
    const eth = (await collect(openDepth(sample('ethusdt_depth_updates.csv.gz')))) as DepthUpdate[];
    expect(eth).toHaveLength(6470);
  });
});
