// `sherwood backtest`: runs a strategy over historical data through the live engine (see docs/backtesting.md).
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { backtestConfigFromFlags, type BacktestFlags } from '../../backtest/cli-input.ts';
import { runBacktest, type StrategyFactory } from '../../backtest/engine.ts';
import { writeJson, writeReport } from '../../backtest/report.ts';
import type { BacktestResult } from '../../backtest/result.ts';
import { registryStrategyFactory } from '../../backtest/strategy-source.ts';
import { formatSummary } from '../../backtest/summary.ts';
import { ConfigError, DataError } from '../../core/errors.ts';
import { RiskEngine } from '../../risk/risk-engine.ts';
import { defaultRegistry } from '../../strategies/registry.ts';
import { paramNames, unknownParams } from '../../strategies/strategy.ts';
import { addConfigOptions, flagProblems, loadConfigFromOptions, type ConfigCliOptions } from '../options.ts';
import { logStdout } from '../output.ts';

export interface BacktestCommandIo {
  readonly log: (line: string) => void;
  /** Show a progress bar (a terminal). */
  readonly tty: boolean;
  readonly createStrategy?: StrategyFactory;
}

/**
 * Checks the --param values against the strategy's schema before any data is read. A problem names the parameter and
 * the value: `--param fast "abc": must be a number`, `--param lower is required`.
 */
export async function checkStrategyParams(type: string, params: Readonly<Record<string, unknown>>): Promise<void> {
  const cls = await defaultRegistry.resolve(type);
  const schema = cls.paramsSchema;
  const parsed = schema.safeParse(params);
  const unknown = unknownParams(schema, params);
  if (parsed.success && unknown.length === 0) return;
  const issues = parsed.success ? [] : parsed.error.issues;
  const names: Record<string, string> = { '': `--param (strategy ${type})` };
  for (const issue of issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0] ?? '')];
    for (const key of keys) if (key !== '') names[key] = `--param ${key}`;
  }
  const lines = [
    ...unknown.map((k) => `--param ${k}: ${type} has no such parameter (it has ${paramNames(schema).join(', ')})`),
    ...flagProblems(issues, params, names),
  ];
  throw new ConfigError(`${lines.join('\n')}\n(sherwood strategies ${type} lists its parameters)`, {
    strategy: type,
    issues: lines,
  });
}

/** The loader asks for its `symbol` option on a multi-asset file; on this command line that is --symbols. */
function multiAssetHint(err: unknown): unknown {
  if (!(err instanceof DataError) || !Array.isArray(err.details.assets) || err.details.symbol !== undefined) return err;
  const assets = err.details.assets.map(String);
  return new ConfigError(
    `--data ${JSON.stringify(err.details.file)} holds several assets (${assets.join(', ')}): choose with --symbols, ` +
      `e.g. --symbols ${assets[0] ?? 'BTC'}-USD`,
    { ...err.details, flag: '--symbols' },
    { cause: err },
  );
}

/** Runs the command from raw options; testable without spawning. Throws ConfigError (exit 2) on bad flags. */
export async function runBacktestCommand(
  raw: BacktestFlags & ConfigCliOptions & { risk?: boolean },
  io: BacktestCommandIo,
): Promise<BacktestResult> {
  const { config, json, report } = backtestConfigFromFlags(raw);
  if (io.createStrategy === undefined) await checkStrategyParams(config.strategy, config.params ?? {});
  // --risk: every order passes the RiskEngine with the configuration's `risk` limits, and every position gets the
  // default stops, as in paper and live trading.
  const riskConfig = raw.risk === true ? loadConfigFromOptions(raw).config.risk : undefined;
  const bar = io.tty
    ? new cliProgress.SingleBar({ format: 'backtest [{bar}] {percentage}% {value}/{total} events', hideCursor: true })
    : undefined;
  let started = false;
  try {
    const result = await runBacktest(config, {
      createStrategy: io.createStrategy ?? registryStrategyFactory,
      ...(riskConfig !== undefined && {
        // The configuration's default stops on every position, emulated from the price path.
        stops: {
          stopLoss: riskConfig.stop_loss_default,
          takeProfit: riskConfig.take_profit_default,
          ...(riskConfig.trailing_stop_default !== undefined && { trailing: riskConfig.trailing_stop_default }),
        },
        riskFactory: (c) =>
          new RiskEngine({
            config: riskConfig,
            buyHold: c.buyHold,
            ...(c.stops !== undefined && { stops: c.stops }),
            ...(c.barIntervalMs !== undefined && { barIntervalMs: c.barIntervalMs }),
            clock: c.clock,
            market: c.market,
            portfolio: c.portfolio,
            pairs: c.pairs,
            openOrders: c.openOrders,
            store: c.store,
            onEvent: (e) => {
              if (e.type === 'RiskStateChanged') {
                io.log(`risk ${new Date(e.timestamp).toISOString()}: ${e.from} → ${e.state}: ${e.reasons.join('; ')}`);
              }
            },
          }),
      }),
      ...(bar !== undefined && {
        onProgress: (done: number, total: number) => {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      }),
    }).catch((err: unknown) => {
      throw multiAssetHint(err);
    });
    bar?.stop();
    io.log(formatSummary(result));
    if (json !== undefined) {
      writeJson(json, result);
      io.log(`JSON result: ${json}`);
    }
    if (report !== undefined) {
      writeReport(report, result);
      io.log(`HTML report: ${report}`);
    }
    return result;
  } finally {
    if (started) bar?.stop();
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  const command = program
    .command('backtest')
    .description('Backtest a strategy on historical data through the live engine')
    .requiredOption('--strategy <name>', 'registry name of the strategy, or a path to a .ts/.js strategy file')
    .option('--param <key=value>', 'a strategy parameter (repeatable)', collect)
    .option('--data <path...>', 'bar, quote or trade files (default: the shipped hourly sample of --symbols)')
    .option('--symbols <symbol...>', 'trade only these symbols, e.g. BTC-USD ETH-USD (default: all in the data)')
    .option('--from <iso>', 'start (inclusive), e.g. 2025-06-01')
    .option('--to <iso>', 'end (exclusive)')
    .option('--cash <usd>', 'starting cash', '10000')
    .option('--holdings <symbol=qty...>', 'starting holdings, e.g. BTC-USD=0.5 (valued at the first open)')
    .option('--fee-rate <ratio>', "flat fee ratio per fill, e.g. 0.001 (default: Robinhood's tiers by 30-day volume)")
    .option('--spread-bps <bps>', 'full spread around the price path (default 0)')
    .option('--slippage-bps <bps>', 'slippage on market orders (default 0)')
    .option(
      '--participation <share>',
      'tick data: a limit order takes at most this share (0-1] of the quoted size per quote (default: fills whole)',
    )
    .option('--latency-ms <ms>', 'orders reach the venue this long after they are sent (default 0)')
    .option('--budget <usd>', "the strategy's budget (default: none of its own)")
    .option('--seed <n>', 'seed for ids (same inputs and seed → identical trades)', '1')
    .option('--json <file>', 'write the JSON result here')
    .option('--report <file.html>', 'write the HTML report here')
    .option('--risk', "apply the configuration's risk limits (the RiskEngine) and default stops");
  addConfigOptions(command).action(async (opts: BacktestFlags & ConfigCliOptions & { risk?: boolean }) => {
    await runBacktestCommand(opts, { log: logStdout, tty: process.stdout.isTTY === true });
  });
}
