// Historical loader throughput: rows per second for a full streamed pass (gunzip + parse + validate).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  SAMPLE_DATA_DIR,
  openBars,
  openDepth,
  openQuotes,
  openTrades,
  type HistoricalStream,
} from '../src/data/historical/index.ts';

const SHARED = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/data');

async function pass(stream: HistoricalStream<unknown>): Promise<{ rows: number; ms: number }> {
  const start = process.hrtime.bigint();
  for await (const _ of stream) {
    // consume
  }
  return { rows: stream.stats.rowsRead, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Best of `runs` passes after one warm-up pass, as file rows per second. */
async function rowsPerSecond(name: string, open: () => HistoricalStream<unknown>, runs = 3): Promise<void> {
  await pass(open());
  let best = { rows: 0, ms: Number.POSITIVE_INFINITY };
  for (let i = 0; i < runs; i++) {
    const r = await pass(open());
    if (r.ms < best.ms) best = r;
  }
  const perSec = (best.rows / best.ms) * 1000;
  console.log(
    `${name.padEnd(48)} ${perSec.toFixed(0).padStart(12)} rows/s ${best.ms.toFixed(1).padStart(10)} ms/pass  (${best.rows} rows)`,
  );
}

export async function run(): Promise<void> {
  const btc1m = join(SHARED, 'binance-spot-1m-2025/BTC_USDT-1m.csv.gz');
  if (existsSync(btc1m)) await rowsPerSecond('bars: BTC_USDT-1m 2025 (130,708 rows, csv.gz)', () => openBars(btc1m));
  else console.log('bars: BTC_USDT-1m 2025 — skipped (../shared/data absent)');
  const json = join(SHARED, 'binance-spot-multi-2017-2022/BTC_USDT-1h.json.gz');
  if (existsSync(json)) await rowsPerSecond('bars: BTC_USDT-1h 2017-2022 (freqtrade json.gz)', () => openBars(json));
  const cdd = join(SHARED, 'usd-exchanges-cryptodatadownload/Coinbase_BTCUSD_1h.csv.gz');
  if (existsSync(cdd)) await rowsPerSecond('bars: Coinbase_BTCUSD_1h (buffered, sorted, cleaned)', () => openBars(cdd));

  const sample = (name: string): string => join(SAMPLE_DATA_DIR, name);
  await rowsPerSecond('bars: sample BTC_USDT-1h (2,880 rows)', () => openBars(sample('BTC_USDT-1h.csv.gz')), 10);
  await rowsPerSecond('trades: sample btcusdt_trades', () => openTrades(sample('btcusdt_trades.csv.gz')));
  await rowsPerSecond('quotes: sample btcusdt_bbo', () => openQuotes(sample('btcusdt_bbo.csv.gz')));
  await rowsPerSecond('depth: sample btcusdt_depth_updates (level rows)', () =>
    openDepth(sample('btcusdt_depth_updates.csv.gz')),
  );
}
