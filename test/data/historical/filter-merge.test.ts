import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SAMPLE_DATA_DIR,
  detectFormat,
  mergeByTime,
  openBars,
  openQuotes,
  openTrades,
} from '../../../src/data/historical/index.ts';
import { collect, tempDir } from './helpers.ts';

const HOUR = 3_600_000;
const FIRST = 1747954800000; // first hour of the sample's 1h files

async function* from<T>(items: T[], closed?: () => void): AsyncGenerator<T> {
  try {
    for (const item of items) yield await Promise.resolve(item);
  } finally {
    closed?.();
  }
}

describe('from/to filter', () => {
  it('keeps from <= timestamp < to', async () => {
    const file = join(SAMPLE_DATA_DIR, 'ETH_USDT-1h.csv.gz');
    const stream = openBars(file, { from: FIRST + 10 * HOUR, to: FIRST + 34 * HOUR });
    const bars = await collect(stream);
    expect(bars).toHaveLength(24);
    expect(bars[0]!.timestamp).toBe(FIRST + 10 * HOUR);
    expect(bars.at(-1)!.timestamp).toBe(FIRST + 33 * HOUR);
    expect(stream.stats.emitted).toBe(24);
  });

  it('stops reading the file at `to`', async () => {
    // Lines are parsed a decoded chunk (about 1 MB) at a time, so a big file shows the early stop.
    const stream = openQuotes(join(SAMPLE_DATA_DIR, 'btcusdt_bbo.csv.gz'), { to: 1723161260000 });
    const quotes = await collect(stream);
    expect(quotes.at(-1)!.timestamp).toBeLessThan(1723161260000);
    expect(stream.stats.rowsRead).toBeLessThan(73174 / 2);
  });

  it('re-reads the file on every pass, with fresh stats', async () => {
    const stream = openTrades(join(SAMPLE_DATA_DIR, 'ethusdt_trades.csv.gz'), { to: 1723161256000 });
    const a = await collect(stream);
    const b = await collect(stream);
    expect(b).toEqual(a);
    expect(stream.stats.emitted).toBe(a.length);
  });

  it('stops reading when the consumer breaks early', async () => {
    let n = 0;
    for await (const _ of openBars(join(SAMPLE_DATA_DIR, 'BTC_USDT-1d.csv.gz'))) if (++n === 3) break;
    expect(n).toBe(3);
  });
});

describe('mergeByTime', () => {
  const t = (timestamp: number, tag: string): { timestamp: number; tag: string } => ({ timestamp, tag });

  it('merges by timestamp, ties in the order of the sources', async () => {
    const merged = await collect(
      mergeByTime([
        from([t(1, 'a1'), t(3, 'a3'), t(3, 'a3b'), t(7, 'a7')]),
        from([t(0, 'b0'), t(3, 'b3'), t(8, 'b8')]),
        from([]),
        from([t(3, 'c3'), t(5, 'c5')]),
      ]),
    );
    expect(merged.map((x) => x.tag)).toEqual(['b0', 'a1', 'a3', 'a3b', 'b3', 'c3', 'c5', 'a7', 'b8']);
  });

  it('merges the five sample hourly files into one ordered replay', async () => {
    const streams = ['BTC', 'ETH', 'SOL', 'XRP', 'BNB'].map((s) =>
      openBars(join(SAMPLE_DATA_DIR, `${s}_USDT-1h.csv.gz`), { mapUsdtToUsd: true, to: FIRST + 48 * HOUR }),
    );
    const bars = await collect(mergeByTime(streams));
    expect(bars).toHaveLength(5 * 48);
    expect(bars.slice(0, 5).map((b) => b.symbol)).toEqual(['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'BNB-USD']);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.timestamp).toBeGreaterThanOrEqual(bars[i - 1]!.timestamp);
  });

  it('closes every source when the consumer stops early', async () => {
    const closed: string[] = [];
    let n = 0;
    const merged = mergeByTime([
      from([t(1, 'a'), t(2, 'a')], () => closed.push('a')),
      from([t(1, 'b'), t(2, 'b')], () => closed.push('b')),
    ]);
    for await (const _ of merged) if (++n === 2) break;
    expect(closed.sort()).toEqual(['a', 'b']);
  });
});

describe('detectFormat', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('tells each format from its header or first element', async () => {
    const cases: [string, string, string][] = [
      ['a.csv', 'timestamp,date,open,high,low,close,volume\n', 'ohlcv-csv'],
      ['b.csv', 'timestamp,open,high,low,close,volume\n', 'ohlcv-csv'],
      ['c.csv', 'Created on 10-17-2019,https://www.CryptoDataDownload.com\ndate,symbol,open,high,low,close,volume_btc,volume\n', 'cdd-ohlcv-csv'],
      ['d.csv', ',BTC:open,BTC:high,BTC:low,BTC:close,BTC:volume\n', 'cdd-multi-asset-csv'],
      ['e.csv', 'local_ts_ns,update_id,bid_price,bid_qty,ask_price,ask_qty\n', 'hftbacktest-bbo-csv'],
      ['f.csv', 'local_ts_ns,last_update_id,side,level,price,qty\n', 'hftbacktest-depth-snapshot-csv'],
      ['g.csv', 'timestamp_ms,timestamp,trade_id,price,quantity,buyer_maker\n', 'nautilus-trades-csv'],
      ['h.csv', 'timestamp_ms,timestamp,symbol,ask_size,ask,bid_size,bid\n', 'nautilus-quotes-csv'],
      ['i.json.gz', '[[1,2,3,1,2,5]]', 'freqtrade-ohlcv-json'],
      ['j.json', '[[1570752011620,"13519807",null,"sell",0.00141342,23.0,0.03250866]]', 'freqtrade-trades-json'],
    ];
    for (const [name, text, format] of cases) {
      expect((await detectFormat(tmp.write(name, text))).format).toBe(format);
    }
    await expect(detectFormat(tmp.write('k.csv', 'banner\ntimestamp,open,high,low,close\n'))).rejects.toThrow(
      /unrecognised data format/,
    );
  });
});
