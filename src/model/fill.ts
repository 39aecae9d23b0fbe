// A fill (execution): part or all of an order traded at one price. Exact decimals throughout.
import { dec, toPlain, ZERO, type Decimal, type DecimalInput } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';
import type { OrderSide } from './order.ts';

export type Liquidity = 'maker' | 'taker';

export interface Fill {
  /**
   * Unique per fill. Robinhood's executions carry no id, so the venue adapter derives a stable one from the order id
   * and the execution (e.g. its index and timestamp), which makes re-polling the same execution a detectable duplicate.
   */
  readonly id: string;
  /** The venue's order id, when known. */
  readonly orderId?: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Asset quantity, > 0. */
  readonly quantity: Decimal;
  /** Price in the quote currency, > 0. */
  readonly price: Decimal;
  /** ≥ 0, in `feeCurrency` (the quote currency when absent). */
  readonly fee: Decimal;
  readonly feeCurrency?: string;
  /** ms since the epoch. */
  readonly timestamp: number;
  readonly liquidity?: Liquidity;
}

export interface FillInput {
  readonly id: string;
  readonly orderId?: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: DecimalInput;
  readonly price: DecimalInput;
  readonly fee?: DecimalInput;
  readonly feeCurrency?: string;
  readonly timestamp: number;
  readonly liquidity?: Liquidity;
}

/** Builds a fill, checking that quantity and price are positive and the fee is not negative. */
export function createFill(input: FillInput): Fill {
  const quantity = dec(input.quantity);
  const price = dec(input.price);
  const fee = input.fee === undefined ? ZERO : dec(input.fee);
  if (quantity.lte(ZERO)) {
    throw new ValidationError(`fill ${input.id}: quantity ${toPlain(quantity)} must be greater than 0`, {
      fillId: input.id,
      quantity: toPlain(quantity),
    });
  }
  if (price.lte(ZERO)) {
    throw new ValidationError(`fill ${input.id}: price ${toPlain(price)} must be greater than 0`, {
      fillId: input.id,
      price: toPlain(price),
    });
  }
  if (fee.lt(ZERO)) {
    throw new ValidationError(`fill ${input.id}: fee ${toPlain(fee)} must not be negative`, {
      fillId: input.id,
      fee: toPlain(fee),
    });
  }
  if (!Number.isInteger(input.timestamp)) {
    throw new ValidationError(`fill ${input.id}: timestamp ${input.timestamp} must be integer ms`, {
      fillId: input.id,
      timestamp: input.timestamp,
    });
  }
  return {
    id: input.id,
    ...(input.orderId === undefined ? {} : { orderId: input.orderId }),
    clientOrderId: input.clientOrderId,
    symbol: input.symbol,
    side: input.side,
    quantity,
    price,
    fee,
    ...(input.feeCurrency === undefined ? {} : { feeCurrency: input.feeCurrency }),
    timestamp: input.timestamp,
    ...(input.liquidity === undefined ? {} : { liquidity: input.liquidity }),
  };
}

/** quantity × price, exact. */
export function fillNotional(fill: Fill): Decimal {
  return fill.quantity.times(fill.price);
}

/** The fill's quantity signed by side: + for a buy, − for a sell. */
export function signedFillQuantity(fill: Fill): Decimal {
  return fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
}
