// Portfolio settings, validated at the boundary: starting cash and holdings are exact decimals, never floats.
import { z } from 'zod';
import { tryDec, ZERO, type Decimal } from '../core/decimal.ts';
import { ConfigError } from '../core/errors.ts';

/** A decimal written as a string (preferred) or a number; parsed losslessly to a Decimal. */
const DecimalText = z.union([z.string(), z.number()]).transform((value, ctx): Decimal => {
  const parsed = tryDec(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a decimal: ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return parsed;
});

const NonNegativeDecimal = DecimalText.refine((d) => d.gte(ZERO), { message: 'must not be negative' });

export const HoldingConfigSchema = z.object({
  /** e.g. 'BTC-USD'. */
  symbol: z.string().min(1),
  /** Asset quantity held at start (> 0). */
  quantity: DecimalText.refine((d) => d.gt(ZERO), { message: 'must be greater than 0' }),
  /** What it cost: sets the cost basis, so unrealized PnL is measured from it. */
  averageEntryPrice: NonNegativeDecimal,
});

export const EquitySamplingSchema = z.discriminatedUnion('mode', [
  /** One point each time the clock enters a new interval (60 000 = a point per minute; a bar's length = per bar). */
  z.object({ mode: z.literal('interval'), intervalMs: z.number().int().positive().default(60_000) }),
  /** A point on every mark and fill (costly with many symbols). */
  z.object({ mode: z.literal('every-mark') }),
  /** Only when `sampleEquity()` is called (a backtest calls it once per bar). */
  z.object({ mode: z.literal('manual') }),
]);

export const PortfolioConfigSchema = z.object({
  /** Names the account's equity series and the persisted ledger. */
  accountId: z.string().min(1).default('default'),
  /** Quote currency of cash, prices and fees. */
  currency: z.string().min(1).default('USD'),
  /** Cash at start (exact). */
  startingCash: NonNegativeDecimal.default(ZERO),
  /** Holdings at start; they belong to `unattributedStrategyId`. */
  holdings: z
    .array(HoldingConfigSchema)
    .superRefine((list, ctx) => {
      // A second entry for a symbol would replace the first: say so rather than keep half of what was meant.
      const seen = new Set<string>();
      list.forEach((h, i) => {
        if (seen.has(h.symbol))
          ctx.addIssue({ code: 'custom', path: [i, 'symbol'], message: `${h.symbol} is listed more than once` });
        seen.add(h.symbol);
      });
    })
    .default([]),
  /** Spot crypto is long-only: a sell beyond the position is refused unless this is true. */
  allowShort: z.boolean().default(false),
  /** Strategy that fills without a strategy id (manual trades, adopted holdings) are booked under. */
  unattributedStrategyId: z.string().min(1).default('external'),
  /** When equity points are taken. */
  equitySampling: EquitySamplingSchema.default({ mode: 'interval', intervalMs: 60_000 }),
  /** Also keep an equity curve (and publish EquityUpdated) per strategy. */
  strategyEquity: z.boolean().default(true),
  /** Equity points kept in memory per curve (older ones are dropped; the store keeps them all). */
  maxHistoryPoints: z.number().int().positive().default(100_000),
});

export type PortfolioConfigInput = z.input<typeof PortfolioConfigSchema>;
export type PortfolioConfig = z.output<typeof PortfolioConfigSchema>;
export type EquitySampling = z.output<typeof EquitySamplingSchema>;

export function parsePortfolioConfig(input: PortfolioConfigInput): PortfolioConfig {
  const parsed = PortfolioConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(`invalid portfolio config: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}
