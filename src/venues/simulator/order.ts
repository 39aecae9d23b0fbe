// The simulator's order record. States and their strings are Robinhood's (reference §5.2).
import { type Decimal, divide, ZERO } from '../../core/decimal.ts';

export type SimOrderType = 'market' | 'limit' | 'stop_loss' | 'stop_limit';
export type SimSide = 'buy' | 'sell';
export type SimTimeInForce = 'gtc' | 'gfd' | 'gfw' | 'gfm';
/** `pending` is accepted by the v2 list filter; the simulator never puts an order in it. */
export type SimOrderState = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'failed' | 'pending';
export type ApiVersion = 1 | 2;

export const ORDER_TYPES: readonly SimOrderType[] = ['market', 'limit', 'stop_loss', 'stop_limit'];
export const TIME_IN_FORCE: readonly SimTimeInForce[] = ['gtc', 'gfd', 'gfw', 'gfm'];
export const TERMINAL_STATES: ReadonlySet<SimOrderState> = new Set(['filled', 'canceled', 'failed']);

export interface OrderRequest {
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: SimSide;
  readonly type: SimOrderType;
  readonly assetQuantity?: Decimal;
  readonly quoteAmount?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly timeInForce?: SimTimeInForce;
}

export interface SimExecution {
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly fee: Decimal;
  readonly timestamp: number;
}

export interface SimOrder {
  readonly id: string;
  /** Creation sequence, for stable cursor pagination. */
  readonly seq: number;
  readonly accountNumber: string;
  readonly version: ApiVersion;
  readonly request: OrderRequest;
  readonly assetCode: string;
  /** Asset quantity to fill: as asked, or derived from quote_amount at placement. */
  readonly quantity: Decimal;
  readonly feeRatio: Decimal;
  readonly createdAt: number;
  readonly expiresAt: number | undefined;
  state: SimOrderState;
  /** Changed only by the engine, which records every change in its change log (polls read it). */
  updatedAt: number;
  readonly executions: SimExecution[];
  filledQuantity: Decimal;
  filledNotional: Decimal;
  feeCharged: Decimal;
  /** Stop orders: whether the stop has been crossed. */
  triggered: boolean;
  /** When a requested cancel takes effect. */
  cancelAt?: number;
  /** Fault injection: the order goes `failed` instead of filling. */
  failInjected: boolean;
  /** Sequence number of the last quote that filled it: at most one fill per quote. */
  lastQuoteSeq: number;
  reservedCash: Decimal;
  reservedAsset: Decimal;
}

export function isTerminal(order: SimOrder): boolean {
  return TERMINAL_STATES.has(order.state);
}

export function remainingQuantity(order: SimOrder): Decimal {
  return order.quantity.minus(order.filledQuantity);
}

export function averagePrice(order: SimOrder): Decimal | null {
  return order.filledQuantity.gt(ZERO) ? divide(order.filledNotional, order.filledQuantity) : null;
}

/** A stable text of what the order asks for, to tell a true re-send from a different order with the same id. */
export function orderFingerprint(request: OrderRequest): string {
  const d = (x: Decimal | undefined): string => (x === undefined ? '' : x.toFixed());
  return [
    request.symbol,
    request.side,
    request.type,
    d(request.assetQuantity),
    d(request.quoteAmount),
    d(request.limitPrice),
    d(request.stopPrice),
    request.timeInForce ?? '',
  ].join('|');
}
