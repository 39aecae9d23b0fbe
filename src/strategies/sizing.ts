// Position sizing. The default is a fixed fraction of capital; the risk engine may later size or cap further.
import { dec, divideToPlaces, minDec, ZERO, type Decimal } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';

/**
 * Quantity worth `fraction` of `capital` at `price`, capped so that what the venue holds for it (the notional ×
 * `holdFactor`: a market buy's price collar and fee) is no more than `available`. Not rounded: the order factory
 * rounds down to the pair's asset increment. Zero when the price is unusable or nothing is left.
 */
export function fixedFractionQuantity(
  capital: Decimal,
  fraction: number,
  price: number,
  available?: Decimal,
  holdFactor = 1,
): Decimal {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) {
    throw new ValidationError(`fraction must be in (0, 1], got ${fraction}`, { fraction });
  }
  if (!Number.isFinite(holdFactor) || holdFactor < 1) {
    throw new ValidationError(`holdFactor must be ≥ 1, got ${holdFactor}`, { holdFactor });
  }
  if (!Number.isFinite(price) || price <= 0) return ZERO;
  let amount = capital.times(dec(fraction));
  if (available !== undefined) {
    const spendable = holdFactor === 1 ? available : divideToPlaces(available, dec(holdFactor), 12, 'down');
    amount = minDec(amount, spendable);
  }
  if (amount.lte(ZERO)) return ZERO;
  // 12 significant places is far below any asset increment; the factory rounds down to the pair's.
  return divideToPlaces(amount, dec(price), 12, 'down');
}
