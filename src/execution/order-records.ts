// Model orders and fills ↔ the store's records. Fills are the truth for what was filled: an order loaded from the
// store takes its filled quantity, notional and fees from its recorded fills.
import { divide, sumDec, tryDec, ZERO, type Decimal } from '../core/decimal.ts';
import { isTerminalStatus } from '../model/order.ts';
import type { Fill } from '../model/fill.ts';
import type { Order } from '../model/order.ts';
import type { VenueOrderReport, VenueOrderRequest } from '../venues/venue-port.ts';
import type { Tracked } from './order-registry.ts';
import type { OrderRequest } from './types.ts';
import type {
  FillRecord,
  JsonValue,
  NewFill,
  NewOrder as StoreNewOrder,
  OrderPatch,
  OrderRecord,
} from '../persistence/store.ts';

/** The size and prices every order shape carries: quantity or quote amount, limit and stop price. */
export interface OrderTerms {
  quantity?: Decimal;
  quoteAmount?: Decimal;
  limitPrice?: Decimal;
  stopPrice?: Decimal;
}

/** The terms `from` sets, and only those (an absent term stays absent, as the store and venue shapes want). */
export function orderTerms(from: Readonly<OrderTerms>): OrderTerms {
  const out: OrderTerms = {};
  if (from.quantity !== undefined) out.quantity = from.quantity;
  if (from.quoteAmount !== undefined) out.quoteAmount = from.quoteAmount;
  if (from.limitPrice !== undefined) out.limitPrice = from.limitPrice;
  if (from.stopPrice !== undefined) out.stopPrice = from.stopPrice;
  return out;
}

export function orderToIntent(order: Order, accountNumber: string): StoreNewOrder {
  return {
    clientOrderId: order.clientOrderId,
    accountNumber,
    strategyId: order.strategyId ?? '',
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    createdAt: order.createdAt,
    status: order.status,
    ...(order.id !== undefined && { venueOrderId: order.id }),
    ...orderTerms(order),
    ...(order.reason !== undefined && { reason: order.reason }),
  };
}

export function orderPatch(order: Order, submittedAt?: number): OrderPatch {
  return {
    venueOrderId: order.id ?? null,
    status: order.status,
    filledQuantity: order.filledQuantity,
    averageFillPrice: order.averageFillPrice ?? null,
    fees: order.fees,
    updatedAt: order.updatedAt,
    ...(submittedAt !== undefined && { submittedAt }),
  };
}

export function fillToRecord(fill: Fill, feeCurrency = 'USD'): NewFill {
  return {
    id: fill.id,
    clientOrderId: fill.clientOrderId,
    symbol: fill.symbol,
    side: fill.side,
    quantity: fill.quantity,
    price: fill.price,
    fee: fill.fee,
    feeCurrency: fill.feeCurrency ?? feeCurrency,
    liquidity: fill.liquidity ?? 'unknown',
    timestamp: fill.timestamp,
  };
}

export function fillFromRecord(record: FillRecord, orderId?: string): Fill {
  return {
    id: record.id,
    ...(orderId !== undefined && { orderId }),
    clientOrderId: record.clientOrderId,
    symbol: record.symbol,
    side: record.side,
    quantity: record.quantity,
    price: record.price,
    fee: record.fee,
    feeCurrency: record.feeCurrency,
    timestamp: record.timestamp,
    ...(record.liquidity !== 'unknown' && { liquidity: record.liquidity }),
  };
}

/** Rebuilds the model order from its record and recorded fills (oldest first). */
export function orderFromRecord(record: OrderRecord, fills: readonly FillRecord[]): Order {
  const filledQuantity = sumDec(fills.map((f) => f.quantity));
  const filledNotional = sumDec(fills.map((f) => f.quantity.times(f.price)));
  return {
    ...(record.venueOrderId !== null && { id: record.venueOrderId }),
    clientOrderId: record.clientOrderId,
    symbol: record.symbol,
    side: record.side,
    type: record.type,
    timeInForce: record.timeInForce,
    ...(record.quantity !== null && { quantity: record.quantity }),
    ...(record.quoteAmount !== null && { quoteAmount: record.quoteAmount }),
    ...(record.limitPrice !== null && { limitPrice: record.limitPrice }),
    ...(record.stopPrice !== null && { stopPrice: record.stopPrice }),
    status: record.status,
    filledQuantity,
    filledNotional,
    ...(filledQuantity.gt(ZERO) && { averageFillPrice: divide(filledNotional, filledQuantity) }),
    fees: sumDec(fills.map((f) => f.fee)),
    fillIds: fills.map((f) => f.id),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.strategyId !== '' && { strategyId: record.strategyId }),
    ...(record.reason !== null && { reason: record.reason }),
  };
}

/** An order's zero amounts (before its first fill) are the shared ZERO: no text to build for them. */
const plain = (x: Decimal): string => (x === ZERO ? '0' : x.toFixed());

/** A small journal payload: enough to read the journal without the order table. */
export function journalPayload(order: Order, fill?: Fill): JsonValue {
  return {
    venueOrderId: order.id ?? null,
    status: order.status,
    filledQuantity: plain(order.filledQuantity),
    fees: plain(order.fees),
    ...(fill && {
      fill: { id: fill.id, quantity: fill.quantity.toFixed(), price: fill.price.toFixed(), fee: fill.fee.toFixed() },
    }),
  };
}

/** An order refused before anything was sent (engine state, rounding, size): journaled and reported, never tracked. */
export function rejectedOrder(clientOrderId: string, request: OrderRequest, reason: string, now: number): Order {
  const quantity = request.quantity === undefined ? undefined : tryDec(request.quantity);
  const quoteAmount = request.quoteAmount === undefined ? undefined : tryDec(request.quoteAmount);
  return {
    clientOrderId,
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    timeInForce: request.timeInForce ?? 'gtc',
    ...(quantity !== undefined && { quantity }),
    ...(quoteAmount !== undefined && { quoteAmount }),
    status: 'rejected',
    filledQuantity: ZERO,
    filledNotional: ZERO,
    fees: ZERO,
    fillIds: [],
    createdAt: now,
    updatedAt: now,
    strategyId: request.strategyId,
    reason: request.reason,
    statusReason: reason,
  };
}

/** A report the poll's margin brings back again: nothing newer than what was applied, no new executions. */
export function alreadySeen(t: Tracked, report: VenueOrderReport): boolean {
  return (
    t.lastVenueUpdate !== undefined &&
    report.updatedAt <= t.lastVenueUpdate &&
    report.executions.length === t.order.fillIds.length &&
    (report.status === t.order.status || isTerminalStatus(t.order.status))
  );
}

export function venueRequest(order: Order): VenueOrderRequest {
  return {
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    ...orderTerms(order),
  };
}
