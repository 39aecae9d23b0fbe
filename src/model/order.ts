// An order and its state machine. Orders are immutable records: every change (a transition, a fill) returns a new
// order and leaves the old one untouched. That makes "an illegal change alters nothing" true by construction, lets
// events and the journal hold snapshots without copying, and makes before/after comparisons trivial.
import { dec, type Decimal, type DecimalInput, divide, toPlain, ZERO } from '../core/decimal.ts';
import { InvalidTransitionError, OrderError, ValidationError } from '../core/errors.ts';
import { fillNotional, type Fill } from './fill.ts';

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop_loss' | 'stop_limit';
export type TimeInForce = 'gtc' | 'ioc' | 'fok' | 'gfd';
export type OrderStatus =
  'created' | 'submitted' | 'open' | 'partially_filled' | 'filled' | 'canceled' | 'failed' | 'rejected' | 'unknown';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'created',
  'submitted',
  'open',
  'partially_filled',
  'filled',
  'canceled',
  'failed',
  'rejected',
  'unknown',
];

/**
 * The legal transitions; anything else is a bug, refused with InvalidTransitionError. `created` is our intent
 * (journaled before sending), `submitted` means sent (or, from the venue, v2's `pending`: accepted, not yet open),
 * `unknown` means the answer was lost and reconciliation must find out. Refinement for Robinhood: `unknown →
 * submitted`, because reconciliation can find the order still `pending` on v2. Cancellation is asynchronous on
 * Robinhood (the order stays `open` for about a second after the cancel is acknowledged), so there is no
 * "cancel requested" status here: the execution engine tracks the pending cancel, the order stays open until the
 * venue says `canceled`.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  created: ['submitted', 'rejected', 'failed'],
  submitted: ['open', 'partially_filled', 'filled', 'canceled', 'rejected', 'failed', 'unknown'],
  open: ['partially_filled', 'filled', 'canceled', 'failed', 'unknown'],
  partially_filled: ['partially_filled', 'filled', 'canceled', 'failed', 'unknown'],
  unknown: ['submitted', 'open', 'partially_filled', 'filled', 'canceled', 'failed', 'rejected'],
  filled: [],
  canceled: [],
  failed: [],
  rejected: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function isTerminalStatus(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/** Sent and not finished: may still fill, and counts against limits and balances. */
export function isWorkingStatus(status: OrderStatus): boolean {
  return status === 'submitted' || status === 'open' || status === 'partially_filled' || status === 'unknown';
}

export interface Order {
  /** The venue's order id, once known. */
  readonly id?: string;
  /** Our id (a UUID), sent with the order: the key for idempotency and crash recovery. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Asset quantity. Exactly one of `quantity` and `quoteAmount` is set. */
  readonly quantity?: Decimal;
  /** Order value in the quote currency ("buy $50 of BTC"). */
  readonly quoteAmount?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  /** Σ quantity × price over fills, exact; the average fill price derives from it. */
  readonly filledNotional: Decimal;
  /** Undefined until the first fill. */
  readonly averageFillPrice?: Decimal;
  /** Σ fees over fills. */
  readonly fees: Decimal;
  /** Ids of the fills applied, in order: refuses duplicates. */
  readonly fillIds: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly strategyId?: string;
  /** Why the order was placed (from the strategy's signal). */
  readonly reason?: string;
  /** Why the last status change happened (a venue message, "timeout on submit", ...). */
  readonly statusReason?: string;
}

export interface NewOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Default 'gtc'. */
  readonly timeInForce?: TimeInForce;
  readonly quantity?: DecimalInput;
  readonly quoteAmount?: DecimalInput;
  readonly limitPrice?: DecimalInput;
  readonly stopPrice?: DecimalInput;
  /** ms since the epoch, from the injected clock. */
  readonly createdAt: number;
  readonly strategyId?: string;
  readonly reason?: string;
}

function failOrder(input: NewOrder, message: string, field: string, value: unknown): never {
  throw new ValidationError(`order ${input.clientOrderId}: ${message}`, {
    clientOrderId: input.clientOrderId,
    field,
    value,
  });
}

function positiveField(input: NewOrder, field: string, value: DecimalInput | undefined): Decimal | undefined {
  if (value === undefined) return undefined;
  const d = dec(value);
  if (d.lte(ZERO)) failOrder(input, `${field} ${toPlain(d)} must be greater than 0`, field, toPlain(d));
  return d;
}

/** Builds an order in status `created`, checking that the fields fit its type. Values are not rounded here. */
export function createOrder(input: NewOrder): Order {
  const quantity = positiveField(input, 'quantity', input.quantity);
  const quoteAmount = positiveField(input, 'quoteAmount', input.quoteAmount);
  const limitPrice = positiveField(input, 'limitPrice', input.limitPrice);
  const stopPrice = positiveField(input, 'stopPrice', input.stopPrice);
  if ((quantity === undefined) === (quoteAmount === undefined)) {
    failOrder(input, 'give exactly one of quantity and quoteAmount', 'quantity', input.quantity ?? null);
  }
  const needsLimit = input.type === 'limit' || input.type === 'stop_limit';
  const needsStop = input.type === 'stop_loss' || input.type === 'stop_limit';
  if (needsLimit && !limitPrice) failOrder(input, `a ${input.type} order needs a limitPrice`, 'limitPrice', null);
  if (!needsLimit && limitPrice)
    failOrder(input, `a ${input.type} order takes no limitPrice`, 'limitPrice', toPlain(limitPrice));
  if (needsStop && !stopPrice) failOrder(input, `a ${input.type} order needs a stopPrice`, 'stopPrice', null);
  if (!needsStop && stopPrice)
    failOrder(input, `a ${input.type} order takes no stopPrice`, 'stopPrice', toPlain(stopPrice));
  if (!Number.isInteger(input.createdAt))
    failOrder(input, `createdAt ${input.createdAt} must be integer ms`, 'createdAt', 0);
  // Every field written, in the interface's order (undefined when absent): all orders then share one object shape,
  // which keeps the engine's reads of them monomorphic and their copies on V8's fast clone path.
  return {
    id: undefined,
    clientOrderId: input.clientOrderId,
    symbol: input.symbol,
    side: input.side,
    type: input.type,
    timeInForce: input.timeInForce ?? 'gtc',
    quantity,
    quoteAmount,
    limitPrice,
    stopPrice,
    status: 'created',
    filledQuantity: ZERO,
    filledNotional: ZERO,
    averageFillPrice: undefined,
    fees: ZERO,
    fillIds: [],
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    strategyId: input.strategyId,
    reason: input.reason,
    statusReason: undefined,
  };
}

/** What caused a status change: when (from the clock or the venue's timestamp) and why. */
export interface TransitionCause {
  readonly at: number;
  readonly reason?: string;
}

/** Returns the order in its new status, or throws InvalidTransitionError (the order passed in is never changed). */
export function transition(order: Order, to: OrderStatus, cause: TransitionCause): Order {
  if (!canTransition(order.status, to)) {
    const allowed = ORDER_TRANSITIONS[order.status];
    throw new InvalidTransitionError(
      `order ${order.clientOrderId} cannot go from ${order.status} to ${to}` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${order.status} is terminal)`) +
        (cause.reason ? `; cause: ${cause.reason}` : ''),
      { clientOrderId: order.clientOrderId, from: order.status, to, allowed, cause: cause.reason },
    );
  }
  // The previous status reason does not carry over. An object rest would drop it, but rest copies take V8's slow
  // generic path and this runs on every order change.
  return {
    ...order,
    status: to,
    updatedAt: Math.max(order.updatedAt, cause.at),
    statusReason: cause.reason,
  };
}

/** Records the venue's order id (learnt from the submit response); refuses to replace a different one. */
export function withVenueOrderId(order: Order, id: string): Order {
  if (order.id === id) return order;
  if (order.id !== undefined) {
    throw new OrderError(
      `order ${order.clientOrderId} already has venue id ${order.id}, refusing ${id}`,
      'ORDER_ID_CONFLICT',
      {
        clientOrderId: order.clientOrderId,
        id: order.id,
        newId: id,
      },
    );
  }
  return { ...order, id };
}

export function hasFill(order: Order, fillId: string): boolean {
  return order.fillIds.includes(fillId);
}

/** Quantity still to fill, for quantity orders; undefined for quote-amount orders (not known in advance). */
export function remainingQuantity(order: Order): Decimal | undefined {
  return order.quantity?.minus(order.filledQuantity);
}

function refuseFill(order: Order, fill: Fill, message: string, code: string): never {
  throw new OrderError(`order ${order.clientOrderId}: ${message}`, code, {
    clientOrderId: order.clientOrderId,
    fillId: fill.id,
    status: order.status,
  });
}

/**
 * Adds a fill exactly. A working order (submitted, open, partially_filled, unknown) moves to `filled` when a quantity
 * order is complete and to `partially_filled` otherwise; a quote-amount order only becomes `filled` when the venue
 * says so (its final quantity is not known in advance). A late fill on a terminal order (Robinhood reports executions
 * by polling, so they can arrive after the order was seen `canceled` or `failed`) is recorded without a status change.
 * Refused (OrderError, nothing changed): fills for an order never sent (created, rejected), for another order, symbol
 * or side, a fill id already applied (DUPLICATE_FILL), and more than the order's quantity or quote amount (OVERFILL).
 */
export function applyFill(order: Order, fill: Fill): Order {
  if (order.status === 'created' || order.status === 'rejected') {
    refuseFill(order, fill, `cannot take fill ${fill.id} in status ${order.status}`, 'FILL_NOT_ALLOWED');
  }
  const sameOrder =
    fill.clientOrderId === order.clientOrderId ||
    (fill.orderId !== undefined && order.id !== undefined && fill.orderId === order.id);
  if (!sameOrder) refuseFill(order, fill, `fill ${fill.id} belongs to order ${fill.clientOrderId}`, 'FILL_MISMATCH');
  if (fill.symbol !== order.symbol)
    refuseFill(order, fill, `fill ${fill.id} is for ${fill.symbol}, not ${order.symbol}`, 'FILL_MISMATCH');
  if (fill.side !== order.side)
    refuseFill(order, fill, `fill ${fill.id} is a ${fill.side}, the order a ${order.side}`, 'FILL_MISMATCH');
  if (hasFill(order, fill.id)) refuseFill(order, fill, `fill ${fill.id} was already applied`, 'DUPLICATE_FILL');

  const filledQuantity = order.filledQuantity.plus(fill.quantity);
  const filledNotional = order.filledNotional.plus(fillNotional(fill));
  if (order.quantity !== undefined && filledQuantity.gt(order.quantity)) {
    refuseFill(
      order,
      fill,
      `fill ${fill.id} of ${toPlain(fill.quantity)} would fill ${toPlain(filledQuantity)}, more than the order's ${toPlain(order.quantity)}`,
      'OVERFILL',
    );
  }
  if (order.quoteAmount !== undefined && filledNotional.gt(order.quoteAmount)) {
    refuseFill(
      order,
      fill,
      `fill ${fill.id} would bring the filled amount to ${toPlain(filledNotional)}, more than the order's ${toPlain(order.quoteAmount)}`,
      'OVERFILL',
    );
  }

  let status = order.status;
  if (isWorkingStatus(order.status)) {
    const complete = order.quantity !== undefined && filledQuantity.eq(order.quantity);
    status = complete ? 'filled' : 'partially_filled';
  }
  return {
    ...order,
    status,
    filledQuantity,
    filledNotional,
    averageFillPrice: divide(filledNotional, filledQuantity),
    fees: order.fees.plus(fill.fee),
    fillIds: [...order.fillIds, fill.id],
    updatedAt: Math.max(order.updatedAt, fill.timestamp),
  };
}
