// Rounds an order request to the pair's increments and checks it against the pair's limits, before anything is
// recorded or sent. Quantity rounds down (never more than asked); prices never round to a worse price.
import { dec, type Decimal, divide, toPlain, ZERO } from '../core/decimal.ts';
import {
  canTrade,
  roundPrice,
  roundQuantity,
  roundQuoteAmount,
  validateOrderSize,
  type TradingPair,
} from '../model/trading-pair.ts';
import type { OrderRequest, PreparedOrder } from './types.ts';

export type PrepareResult = { ok: true; order: PreparedOrder } | { ok: false; reason: string };

// Helpers live at module level: a closure declared per call costs a name definition per order under tsx.
function deny(reason: string): PrepareResult {
  return { ok: false, reason };
}

/**
 * Requests already prepared, by identity: a strategy's order is prepared by its context (so that the risk check sees
 * the rounded order) and again by the execution engine, which must not trust its caller. Preparing is pure and a
 * prepared request prepares to itself, so the second check may reuse the first when the pair's limits are the same.
 */
const preparedRequests = new WeakMap<OrderRequest, { readonly pair: TradingPair; readonly order: PreparedOrder }>();

/** Records that `request` (built from `order`) is what preparing it against `pair` gives. */
export function rememberPrepared(request: OrderRequest, pair: TradingPair, order: PreparedOrder): void {
  preparedRequests.set(request, { pair, order });
}

function sameLimits(a: TradingPair, b: TradingPair): boolean {
  if (a === b) return true;
  const minAmount =
    a.minOrderAmount === undefined || b.minOrderAmount === undefined
      ? a.minOrderAmount === b.minOrderAmount
      : a.minOrderAmount.eq(b.minOrderAmount);
  return (
    a.symbol === b.symbol &&
    a.status === b.status &&
    minAmount &&
    a.assetIncrement.eq(b.assetIncrement) &&
    a.quoteIncrement.eq(b.quoteIncrement) &&
    a.minOrderSize.eq(b.minOrderSize) &&
    a.maxOrderSize.eq(b.maxOrderSize)
  );
}

export function prepareOrder(pair: TradingPair | undefined, request: OrderRequest): PrepareResult {
  if (pair === undefined) return deny(`unknown symbol ${request.symbol}`);
  const remembered = preparedRequests.get(request);
  if (remembered !== undefined && sameLimits(remembered.pair, pair)) return { ok: true, order: remembered.order };
  if (!canTrade(pair, request.side)) return deny(`${pair.symbol} is ${pair.status}: cannot ${request.side}`);
  if ((request.quantity === undefined) === (request.quoteAmount === undefined)) {
    return deny('give exactly one of quantity and quoteAmount');
  }
  const needsLimit = request.type === 'limit' || request.type === 'stop_limit';
  const needsStop = request.type === 'stop_loss' || request.type === 'stop_limit';
  if (needsLimit !== (request.limitPrice !== undefined)) {
    return deny(
      needsLimit ? `a ${request.type} order needs a limitPrice` : `a ${request.type} order takes no limitPrice`,
    );
  }
  if (needsStop !== (request.stopPrice !== undefined)) {
    return deny(needsStop ? `a ${request.type} order needs a stopPrice` : `a ${request.type} order takes no stopPrice`);
  }
  if (request.type === 'market' && request.quoteAmount !== undefined) {
    return deny('market orders are sized in asset units only (Robinhood has no quote-sized market orders)');
  }
  let limitPrice: Decimal | undefined;
  let stopPrice: Decimal | undefined;
  try {
    limitPrice = request.limitPrice === undefined ? undefined : roundPrice(pair, dec(request.limitPrice), request.side);
    stopPrice = request.stopPrice === undefined ? undefined : roundPrice(pair, dec(request.stopPrice), request.side);
  } catch {
    return deny('limitPrice or stopPrice is not a decimal');
  }
  if (limitPrice?.lte(ZERO) || stopPrice?.lte(ZERO)) return deny('prices must round to more than 0');
  const price =
    limitPrice ?? stopPrice ?? (request.referencePrice === undefined ? undefined : dec(request.referencePrice));
  const base = {
    symbol: pair.symbol,
    side: request.side,
    type: request.type,
    timeInForce: request.timeInForce ?? 'gtc',
    ...(limitPrice !== undefined && { limitPrice }),
    ...(stopPrice !== undefined && { stopPrice }),
  } as const;
  if (request.quantity !== undefined) {
    const asked = dec(request.quantity);
    const quantity = roundQuantity(pair, asked);
    if (quantity.lte(ZERO)) {
      return deny(`quantity ${toPlain(asked)} rounds to 0 at the pair's increment ${toPlain(pair.assetIncrement)}`);
    }
    // A market order's reference price is an estimate (a mid, often a float), not a price sent: only its amount counts.
    const estimated = limitPrice === undefined && stopPrice === undefined;
    const problems = validateOrderSize(pair, quantity, price).filter(
      (p) => !(estimated && p.code === 'price_precision'),
    );
    if (problems.length > 0) return deny(problems.map((p) => p.message).join('; '));
    return { ok: true, order: { ...base, quantity } };
  }
  const asked = dec(request.quoteAmount!);
  const quoteAmount = roundQuoteAmount(pair, asked);
  if (quoteAmount.lte(ZERO)) return deny(`quoteAmount ${toPlain(asked)} rounds to 0`);
  if (pair.minOrderAmount !== undefined && quoteAmount.lt(pair.minOrderAmount)) {
    return deny(
      `order amount ${toPlain(quoteAmount)} ${pair.quoteCode} is below the pair's minimum ${toPlain(pair.minOrderAmount)} ${pair.quoteCode}`,
    );
  }
  if (price !== undefined) {
    const implied = roundQuantity(pair, divide(quoteAmount, price));
    const problems = validateOrderSize(pair, implied).filter((p) => p.code !== 'quantity_precision');
    if (problems.length > 0) return deny(problems.map((p) => `${p.message} (from the quote amount)`).join('; '));
  }
  return { ok: true, order: { ...base, quoteAmount } };
}
