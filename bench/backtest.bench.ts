// Backtest throughput through the whole engine (simulated venue, execution, portfolio, runner, strategy): bars per
// second for the trend strategy (EMA crossover) over the shipped hourly BTC sample, and over the 130k-row 1-minute
// BTC file of 2025 when ../shared/data is present. Data loading is timed apart from the replay.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadData } from '../src/backtest/data.ts';
import { runBacktest } from '../src/backtest/engine.ts';
import { registryStrategyFactory } from '../src/backtest/strategy-source.ts';
import { listSampleBarFiles, SAMPLE_DATA_DIR } from '../src/data/historical/index.ts';

const SHARED_1M = fileURLToPath(new URL('../../shared/data/binance-spot-1m-2025/BTC_USDT-1m.csv.gz', import.meta.url));

async function bench(name: string, file: string, params: Record<string, unknown>): Promise<void> {
  let t = performance.now();
  const data = await loadData({ paths: [file] });
  const loadMs = performance.now() - t;
  // One warm-up run (JIT), then the measured one.
  const config = { strategy: 'trend', params, data: [file], feeRate: '0.001' };
  await runBacktest(config, { createStrategy: registryStrategyFactory, data });
  t = performance.now();
  const r = await runBacktest(config, { createStrategy: registryStrategyFactory, data });
  const ms = performance.now() - t;
  const bars = data.bars.length;
  console.log(
    `${name.padEnd(48)} ${((bars / ms) * 1000).toFixed(0).padStart(12)} bars/s  (${bars} bars, ${r.fills.length} fills, ` +
      `${ms.toFixed(0)} ms; loading ${loadMs.toFixed(0)} ms)`,
  );
}

/** Market making over the shipped best-bid/ask capture: events (quotes) per second. */
async function benchTicks(): Promise<void> {
  const file = path.join(SAMPLE_DATA_DIR, 'btcusdt_bbo.csv.gz');
  if (!existsSync(file)) return;
  const data = await loadData({ paths: [file] });
  const config = {
    strategy: 'market_making',
    params: { minSpread: 0, halfSpread: 0.0001, refreshIntervalMs: 5000 },
    data: [file],
    feeRate: '0.001',
  };
  const t = performance.now();
  const r = await runBacktest(config, { createStrategy: registryStrategyFactory, data });
  const ms = performance.now() - t;
  const events = data.ticks.length;
  console.log(
    `${'market making, sample BTC best bid/ask'.padEnd(48)} ${((events / ms) * 1000).toFixed(0).padStart(12)} events/s  ` +
      `(${events} quotes, ${r.fills.length} fills, ${ms.toFixed(0)} ms)`,
  );
}

export async function run(): Promise<void> {
  const hourly = listSampleBarFiles().find((f) => f.symbol === 'BTC-USD' && f.intervalMs === 3_600_000);
  if (hourly !== undefined) await bench('trend 12/26 EMA, sample BTC 1h', hourly.path, {});
  if (existsSync(SHARED_1M)) await bench('trend 12/26 EMA, BTC 1m 2025 (../shared)', SHARED_1M, {});
  else console.log('BTC 1m 2025 not found (../shared/data): skipped');
  await benchTicks();
}
