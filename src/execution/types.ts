// What the execution engine takes and publishes: the order request (approved by risk), the bus topics and the
// engine's own state.
import type { Decimal, DecimalInput } from '../core/decimal.ts';
import type { OrderEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import type { OrderSide, OrderType, TimeInForce } from '../model/order.ts';

/** An order a strategy wants and risk approved. Values are rounded by the engine, not by the caller. */
export interface OrderRequest {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Asset quantity; give exactly one of quantity and quoteAmount. */
  readonly quantity?: DecimalInput;
  /** Order value in the quote currency (not for market orders on Robinhood). */
  readonly quoteAmount?: DecimalInput;
  readonly limitPrice?: DecimalInput;
  readonly stopPrice?: DecimalInput;
  readonly timeInForce?: TimeInForce;
  readonly strategyId: string;
  /** Why (from the strategy's signal): goes to the order, the journal and the logs. */
  readonly reason: string;
  /** Cancel the order if it is still working this long after it was sent (ms). */
  readonly timeoutMs?: number;
  /** A current price for the min-amount check of market orders (they carry no price of their own). */
  readonly referencePrice?: DecimalInput;
}

/** A new fill, published once per fill id: what the portfolio consumes. */
export interface FillReceived {
  readonly type: 'FillReceived';
  /** Clock time when the engine learnt of it. */
  readonly timestamp: number;
  readonly fill: Fill;
  readonly strategyId?: string;
}

/** RUNNING trades normally; REDUCING only lets orders through that reduce exposure; HALTED sends nothing new. */
export type ExecutionState = 'RUNNING' | 'REDUCING' | 'HALTED';

export interface ExecutionStateChanged {
  readonly type: 'ExecutionStateChanged';
  readonly timestamp: number;
  readonly from: ExecutionState;
  readonly state: ExecutionState;
  readonly reason: string;
}

/** The bus topics the execution engine publishes on. */
export interface ExecutionTopics {
  /** Every order event (OrderSubmitted, OrderAccepted, OrderFilled, ...). */
  order: OrderEvent;
  /** Every new fill. */
  fill: FillReceived;
  'execution.state': ExecutionStateChanged;
  [topic: string]: unknown;
}

/** The part of the MessageBus the engine needs. */
export interface ExecutionBus {
  publish<K extends keyof ExecutionTopics & string>(topic: K, message: ExecutionTopics[K]): void;
}

/** pino-compatible, so the app can pass its logger; tests pass a collector. */
export interface ExecutionLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const SILENT_LOGGER: ExecutionLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** The rounded order, ready to record and send. */
export interface PreparedOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity?: Decimal;
  readonly quoteAmount?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly timeInForce: TimeInForce;
}
