// Pre-trade rules that need only the request, the pair and the market: tradable, a price to judge it by, the
// fat-finger band and the pair's size limits. Each returns a denial naming the value and the limit, or the order
// resolved to a quantity, a price and a notional for the later layers.
import { dec, type Decimal, divide, isMultipleOf, roundDown, toPlain, ZERO } from '../core/decimal.ts';
import type { MarketView } from '../data/cache.ts';
import type { OrderRequest } from '../execution/types.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import type { RiskDecision } from './risk-gate.ts';

export type Denial = Extract<RiskDecision, { approved: false }>;

export function deny(rule: string, reason: string, value?: string, limit?: string): Denial {
  return {
    approved: false,
    rule,
    reason,
    ...(value !== undefined && { value }),
    ...(limit !== undefined && { limit }),
  };
}

export interface ResolvedOrder {
  readonly pair: TradingPair;
  /** The price the order is judged at: its limit (or stop) price, else the side of the quote it would take. */
  readonly price: Decimal;
  /** The market's current price (quote mid, else last trade or bar close). */
  readonly reference: number;
  /** Asset quantity, rounded down to the pair's increment (what the venue would get). */
  readonly quantity: Decimal;
  readonly notional: Decimal;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const num = (x: number): string => toPlain(dec(Number(x.toPrecision(12))));

let lastFloat = Number.NaN;
let lastDecimal: Decimal = ZERO;

/** A float price as an exact decimal of its 15 significant digits; the last one is remembered (quotes repeat). */
function decimalOf(x: number): Decimal {
  if (x !== lastFloat) {
    lastDecimal = dec(Number(x.toPrecision(15)));
    lastFloat = x;
  }
  return lastDecimal;
}

/**
 * isMultipleOf without a division when the increment is a power of ten (every Robinhood pair): then a value is a
 * multiple exactly when it has no more decimal places than the increment.
 */
function multipleOf(value: Decimal, increment: Decimal): boolean {
  if (increment.c.length === 1 && increment.c[0] === 1 && increment.e <= 0)
    return Math.max(0, value.c.length - 1 - value.e) <= -increment.e;
  return isMultipleOf(value, increment);
}

function tryDecimal(v: unknown): Decimal | undefined {
  try {
    return v === undefined ? undefined : dec(v as string);
  } catch {
    return undefined;
  }
}

export function checkTradable(request: OrderRequest, pair: TradingPair | undefined): Denial | TradingPair {
  if (pair === undefined)
    return deny('unknown_symbol', `${request.symbol} is not a known trading pair`, request.symbol);
  if (pair.status === 'untradable')
    return deny('symbol_tradable', `${pair.symbol} is not tradable (status untradable)`, pair.status, 'tradable');
  if (pair.status === 'sellonly' && request.side === 'buy')
    return deny('symbol_tradable', `${pair.symbol} is sell-only: buys are not accepted`, pair.status, 'tradable');
  return pair;
}

/** Resolves price, quantity and notional, and applies the price band and the pair's size limits. */
export function resolveOrder(
  request: OrderRequest,
  pair: TradingPair,
  market: MarketView,
  priceBand: number,
): Denial | ResolvedOrder {
  const reference = market.price(pair.symbol);
  if (reference === undefined || !(reference > 0))
    return deny('no_price', `no current price for ${pair.symbol}: cannot judge the order (fail closed)`);

  const limitPrice = tryDecimal(request.limitPrice);
  const stopPrice = tryDecimal(request.stopPrice);
  for (const [name, p] of [
    ['limit price', limitPrice],
    ['stop price', stopPrice],
  ] as const) {
    if (p === undefined) continue;
    if (p.lte(ZERO)) return deny('price_band', `${name} ${toPlain(p)} is not positive`, toPlain(p), '> 0');
    const deviation = Math.abs(Number(p.toFixed()) / reference - 1);
    if (deviation > priceBand)
      return deny(
        'price_band',
        `${name} ${toPlain(p)} is ${pct(deviation)} from the current price ${num(reference)}; the band is ${pct(priceBand)}`,
        toPlain(p),
        `${num(reference * (1 - priceBand))}..${num(reference * (1 + priceBand))}`,
      );
  }
  const quote = market.quote(pair.symbol);
  const taken = request.side === 'buy' ? quote?.ask : quote?.bid;
  const price =
    limitPrice ??
    (request.type === 'stop_loss' ? stopPrice : undefined) ??
    decimalOf(taken && taken > 0 ? taken : reference);

  const quantityIn = tryDecimal(request.quantity);
  const amountIn = tryDecimal(request.quoteAmount);
  if ((quantityIn === undefined) === (amountIn === undefined))
    return deny('order_size', 'give exactly one of quantity and quoteAmount (as decimals)');
  if (quantityIn !== undefined && !multipleOf(quantityIn, pair.assetIncrement))
    return deny(
      'asset_increment',
      `quantity ${toPlain(quantityIn)} is not a multiple of the pair's increment ${toPlain(pair.assetIncrement)}`,
      toPlain(quantityIn),
      toPlain(pair.assetIncrement),
    );
  // A given quantity is already a multiple of the increment (checked above): rounding it would change nothing.
  const quantity = quantityIn ?? roundDown(divide(amountIn as Decimal, price), pair.assetIncrement);
  if (quantity.lt(pair.minOrderSize) || quantity.lte(ZERO))
    return deny(
      'min_order_size',
      `quantity ${toPlain(quantity)} is below the pair's minimum ${toPlain(pair.minOrderSize)}`,
      toPlain(quantity),
      toPlain(pair.minOrderSize),
    );
  if (quantity.gt(pair.maxOrderSize))
    return deny(
      'max_order_size',
      `quantity ${toPlain(quantity)} is above the pair's maximum ${toPlain(pair.maxOrderSize)}`,
      toPlain(quantity),
      toPlain(pair.maxOrderSize),
    );
  const notional = amountIn ?? quantity.times(price);
  if (pair.minOrderAmount !== undefined && notional.lt(pair.minOrderAmount))
    return deny(
      'min_order_amount',
      `order value ${toPlain(notional)} is below the pair's minimum ${toPlain(pair.minOrderAmount)}`,
      toPlain(notional),
      toPlain(pair.minOrderAmount),
    );
  return { pair, price, reference, quantity, notional };
}
