// A backtest's settings, validated at the boundary (CLI, optimizer workers, tests): the error names the field and
// the value. Money is exact decimal text; rates and bps are plain numbers (they configure models, not the ledger).
import { z } from 'zod';
import { dec, ONE, tryDec, ZERO, type Decimal } from '../core/decimal.ts';
import { ConfigError } from '../core/errors.ts';

const DecimalText = z.union([z.string(), z.number()]).transform((value, ctx): Decimal => {
  const parsed = tryDec(typeof value === 'number' ? String(value) : value);
  if (parsed === undefined || parsed.lt(ZERO)) {
    ctx.addIssue({ code: 'custom', message: `not a non-negative decimal: ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return parsed;
});

export const BacktestConfigSchema = z.object({
  /** Registry name of the strategy (or a path to a user strategy file). */
  strategy: z.string().min(1),
  /** Strategy parameters; the strategy's own schema validates them. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Strategy id in orders and the journal (default: the strategy name). */
  strategyId: z.string().min(1).optional(),
  /** Data files (bars, quotes or trades; any format the loaders read). */
  data: z.array(z.string().min(1)).min(1),
  /** Trade only these symbols (`BTC-USD`); default: every symbol in the data. */
  symbols: z.array(z.string().min(1)).optional(),
  /** Inclusive start, ms since the epoch. */
  from: z.number().int().nonnegative().optional(),
  /** Exclusive end, ms since the epoch. */
  to: z.number().int().nonnegative().optional(),
  /** Starting cash (USD). */
  cash: DecimalText.default(dec('10000')),
  /** Starting holdings by symbol (`{"BTC-USD": "0.5"}`), valued at the first open. */
  holdings: z.record(z.string(), DecimalText).default({}),
  /** A flat fee ratio on every fill (0.001 = 0.1 %); absent: Robinhood's v2 tiers by rolling 30-day volume. */
  feeRate: DecimalText.refine((r) => r.lt(ONE), {
    error: 'a fee ratio is below 1 (0.001 = 0.1 %); a fee of the whole notional or more is surely a mistake',
  }).optional(),
  /** Full quoted spread around the price path, in basis points. */
  spreadBps: z.number().min(0).max(10_000).default(0),
  /** Extra price concession on market orders (and triggered stops), in basis points. */
  slippageBps: z.number().min(0).max(10_000).default(0),
  /**
   * Tick data with quoted sizes: a resting limit order takes at most this share of the size quoted at the touch per
   * quote (0.5 = half), so a large order fills over several quotes. Unset: a limit order fills whole once it is
   * marketable (bar data always fills whole: bars carry no quoted size).
   */
  participation: z.number().gt(0).max(1).optional(),
  /** Orders reach the venue (and cancels take effect) this long after they are sent, in simulated ms. */
  latencyMs: z.number().int().min(0).default(0),
  /** Market buys hold back this much more buying power than the price implies (as on the venue). */
  marketBuyCollar: DecimalText.default(dec('0.01')),
  /** Seeds every random choice (order ids, venue ids): same inputs and seed → the same trades. */
  seed: z.number().int().default(1),
  /** The strategy's budget in USD (default: none of its own). */
  budget: DecimalText.optional(),
  /** Tick data: at most one equity point per this many ms. */
  equityIntervalMs: z.number().int().positive().default(60_000),
});

export type BacktestConfigInput = z.input<typeof BacktestConfigSchema>;
export type BacktestConfig = z.output<typeof BacktestConfigSchema>;

/** Parses a config, or throws ConfigError naming each bad field and its value. */
export function parseBacktestConfig(input: unknown): BacktestConfig {
  const parsed = BacktestConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(`invalid backtest config: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}
