// The contract between a strategy and whatever hosts it (the StrategyRunner live, in paper and in backtests): the
// context handed to `onStart`, the order factory, the read-only portfolio view and the result of an order request.
import type { Clock } from '../core/clock.ts';
import type { Decimal, DecimalInput } from '../core/decimal.ts';
import type { MarketView } from '../data/cache.ts';
import type { OrderDenied } from '../model/events.ts';
import type { Order, OrderSide, TimeInForce } from '../model/order.ts';
import type { Position } from '../model/position.ts';
import type { TradingPair } from '../model/trading-pair.ts';

export type { BookView } from '../data/cache.ts';
export type { JsonValue } from '../persistence/store.ts';

/** What an order request came to: sent to execution (the order may still be rejected by the venue), or denied. */
export type OrderResult =
  { readonly ok: true; readonly order: Order } | { readonly ok: false; readonly denial: OrderDenied };

/** Size an order by asset quantity, or by value in the quote currency ("buy $50 of BTC"). */
export type OrderSize = DecimalInput | { readonly quoteAmount: DecimalInput };

export interface OrderOptions {
  /** Why: built from the indicator values that caused the order; goes to the order, the journal and the logs. */
  readonly reason: string;
  /** Cancel the order if it is still working this long after it was sent (ms). */
  readonly timeoutMs?: number;
  readonly timeInForce?: TimeInForce;
}

/**
 * Builds orders for one strategy: rounds quantities down to the pair's asset increment and prices to its quote
 * increment (never to a worse price), checks the pair's limits, then routes through budget and risk to execution.
 */
export interface OrderFactory {
  market(symbol: string, side: OrderSide, size: OrderSize, options: OrderOptions): Promise<OrderResult>;
  limit(
    symbol: string,
    side: OrderSide,
    size: OrderSize,
    limitPrice: DecimalInput,
    options: OrderOptions,
  ): Promise<OrderResult>;
  stopLoss(
    symbol: string,
    side: OrderSide,
    size: OrderSize,
    stopPrice: DecimalInput,
    options: OrderOptions,
  ): Promise<OrderResult>;
  stopLimit(
    symbol: string,
    side: OrderSide,
    size: OrderSize,
    stopPrice: DecimalInput,
    limitPrice: DecimalInput,
    options: OrderOptions,
  ): Promise<OrderResult>;
  /** Resolves false when the order is unknown, not this strategy's, or already finished. */
  cancel(clientOrderId: string, reason?: string): Promise<boolean>;
  /** Cancels this strategy's working orders (in one symbol, or all); resolves to how many cancels were requested. */
  cancelAll(symbol?: string, reason?: string): Promise<number>;
  /** This strategy's working orders, oldest first. */
  open(symbol?: string): readonly Order[];
}

/** The portfolio as one strategy sees it: its own positions, the account's cash, its budget. */
export interface StrategyPortfolioView {
  /** This strategy's position (flat when it holds none). */
  position(symbol: string): Position;
  /** This strategy's signed quantity in `symbol`. */
  quantity(symbol: string): Decimal;
  isFlat(symbol: string): boolean;
  /** The account's cash not reserved for open buy orders. */
  readonly buyingPower: Decimal;
  /** The account's equity (cash + marked positions), float. */
  equity(): number;
  /** This strategy's realized PnL (gross) over all symbols. */
  realizedPnl(): Decimal;
  /** The strategy's budget in quote currency, when it has one. */
  readonly budget: Decimal | undefined;
  /** What the strategy may still commit to buys: budget − cost of its holdings − open buys, capped by buying power. */
  availableToBuy(): Decimal;
}

export interface StrategyLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface StrategyContext {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly clock: Clock;
  readonly market: MarketView;
  readonly portfolio: StrategyPortfolioView;
  /** The pair's increments and limits, or undefined when the venue does not list it. */
  pair(symbol: string): TradingPair | undefined;
  readonly orders: OrderFactory;
  /** Calls `onTimer(name)` every `everyMs` on the clock; setting the same name again replaces the timer. */
  setTimer(name: string, everyMs: number): void;
  cancelTimer(name: string): void;
  /**
   * Default position sizing: `fraction` of the strategy's capital (its budget, else the account's equity), capped by
   * what it may still buy, divided by `price`. Not rounded: the order factory rounds to the pair's increment.
   */
  fixedFraction(fraction: number, price: number): Decimal;
  readonly log: StrategyLogger;
}

/** The market events a strategy can receive. */
export type MarketEvent = 'quote' | 'bar' | 'trade' | 'book';
