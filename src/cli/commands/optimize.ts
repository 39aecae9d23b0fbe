// `sherwood optimize`: a parameter search over backtests on worker threads, ranked by a metric, with walk-forward
// out-of-sample results next to in-sample ones (see docs/backtesting.md).
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { backtestConfigFromFlags, flagError, type BacktestFlags } from '../../backtest/cli-input.ts';
import { loadData } from '../../backtest/data.ts';
import { METRIC_NAMES, optimize, type Candidate, type OptimizeResult } from '../../backtest/optimizer.ts';
import { gridPoints, parseAxes, randomPoints } from '../../backtest/param-space.ts';
import { ConfigError } from '../../core/errors.ts';
import { logStdout } from '../output.ts';

export type OptimizeFlags = Omit<BacktestFlags, 'report'> & {
  grid?: string[];
  random?: string;
  metric?: string;
  workers?: string;
  walkForward?: string;
  top?: string;
};

const OptimizeFlagsSchema = z.object({
  grid: z.array(z.string()).min(1, 'give at least one --grid key=a:b:step'),
  random: z.coerce.number().int().positive().optional(),
  metric: z.enum(METRIC_NAMES as [string, ...string[]]).default('sharpe'),
  workers: z.coerce.number().int().min(1).max(256).optional(),
  walkForward: z.coerce.number().int().min(0).max(50).default(0),
  top: z.coerce.number().int().min(1).default(10),
});

export interface OptimizeCommandIo {
  readonly log: (line: string) => void;
  readonly tty: boolean;
  /** A module exporting `createStrategy` for the workers (tests); default: the strategies registry. */
  readonly factoryModule?: string;
}

function fmt(c: Candidate | undefined, metric: string): string {
  if (c === undefined) return '-';
  if (c.error !== undefined) return `error: ${c.error}`;
  const m = c.metrics;
  const score = metric === 'maxDrawdown' ? -c.score : c.score;
  return `${metric}=${score.toFixed(4)} return=${((m?.totalReturn ?? 0) * 100).toFixed(2)}% trades=${m?.tradeCount ?? 0}`;
}

export async function runOptimizeCommand(raw: OptimizeFlags, io: OptimizeCommandIo): Promise<OptimizeResult> {
  // Said plainly here: zod would report "--grid undefined: expected array".
  if (raw.grid === undefined || raw.grid.length === 0) {
    throw new ConfigError(
      raw.random === undefined
        ? '--grid is required (--random only draws from its ranges): give --grid key=a:b:step or key=v1,v2'
        : `--random ${raw.random} draws from the --grid ranges: give at least one --grid key=a:b:step or key=v1,v2`,
      {},
    );
  }
  const parsed = OptimizeFlagsSchema.safeParse(raw);
  if (!parsed.success) throw flagError(parsed.error, raw, 'optimize');
  const o = parsed.data;
  const { config, json } = backtestConfigFromFlags({ ...raw, report: undefined });
  const axes = parseAxes(o.grid);
  // A searched key would silently replace the fixed value in every run.
  const both = axes.find((a) => config.params !== undefined && Object.hasOwn(config.params, a.name));
  if (both !== undefined) {
    throw new ConfigError(`--param ${both.name} and --grid ${both.name}: a parameter is either fixed or searched`, {
      key: both.name,
    });
  }
  const points = o.random !== undefined ? randomPoints(axes, o.random, Number(config.seed ?? 1)) : gridPoints(axes);
  let span: { from: number; to: number } | undefined;
  if (o.walkForward > 0) {
    const data = await loadData({
      paths: config.data,
      ...(config.symbols !== undefined && { symbols: config.symbols }),
      ...(config.from !== undefined && { from: config.from }),
      ...(config.to !== undefined && { to: config.to }),
    });
    const times = data.kind === 'bars' ? data.bars.map((b) => b.timestamp) : data.ticks.map((t) => t.value.timestamp);
    const first = times[0];
    const last = times[times.length - 1];
    if (first === undefined || last === undefined) throw new ConfigError('no data to walk forward over', {});
    span = { from: first, to: last };
  }
  const bar = io.tty ? new cliProgress.SingleBar({ format: 'optimize [{bar}] {value}/{total} runs' }) : undefined;
  bar?.start(points.length * (1 + o.walkForward) + o.walkForward, 0);
  let result: OptimizeResult;
  try {
    result = await optimize({
      base: { ...config, data: config.data },
      points,
      metric: o.metric as (typeof METRIC_NAMES)[number],
      ...(o.workers !== undefined && { workers: o.workers }),
      walkForward: o.walkForward,
      ...(span !== undefined && { span }),
      ...(io.factoryModule !== undefined && { factoryModule: io.factoryModule }),
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
  }
  if (o.random !== undefined && points.length < o.random) {
    io.log(
      `note: --random ${o.random}: the --grid space has only ${points.length} distinct parameter sets; each ran once`,
    );
  }
  io.log(`${points.length} parameter sets, ranked by ${result.metric} (in-sample, whole range):`);
  result.ranking.slice(0, o.top).forEach((c, i) => {
    io.log(`${String(i + 1).padStart(3)}. ${JSON.stringify(c.params)}  ${fmt(c, result.metric)}`);
  });
  // Failed runs rank last, where --top may hide them. (When every run fails, optimize() throws.)
  const failed = result.ranking.filter((c) => c.error !== undefined);
  const firstFailed = failed[0];
  if (firstFailed !== undefined) {
    io.log(
      `${failed.length} of ${result.ranking.length} runs failed; the first, ${JSON.stringify(firstFailed.params)}: ` +
        `${firstFailed.error}`,
    );
  }
  if (result.folds.length > 0) {
    io.log(`walk-forward, ${result.folds.length} folds: best in-sample parameters, then out-of-sample:`);
    for (const f of result.folds) {
      const d = (t: number): string => new Date(t).toISOString().slice(0, 10);
      io.log(
        `  fold ${f.fold} ${JSON.stringify(f.best.params)}  IS ${d(f.inSample.from)}..${d(f.inSample.to)} ${fmt(f.best, result.metric)}` +
          `  |  OOS ${d(f.outOfSample.from)}..${d(f.outOfSample.to)} ${fmt(f.outOfSampleResult, result.metric)}`,
      );
    }
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    const is = mean(result.folds.map((f) => f.best.score).filter(Number.isFinite));
    const oos = mean(result.folds.map((f) => f.outOfSampleResult.score).filter(Number.isFinite));
    io.log(`  mean ${result.metric}: in-sample ${is.toFixed(4)}, out-of-sample ${oos.toFixed(4)}`);
  }
  if (json !== undefined) {
    writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    io.log(`JSON result: ${json}`);
  }
  return result;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  program
    .command('optimize')
    .description('Search strategy parameters with parallel backtests; walk-forward out-of-sample check')
    .requiredOption('--strategy <name>', 'registry name of the strategy, or a path to a strategy file')
    .option('--grid <key=a:b:step>', 'a parameter range (key=a:b:step) or list (key=v1,v2) (repeatable)', collect)
    .option('--random <n>', 'draw n distinct seeded points from the --grid ranges instead of every combination')
    .option('--metric <name>', `rank by: ${METRIC_NAMES.join(', ')}`, 'sharpe')
    .option('--workers <n>', 'worker threads (default: the number of cores)')
    .option('--walk-forward <k>', 'k folds: best in-sample parameters of each window run on the next one', '0')
    .option('--param <key=value>', 'a fixed strategy parameter (repeatable)', collect)
    .option('--data <path...>', 'bar, quote or trade files (default: the shipped hourly sample of --symbols)')
    .option('--symbols <symbol...>', 'trade only these symbols')
    .option('--from <iso>', 'start (inclusive)')
    .option('--to <iso>', 'end (exclusive)')
    .option('--cash <usd>', 'starting cash', '10000')
    .option('--fee-rate <ratio>', "flat fee ratio (default: Robinhood's tiers)")
    .option('--spread-bps <bps>', 'full spread around the price path')
    .option('--slippage-bps <bps>', 'slippage on market orders')
    .option('--participation <share>', 'tick data: share of the quoted size a limit order takes per quote')
    .option('--latency-ms <ms>', 'order latency in simulated ms')
    .option('--seed <n>', 'seed for runs and --random draws', '1')
    .option('--top <n>', 'print the n best', '10')
    .option('--json <file>', 'write the ranking and folds here')
    .action(async (opts: OptimizeFlags) => {
      await runOptimizeCommand(opts, { log: logStdout, tty: process.stdout.isTTY === true });
    });
}
