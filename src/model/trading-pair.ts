// A tradable pair and its increments. Every order quantity and price goes through this file's rounding before it is
// sent, so that the venue never sees a value it would reject for precision.
import { z } from 'zod';
import { isMultipleOf, roundToIncrement, toPlain, tryDec, ZERO, type Decimal } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';
import type { OrderSide } from './order.ts';

/** Robinhood's v1 statuses; v2 sends a free string, which the venue adapter maps onto these. */
export type TradingPairStatus = 'tradable' | 'untradable' | 'sellonly';

export interface TradingPair {
  /** e.g. 'BTC-USD'. */
  readonly symbol: string;
  /** The base asset, e.g. 'BTC'. */
  readonly assetCode: string;
  /** The quote currency, e.g. 'USD'. */
  readonly quoteCode: string;
  /** Quantity precision, e.g. 0.00000001. */
  readonly assetIncrement: Decimal;
  /** Price precision, e.g. 0.01. */
  readonly quoteIncrement: Decimal;
  /** Smallest order quantity in asset units (v2 has none: defaults to the asset increment). */
  readonly minOrderSize: Decimal;
  /** Largest order quantity in asset units. */
  readonly maxOrderSize: Decimal;
  /** Smallest order value in the quote currency (v2, on some pairs only). */
  readonly minOrderAmount?: Decimal;
  readonly status: TradingPairStatus;
}

const decimalField = z.union([z.string(), z.number()]).transform((value, ctx): Decimal => {
  const parsed = tryDec(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a decimal: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return parsed;
});

const positiveDecimal = decimalField.refine((d) => d.gt(ZERO), {
  error: (issue) => `must be greater than 0, got ${String(issue.input)}`,
});

/** For config and files: decimals as strings (or numbers, parsed losslessly), camelCase keys. */
export const TradingPairSchema = z
  .object({
    symbol: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'symbol must look like BTC-USD'),
    assetCode: z.string().min(1),
    quoteCode: z.string().min(1),
    assetIncrement: positiveDecimal,
    quoteIncrement: positiveDecimal,
    minOrderSize: positiveDecimal.optional(),
    maxOrderSize: positiveDecimal,
    minOrderAmount: positiveDecimal.optional(),
    status: z.enum(['tradable', 'untradable', 'sellonly']).default('tradable'),
  })
  .transform((p): TradingPair => ({
    symbol: p.symbol,
    assetCode: p.assetCode,
    quoteCode: p.quoteCode,
    assetIncrement: p.assetIncrement,
    quoteIncrement: p.quoteIncrement,
    minOrderSize: p.minOrderSize ?? p.assetIncrement,
    maxOrderSize: p.maxOrderSize,
    ...(p.minOrderAmount === undefined ? {} : { minOrderAmount: p.minOrderAmount }),
    status: p.status,
  }))
  .superRefine((p, ctx) => {
    if (p.minOrderSize.gt(p.maxOrderSize)) {
      ctx.addIssue({
        code: 'custom',
        path: ['minOrderSize'],
        message: `minOrderSize ${toPlain(p.minOrderSize)} is above maxOrderSize ${toPlain(p.maxOrderSize)}`,
      });
    }
    if (!p.symbol.startsWith(`${p.assetCode}-`) || !p.symbol.endsWith(`-${p.quoteCode}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['symbol'],
        message: `symbol ${p.symbol} does not match assetCode ${p.assetCode} and quoteCode ${p.quoteCode}`,
      });
    }
  });

export type TradingPairInput = z.input<typeof TradingPairSchema>;

/** Parses and validates a pair from config or a file; the error names each bad field and its value. */
export function parseTradingPair(input: unknown): TradingPair {
  const result = TradingPairSchema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(`invalid trading pair: ${z.prettifyError(result.error)}`, {
      issues: result.error.issues,
    });
  }
  return result.data;
}

/** Rounds a quantity down (toward zero) to the pair's asset increment: never more than asked for. */
export function roundQuantity(pair: TradingPair, quantity: Decimal): Decimal {
  return roundToIncrement(quantity, pair.assetIncrement, 'down');
}

/** Rounds a quote amount (a market order "for $50") down to the quote increment. */
export function roundQuoteAmount(pair: TradingPair, amount: Decimal): Decimal {
  return roundToIncrement(amount, pair.quoteIncrement, 'down');
}

/**
 * Rounds a limit price to the quote increment, never to a worse price than requested: a buy rounds down (pays at
 * most what was asked), a sell rounds up (receives at least what was asked). The order may then fill a little less
 * often, never at a worse price. For stop prices the same rule triggers a protective stop no later than requested.
 */
export function roundPrice(pair: TradingPair, price: Decimal, side: OrderSide): Decimal {
  return roundToIncrement(price, pair.quoteIncrement, side === 'buy' ? 'down' : 'up');
}

export type OrderSizeProblemCode =
  | 'quantity_not_positive'
  | 'quantity_precision'
  | 'quantity_below_minimum'
  | 'quantity_above_maximum'
  | 'price_not_positive'
  | 'price_precision'
  | 'amount_below_minimum';

export interface OrderSizeProblem {
  readonly code: OrderSizeProblemCode;
  readonly message: string;
}

/**
 * Checks a quantity (and, when known, a price) against the pair's limits; returns every problem found, empty when the
 * order is acceptable. Pass values already rounded: an unrounded value is reported, not silently fixed. Messages are
 * built only for a problem found: this runs on every order, and formatting decimals costs more than the checks.
 */
export function validateOrderSize(pair: TradingPair, quantity: Decimal, price?: Decimal): OrderSizeProblem[] {
  const problems: OrderSizeProblem[] = [];
  if (quantity.lte(ZERO)) {
    problems.push({
      code: 'quantity_not_positive',
      message: `quantity ${toPlain(quantity)} must be greater than 0`,
    });
  } else {
    if (!isMultipleOf(quantity, pair.assetIncrement)) {
      problems.push({
        code: 'quantity_precision',
        message: `quantity ${toPlain(quantity)} is not a multiple of the pair's increment ${toPlain(pair.assetIncrement)}`,
      });
    }
    if (quantity.lt(pair.minOrderSize)) {
      problems.push({
        code: 'quantity_below_minimum',
        message: `quantity ${toPlain(quantity)} is below the pair's minimum ${toPlain(pair.minOrderSize)}`,
      });
    }
    if (quantity.gt(pair.maxOrderSize)) {
      problems.push({
        code: 'quantity_above_maximum',
        message: `quantity ${toPlain(quantity)} is above the pair's maximum ${toPlain(pair.maxOrderSize)}`,
      });
    }
  }
  if (price !== undefined) {
    if (price.lte(ZERO)) {
      problems.push({
        code: 'price_not_positive',
        message: `price ${toPlain(price)} must be greater than 0`,
      });
    } else {
      if (!isMultipleOf(price, pair.quoteIncrement)) {
        problems.push({
          code: 'price_precision',
          message: `price ${toPlain(price)} is not a multiple of the pair's price increment ${toPlain(pair.quoteIncrement)}`,
        });
      }
      const amount = quantity.times(price);
      if (pair.minOrderAmount !== undefined && quantity.gt(ZERO) && amount.lt(pair.minOrderAmount)) {
        problems.push({
          code: 'amount_below_minimum',
          message: `order amount ${toPlain(amount)} ${pair.quoteCode} (quantity × price) is below the pair's minimum ${toPlain(pair.minOrderAmount)} ${pair.quoteCode}`,
        });
      }
    }
  }
  return problems;
}

/** Whether the pair currently accepts an order on this side (a sell-only pair refuses buys). */
export function canTrade(pair: TradingPair, side: OrderSide): boolean {
  return pair.status === 'tradable' || (pair.status === 'sellonly' && side === 'sell');
}
