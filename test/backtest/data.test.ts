import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadData } from '../../src/backtest/data.ts';
import { DataError } from '../../src/core/errors.ts';
import { tempDir } from './helpers.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

/** An hourly (or `stepMs`) OHLCV file of `n` bars from `start`, named like the shipped ones. */
function barFile(name: string, start: number, n: number, stepMs = HOUR): string {
  const rows = ['timestamp,date,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) {
    const t = start + i * stepMs;
    rows.push(`${t},${new Date(t).toISOString()},100,101,99,100.5,1`);
  }
  const file = path.join(dir.dir, name);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

describe('loadData', () => {
  it('joins consecutive files of one symbol, and bars of several symbols', async () => {
    const first = barFile('BTC_USDT-1h.csv', T0, 24);
    const next = barFile('next-BTC_USDT-1h.csv', T0 + 24 * HOUR, 24);
    const eth = barFile('ETH_USDT-1h.csv', T0, 24);
    const data = await loadData({ paths: [first, next, eth] });
    expect(data.symbols).toEqual(['BTC-USD', 'ETH-USD']);
    expect(data.bars).toHaveLength(72);
  });

  it('refuses a file given twice and files that overlap for one symbol: their events would replay twice', async () => {
    const a = barFile('BTC_USDT-1h.csv', T0, 24);
    await expect(loadData({ paths: [a, a] })).rejects.toThrow(
      `BTC-USD: ${a} is given twice (2025-01-01T00:00:00.000Z to 2025-01-01T23:00:00.000Z); their bars would be replayed twice`,
    );
    const b = barFile('other-BTC_USDT-1h.csv', T0 + 12 * HOUR, 24);
    await expect(loadData({ paths: [a, b] })).rejects.toThrow(
      `BTC-USD: ${a} and ${b} overlap (2025-01-01T12:00:00.000Z to 2025-01-01T23:00:00.000Z)`,
    );
    // Cut to a window where they no longer overlap, they are fine.
    const cut = await loadData({ paths: [a, b], from: T0 + 24 * HOUR });
    expect(cut.bars).toHaveLength(12);
  });

  it('refuses bars of two intervals for one symbol, naming both files and intervals', async () => {
    const hourly = barFile('BTC_USDT-1h.csv', T0, 24);
    const daily = barFile('BTC_USDT-1d.csv', T0 + 30 * 86_400_000, 5, 86_400_000);
    const err = await loadData({ paths: [hourly, daily] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(
      `BTC-USD: ${hourly} has 1h bars and ${daily} 1d bars; a backtest replays one bar interval per symbol`,
    );
  });
});
