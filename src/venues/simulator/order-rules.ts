// Checks an order against its pair and the account before it is accepted. The wording of these messages is ours
// (Robinhood's is unobserved); see docs/simulator.md.
import { type Decimal, divide, isMultipleOf, roundDown, toPlain, ZERO } from '../../core/decimal.ts';
import { validationError } from './errors.ts';
import type { ApiVersion, OrderRequest } from './order.ts';
import type { SimPair } from './pairs.ts';

export function configKey(request: OrderRequest): string {
  return `${request.type}_order_config`;
}

export function checkPairTradable(pair: SimPair | undefined, request: OrderRequest, version: ApiVersion): SimPair {
  if (pair === undefined) throw validationError(`Invalid symbol: ${request.symbol}.`, 'symbol');
  if (pair.status === 'untradable') throw validationError(`${pair.symbol} is not tradable.`, 'symbol');
  if (pair.status === 'sellonly' && request.side === 'buy')
    throw validationError(`${pair.symbol} is sell only.`, 'symbol');
  if (version === 2 && !pair.isApiTradable)
    throw validationError(`${pair.symbol} is not tradable through the API.`, 'symbol');
  return pair;
}

export function checkPrices(pair: SimPair, request: OrderRequest): void {
  const key = configKey(request);
  for (const [name, price] of [
    ['limit_price', request.limitPrice],
    ['stop_price', request.stopPrice],
  ] as const) {
    if (price === undefined) continue;
    if (price.lte(ZERO)) throw validationError('Ensure this value is greater than 0.', `${key}.${name}`);
    if (!isMultipleOf(price, pair.quoteIncrement))
      throw validationError(
        `Order price ${toPlain(price)} has invalid increment; the quote increment is ${toPlain(pair.quoteIncrement)}.`,
        `${key}.${name}`,
      );
  }
}

/**
 * The asset quantity the order will fill: as given, or quote_amount / reference price rounded down. v1 pairs publish a
 * minimum size in asset units; v2 pairs publish none (their minimum is `min_order_amount`, in USD: checkMinAmount).
 */
export function resolveQuantity(
  pair: SimPair,
  request: OrderRequest,
  referencePrice: Decimal,
  version: ApiVersion,
): Decimal {
  const key = configKey(request);
  if (request.assetQuantity !== undefined) {
    const qty = request.assetQuantity;
    const attr = `${key}.asset_quantity`;
    if (qty.lte(ZERO)) throw validationError('Ensure this value is greater than 0.', attr);
    if (!isMultipleOf(qty, pair.assetIncrement))
      throw validationError(
        `Order quantity ${toPlain(qty)} has invalid increment; the asset increment is ${toPlain(pair.assetIncrement)}.`,
        attr,
      );
    checkSize(pair, qty, attr, version);
    return qty;
  }
  const amount = request.quoteAmount;
  const attr = `${key}.quote_amount`;
  if (amount === undefined || amount.lte(ZERO)) throw validationError('Ensure this value is greater than 0.', attr);
  if (!isMultipleOf(amount, pair.quoteIncrement))
    throw validationError(
      `Order amount ${toPlain(amount)} has invalid increment; the quote increment is ${toPlain(pair.quoteIncrement)}.`,
      attr,
    );
  const qty = roundDown(divide(amount, referencePrice), pair.assetIncrement);
  checkSize(pair, qty, attr, version);
  return qty;
}

function checkSize(pair: SimPair, qty: Decimal, attr: string, version: ApiVersion): void {
  if (qty.lte(ZERO))
    throw validationError(`Order amount is too small: it buys less than ${toPlain(pair.assetIncrement)}.`, attr);
  if (version === 1 && qty.lt(pair.minOrderSize))
    throw validationError(
      `Order quantity ${toPlain(qty)} is below the minimum order size of ${toPlain(pair.minOrderSize)}.`,
      attr,
    );
  if (qty.gt(pair.maxOrderSize))
    throw validationError(
      `Order quantity ${toPlain(qty)} is above the maximum order size of ${toPlain(pair.maxOrderSize)}.`,
      attr,
    );
}

export function checkMinAmount(pair: SimPair, qty: Decimal, price: Decimal, request: OrderRequest): void {
  if (pair.minOrderAmount === undefined) return;
  const amount = qty.times(price);
  if (amount.lt(pair.minOrderAmount))
    throw validationError(
      `Order amount ${toPlain(amount)} is below the minimum order amount of ${toPlain(pair.minOrderAmount)}.`,
      request.assetQuantity !== undefined
        ? `${configKey(request)}.asset_quantity`
        : `${configKey(request)}.quote_amount`,
    );
}

/** End of the order's life for gfd/gfw/gfm, in UTC (Robinhood's time zone for these is unconfirmed). */
export function expiryTime(timeInForce: string | undefined, createdAt: number): number | undefined {
  if (timeInForce !== 'gfd' && timeInForce !== 'gfw' && timeInForce !== 'gfm') return undefined; // gtc: no Date
  const d = new Date(createdAt);
  switch (timeInForce) {
    case 'gfd':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    case 'gfw':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
    case 'gfm':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}
