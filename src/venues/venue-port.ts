// The venue port: the one interface the execution engine talks to. Robinhood (live, or paper against the HTTP
// simulator) and the in-process simulated venue (backtests) implement it; the engine never knows which.
import { OrderError } from '../core/errors.ts';
import type { Decimal } from '../core/decimal.ts';
import type { Account } from '../model/account.ts';
import type { Fill } from '../model/fill.ts';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../model/order.ts';
import type { TradingPair } from '../model/trading-pair.ts';

/** An order as sent: already rounded to the pair's increments, with our UUID. */
export interface VenueOrderRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity?: Decimal;
  readonly quoteAmount?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly timeInForce?: TimeInForce;
}

/** The venue's view of one order, in model terms. */
export interface VenueOrderReport {
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Mapped onto the model: pending → submitted, open, partially_filled, filled, canceled, failed. */
  readonly status: OrderStatus;
  /** The venue's raw state string, for logs and the journal. */
  readonly venueState: string;
  readonly quantity?: Decimal;
  readonly quoteAmount?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly filledQuantity: Decimal;
  readonly averagePrice?: Decimal;
  /** Total fee charged so far. */
  readonly fees: Decimal;
  /** Every execution so far, as fills with ids that are stable across re-polls. */
  readonly executions: readonly Fill[];
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface VenueOrderQuery {
  /** Orders updated at or after this time (ms). */
  readonly updatedSince?: number;
  /** Orders created at or after this time (ms). */
  readonly createdSince?: number;
  /** Only these statuses (the adapter filters or queries per status). */
  readonly states?: readonly OrderStatus[];
}

export interface VenuePort {
  /** A short name for logs ('robinhood', 'simulated'). */
  readonly name: string;
  getTradingPairs(): Promise<TradingPair[]>;
  /** Buying power and holdings. */
  getAccount(): Promise<Account>;
  /**
   * Sends the order. Resolves with the venue's report when it was accepted. Throws VenueOrderRejected when it was
   * definitely not placed, and VenueOutcomeUnknown when it may or may not have been (reconcile, never re-send).
   */
  submitOrder(request: VenueOrderRequest): Promise<VenueOrderReport>;
  /** Requests a cancel (asynchronous on Robinhood). Resolves with the order when the venue returns it. */
  cancelOrder(venueOrderId: string): Promise<VenueOrderReport | undefined>;
  /** The order by the venue's id; undefined when the venue does not know it. */
  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined>;
  /** Every matching order, all pages. */
  listOrders(query?: VenueOrderQuery): Promise<VenueOrderReport[]>;
  /** The order with our id created at or after `createdSince` (ms), or undefined. */
  findOrderByClientOrderId(clientOrderId: string, createdSince: number): Promise<VenueOrderReport | undefined>;
}

/** The venue definitely did not place the order (it refused it, or the request was never sent). */
export class VenueOrderRejected extends OrderError {
  readonly clientOrderId: string;
  /** True when the request never left (circuit open, connection refused): nothing reached the venue. */
  readonly notSent: boolean;
  constructor(message: string, details: { clientOrderId: string; notSent?: boolean }, cause?: unknown) {
    super(message, 'VENUE_ORDER_REJECTED', { ...details }, { cause });
    this.clientOrderId = details.clientOrderId;
    this.notSent = details.notSent ?? false;
  }
}

/** The order may or may not have been placed (timeout, lost connection, 5xx, 429): look it up by clientOrderId. */
export class VenueOutcomeUnknown extends OrderError {
  readonly clientOrderId: string;
  constructor(message: string, details: { clientOrderId: string }, cause?: unknown) {
    super(message, 'VENUE_OUTCOME_UNKNOWN', { ...details }, { cause });
    this.clientOrderId = details.clientOrderId;
  }
}
