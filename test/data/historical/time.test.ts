import { describe, expect, it } from 'vitest';
import {
  intervalFromFileName,
  nsTextToMs,
  parseCddHour,
  parseEpochToMs,
  parseTimeText,
} from '../../../src/data/historical/time.ts';

describe('time parsing', () => {
  it('reads UTC text times in the shapes of the data sets', () => {
    expect(parseTimeText('2021-12-31 23:01:00.000000')).toBe(Date.parse('2021-12-31T23:01:00Z'));
    expect(parseTimeText('2025-05-20T00:00:00.000Z')).toBe(1747699200000);
    expect(parseTimeText('2014-11-28')).toBe(Date.parse('2014-11-28T00:00:00Z'));
    expect(parseTimeText('2024-01-01T02:00:00+02:00')).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(parseTimeText('2021-01-08 00:00:00.278123')).toBe(Date.parse('2021-01-08T00:00:00.278Z'));
    expect(parseTimeText('2021-02-30')).toBeUndefined();
    expect(parseTimeText('yesterday')).toBeUndefined();
  });

  it("reads CryptoDataDownload's 12-hour stamps", () => {
    expect(parseCddHour('2019-10-17 09-AM')).toBe(Date.parse('2019-10-17T09:00:00Z'));
    expect(parseCddHour('2019-10-17 12-AM')).toBe(Date.parse('2019-10-17T00:00:00Z'));
    expect(parseCddHour('2019-10-17 12-PM')).toBe(Date.parse('2019-10-17T12:00:00Z'));
    expect(parseCddHour('2019-10-17 11-PM')).toBe(Date.parse('2019-10-17T23:00:00Z'));
    expect(parseCddHour('2019-10-17 13-PM')).toBeUndefined();
  });

  it('reads epoch numbers by their digit count, nanoseconds without precision loss', () => {
    expect(parseEpochToMs('1700000000')).toBe(1700000000000);
    expect(parseEpochToMs('1700000000123')).toBe(1700000000123);
    expect(parseEpochToMs('1700000000123456')).toBe(1700000000123);
    expect(parseEpochToMs('1723161254087891268')).toBe(1723161254087);
    expect(nsTextToMs('1723161254087891268')).toBe(1723161254087);
    expect(parseEpochToMs('-1')).toBeUndefined();
    expect(parseEpochToMs('1.5')).toBeUndefined();
  });

  it('reads bar intervals from file names', () => {
    expect(intervalFromFileName('BTC_USDT-1m.csv.gz')).toBe(60_000);
    expect(intervalFromFileName('/a/b/ETH_USDT-4h.feather')).toBe(4 * 3_600_000);
    expect(intervalFromFileName('BNB_USDT-1d.json.gz')).toBe(86_400_000);
    expect(intervalFromFileName('btc-perp-20211231-20220201_1m.csv.gz')).toBe(60_000);
    expect(intervalFromFileName('Coinbase_BTCUSD_1h.csv.gz')).toBe(3_600_000);
    expect(intervalFromFileName('Coinbase_BTCUSD_d.csv')).toBe(86_400_000);
    expect(intervalFromFileName('btcusdt_trades.csv.gz')).toBeUndefined();
  });
});
