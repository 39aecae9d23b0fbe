// Backtest throughput through the whole engine (simulated venue, execution, portfolio, runner, strategy; with and
// without the RiskEngine): bars per second for the trend strategy (EMA crossover) over the shipped hourly BTC sample,
// and over the 130k-row 1-minute BTC file of 2025 when ../shared/data is present. Data loading is timed apart from the
// replay. The figures are split so that they say where the time goes: the bar path (a crossover that almost never
// trades) and the cost of one order's whole life (submit → fill → portfolio → strategy).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config/schema.ts';
import { loadData, type LoadedData } from '../src/backtest/data.ts';
import { runBacktest, type BacktestRunOptions } from '../src/backtest/engine.ts';
import type { BacktestResult } from '../src/backtest/result.ts';
import { registryStrategyFactory } from '../src/backtest/strategy-source.ts';
import { listSampleBarFiles, SAMPLE_DATA_DIR } from '../src/data/historical/index.ts';
import { RiskEngine } from '../src/risk/risk-engine.ts';

const SHARED_1M = fileURLToPath(new URL('../../shared/data/binance-spot-1m-2025/BTC_USDT-1m.csv.gz', import.meta.url));

const withRisk: Pick<BacktestRunOptions, 'riskFactory'> = {
  riskFactory: (c) =>
    new RiskEngine({
      config: defaultConfig().risk,
      buyHold: c.buyHold,
      clock: c.clock,
      market: c.market,
      portfolio: c.portfolio,
      pairs: c.pairs,
      openOrders: c.openOrders,
      store: c.store,
      ...(c.barIntervalMs !== undefined && { barIntervalMs: c.barIntervalMs }),
      // VaR once per simulated hour: enough for a backtest, and it keeps updateEquity cheap.
      varEveryMs: 3_600_000,
    }),
};

interface Run {
  readonly ms: number;
  readonly result: BacktestResult;
}

/** The best of `runs` timed runs after one warm-up (JIT): the least disturbed by other work on the machine. */
async function timed(
  data: LoadedData,
  file: string,
  params: Record<string, unknown>,
  extra: Partial<BacktestRunOptions> = {},
  runs = 5,
): Promise<Run> {
  const config = { strategy: 'trend', params, data: [file], feeRate: '0.001' };
  const options = { createStrategy: registryStrategyFactory, data, ...extra };
  await runBacktest(config, options);
  let best: Run | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const result = await runBacktest(config, options);
    const ms = performance.now() - t;
    if (best === undefined || ms < best.ms) best = { ms, result };
  }
  return best!;
}

function line(name: string, bars: number, run: Run, note = ''): void {
  const rate = ((bars / run.ms) * 1000).toFixed(0).padStart(10);
  const denied = run.result.denied.length > 0 ? `, ${run.result.denied.length} denied` : '';
  console.log(
    `${name.padEnd(52)} ${rate} bars/s  (${bars} bars, ${run.result.fills.length} fills${denied}, ${run.ms.toFixed(0)} ms${note})`,
  );
}

async function benchFile(label: string, file: string): Promise<void> {
  const t = performance.now();
  const data = await loadData({ paths: [file] });
  const loadMs = performance.now() - t;
  const bars = data.bars.length;
  const crossover = await timed(data, file, {});
  line(`trend 12/26 EMA, ${label}`, bars, crossover, `; loading ${loadMs.toFixed(0)} ms`);
  // fraction 0.3: with the default 5% stop an entry risks 1.5% of equity, inside max_position_risk (2%).
  const risked = await timed(data, file, { fraction: 0.3 }, withRisk);
  line(`trend 12/26 EMA (30%) + RiskEngine (defaults), ${label}`, bars, risked);
  // A slower crossover trades less: the figure between the two.
  line(`trend 50/200 EMA, ${label}`, bars, await timed(data, file, { fast: 50, slow: 200 }));
  // The bar path alone: averages too slow to cross more than a few times.
  const quiet = await timed(data, file, { fast: 1000, slow: 5000 });
  line(`bar path (EMA 1000/5000, ~no orders), ${label}`, bars, quiet);
  const orders = crossover.result.fills.length - quiet.result.fills.length;
  if (orders > 0) {
    const perOrder = ((crossover.ms - quiet.ms) * 1000) / orders;
    console.log(
      `${'  one market order, submit to fill to strategy'.padEnd(52)} ${perOrder.toFixed(1).padStart(10)} µs`,
    );
  }
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
  const options = { createStrategy: registryStrategyFactory, data };
  await runBacktest(config, options);
  const t = performance.now();
  const r = await runBacktest(config, options);
  const ms = performance.now() - t;
  const events = data.ticks.length;
  console.log(
    `${'market making, sample BTC best bid/ask'.padEnd(52)} ${((events / ms) * 1000).toFixed(0).padStart(10)} events/s  ` +
      `(${events} quotes, ${r.fills.length} fills, ${ms.toFixed(0)} ms)`,
  );
}

export async function run(): Promise<void> {
  const hourly = listSampleBarFiles().find((f) => f.symbol === 'BTC-USD' && f.intervalMs === 3_600_000);
  if (hourly !== undefined) line('trend 12/26 EMA, sample BTC 1h', ...(await sample(hourly.path)));
  if (existsSync(SHARED_1M)) await benchFile('BTC 1m 2025', SHARED_1M);
  else console.log('BTC 1m 2025 not found (../shared/data): skipped');
  await benchTicks();
}

async function sample(file: string): Promise<[number, Run]> {
  const data = await loadData({ paths: [file] });
  return [data.bars.length, await timed(data, file, {})];
}
