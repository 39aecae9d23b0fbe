// Order, position and equity events: what the engines publish on the bus and the journal records. Discriminated by
// `type`; a switch over them ends with `assertNever`. Each order event carries the order snapshot after the change
// (orders are immutable, so this costs nothing), which is enough to rebuild the order from the journal alone.
import { ZERO, type Decimal } from '../core/decimal.ts';
import type { Fill } from './fill.ts';
import type { Order, OrderSide, OrderType, TimeInForce } from './order.ts';
import { positionChangeKind, type Position, type PositionChangeKind } from './position.ts';

interface OrderEventBase {
  /** ms since the epoch: when the engine learnt of the change (clock time), not the venue's timestamp. */
  readonly timestamp: number;
  readonly clientOrderId: string;
  /** The venue's id, once known. */
  readonly orderId?: string;
  readonly symbol: string;
  readonly strategyId?: string;
  /** The order after the change. */
  readonly order: Order;
}

/** Sent to the venue (intent already journaled). */
export interface OrderSubmitted extends OrderEventBase {
  readonly type: 'OrderSubmitted';
}
/** The venue acknowledged the order and gave it an id (Robinhood: state `open`). */
export interface OrderAccepted extends OrderEventBase {
  readonly type: 'OrderAccepted';
  readonly orderId: string;
}
export interface OrderPartiallyFilled extends OrderEventBase {
  readonly type: 'OrderPartiallyFilled';
  readonly fill: Fill;
}
export interface OrderFilled extends OrderEventBase {
  readonly type: 'OrderFilled';
  /** The last fill; absent when the venue reported `filled` without execution details. */
  readonly fill?: Fill;
}
export interface OrderCanceled extends OrderEventBase {
  readonly type: 'OrderCanceled';
  readonly reason?: string;
}
/** Refused by the venue. */
export interface OrderRejected extends OrderEventBase {
  readonly type: 'OrderRejected';
  readonly reason: string;
}
export interface OrderFailed extends OrderEventBase {
  readonly type: 'OrderFailed';
  readonly reason: string;
}
/** The venue's answer was lost (timeout, crash): reconciliation will resolve it. Fail closed meanwhile. */
export interface OrderUnknown extends OrderEventBase {
  readonly type: 'OrderUnknown';
  readonly reason: string;
}
/** A change that is not a status change (venue id learnt, fee revised, late fill on a terminal order). */
export interface OrderUpdated extends OrderEventBase {
  readonly type: 'OrderUpdated';
  readonly reason?: string;
}

/** Denied by risk before anything was sent: there is no order, only the request. */
export interface OrderDenied {
  readonly type: 'OrderDenied';
  readonly timestamp: number;
  readonly clientOrderId?: string;
  readonly symbol: string;
  readonly strategyId?: string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly timeInForce?: TimeInForce;
  readonly quantity?: Decimal;
  readonly quoteAmount?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  /** Why, in words ("position would exceed max 0.5 BTC"). */
  readonly reason: string;
  /** The rule that denied it, for metrics ("max_position"). */
  readonly rule?: string;
}

export type OrderEvent =
  | OrderSubmitted
  | OrderAccepted
  | OrderPartiallyFilled
  | OrderFilled
  | OrderCanceled
  | OrderRejected
  | OrderDenied
  | OrderFailed
  | OrderUnknown
  | OrderUpdated;

interface PositionEventBase {
  readonly timestamp: number;
  readonly symbol: string;
  readonly strategyId?: string;
  /** The position after the fill. */
  readonly position: Position;
  /** The fill that caused the change. */
  readonly fillId: string;
  /** Realized PnL (gross) added by this fill. */
  readonly realizedPnlDelta: Decimal;
}
export interface PositionOpened extends PositionEventBase {
  readonly type: 'PositionOpened';
}
export interface PositionChanged extends PositionEventBase {
  readonly type: 'PositionChanged';
  readonly change: Extract<PositionChangeKind, 'increased' | 'reduced' | 'flipped'>;
}
export interface PositionClosed extends PositionEventBase {
  readonly type: 'PositionClosed';
}

export type PositionEvent = PositionOpened | PositionChanged | PositionClosed;

/**
 * Mark-to-market valuation. Ledger figures (cash, realized PnL, fees) are exact; valuations at market prices are
 * floats, so that the hot path never does decimal arithmetic per bar (ARCHITECTURE principle 4).
 */
export interface EquityUpdated {
  readonly type: 'EquityUpdated';
  readonly timestamp: number;
  /** Undefined for the whole account. */
  readonly strategyId?: string;
  readonly cash: Decimal;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  readonly positionsValue: number;
  readonly unrealizedPnl: number;
  readonly equity: number;
}

export type TradingEvent = OrderEvent | PositionEvent | EquityUpdated;
export type TradingEventType = TradingEvent['type'];

/** Ends an exhaustive switch: a new event type that is not handled fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unhandled value: ${JSON.stringify(value)}`);
}

/** The fields every order event (but OrderDenied) shares, taken from the order after the change. */
export function orderEventFields(order: Order, timestamp: number): OrderEventBase {
  // Optional fields assigned rather than spread in: conditional spreads are slow, and this runs per order event.
  const base: { -readonly [K in keyof OrderEventBase]: OrderEventBase[K] } = {
    timestamp,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    order,
  };
  if (order.id !== undefined) base.orderId = order.id;
  if (order.strategyId !== undefined) base.strategyId = order.strategyId;
  return base;
}

/** Each member of a union with its fields writable (while an event is being built). */
type Writable<T> = T extends unknown ? { -readonly [K in keyof T]: T[K] } : never;

/** The event for a position change caused by `fill`, or undefined when the quantity did not change. */
export function positionEventFor(
  before: Position,
  after: Position,
  fill: Fill,
  timestamp: number,
): PositionEvent | undefined {
  const kind = positionChangeKind(before, after);
  if (kind === 'unchanged') return undefined;
  const symbol = after.symbol;
  const fillId = fill.id;
  const realizedPnlDelta =
    after.realizedPnl === before.realizedPnl ? ZERO : after.realizedPnl.minus(before.realizedPnl);
  // Literals without spreads, the strategy assigned after: this runs twice per fill, and spreads are a slow path.
  let event: Writable<PositionEvent>;
  switch (kind) {
    case 'opened':
      event = { type: 'PositionOpened', timestamp, symbol, position: after, fillId, realizedPnlDelta };
      break;
    case 'closed':
      event = { type: 'PositionClosed', timestamp, symbol, position: after, fillId, realizedPnlDelta };
      break;
    case 'increased':
    case 'reduced':
    case 'flipped':
      event = { type: 'PositionChanged', change: kind, timestamp, symbol, position: after, fillId, realizedPnlDelta };
      break;
    default:
      return assertNever(kind);
  }
  if (after.strategyId !== undefined) event.strategyId = after.strategyId;
  return event;
}
