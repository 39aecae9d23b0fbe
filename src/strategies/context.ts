// Builds the StrategyContext the runner hands to one strategy: its order factory (rounding through the pair, then
// the runner's budget and risk checks), its view of the portfolio, timers and sizing.
import type { Clock } from '../core/clock.ts';
import {
  dec,
  type Decimal,
  type DecimalInput,
  divideToPlaces,
  maxDec,
  minDec,
  sumDec,
  toPlain,
  ZERO,
} from '../core/decimal.ts';
import type { MarketView } from '../data/cache.ts';
import { prepareOrder, rememberPrepared } from '../execution/prepare-order.ts';
import { orderDenied } from '../execution/order-denied.ts';
import type { OrderRequest } from '../execution/types.ts';
import { isWorkingStatus, type Order, type OrderSide, type OrderType } from '../model/order.ts';
import type { Position } from '../model/position.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import { fixedFractionQuantity } from './sizing.ts';
import type {
  OrderFactory,
  OrderOptions,
  OrderResult,
  OrderSize,
  StrategyContext,
  StrategyLogger,
  StrategyPortfolioView,
} from './types.ts';

/** The part of the Portfolio the runner reads (src/portfolio/portfolio.ts satisfies it). */
export interface PortfolioPort {
  position(symbol: string, strategyId?: string): Position;
  positions(strategyId?: string): Position[];
  readonly buyingPower: Decimal;
  equity(): number;
}

/** What a context needs from its host (the runner). */
export interface ContextHost {
  readonly clock: Clock;
  readonly market: MarketView;
  readonly portfolio: PortfolioPort;
  pair(symbol: string): TradingPair | undefined;
  /** A market buy's hold at the venue per unit of notional (collar and fee); sizing leaves this headroom. */
  readonly buyHoldFactor: number;
  /** Budget, risk, execution. */
  route(strategyId: string, request: OrderRequest): Promise<OrderResult>;
  /** A denial before anything reached risk (bad size, unknown pair): journaled like any other. */
  deny(strategyId: string, request: OrderRequest, rule: string, reason: string): Promise<OrderResult>;
  openOrders(strategyId: string, symbol?: string): Order[];
  cancel(strategyId: string, clientOrderId: string, reason: string): Promise<boolean>;
  setTimer(strategyId: string, name: string, everyMs: number): void;
  cancelTimer(strategyId: string, name: string): void;
}

export interface ContextSpec {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly budget?: Decimal;
  readonly log: StrategyLogger;
}

/** Quote currency committed by an open buy order: what is left of it at its price (or its quote amount). */
function openBuyCommitment(order: Order, market: MarketView): Decimal {
  if (order.quoteAmount !== undefined) return maxDec(ZERO, order.quoteAmount.minus(order.filledNotional));
  const remaining = (order.quantity ?? ZERO).minus(order.filledQuantity);
  const price = order.limitPrice ?? order.stopPrice ?? marketPrice(market, order.symbol);
  return price === undefined || remaining.lte(ZERO) ? ZERO : remaining.times(price);
}

function marketPrice(market: MarketView, symbol: string): Decimal | undefined {
  const p = market.price(symbol);
  return p === undefined || !Number.isFinite(p) || p <= 0 ? undefined : dec(p);
}

/** Quote currency the strategy has committed to buys: cost of its long holdings plus its open buy orders. */
export function committedQuote(host: ContextHost, strategyId: string): Decimal {
  const held = sumDec(
    host.portfolio
      .positions(strategyId)
      .filter((p) => p.quantity.gt(ZERO))
      .map((p) => p.costBasis),
  );
  const open = sumDec(
    host
      .openOrders(strategyId)
      .filter((o) => o.side === 'buy' && isWorkingStatus(o.status))
      .map((o) => openBuyCommitment(o, host.market)),
  );
  return held.plus(open);
}

/** What a buy request would commit, in quote currency (undefined when no price is known to value it). */
export function requestNotional(request: OrderRequest): Decimal | undefined {
  if (request.quoteAmount !== undefined) return dec(request.quoteAmount);
  const price = request.limitPrice ?? request.stopPrice ?? request.referencePrice;
  return price === undefined || request.quantity === undefined ? undefined : dec(request.quantity).times(dec(price));
}

export function createContext(host: ContextHost, spec: ContextSpec): StrategyContext {
  const { id } = spec;

  const place = async (
    symbol: string,
    side: OrderSide,
    type: OrderType,
    size: OrderSize,
    prices: { limitPrice?: DecimalInput; stopPrice?: DecimalInput },
    options: OrderOptions,
  ): Promise<OrderResult> => {
    const reference = marketPrice(host.market, symbol);
    let sized: { quantity: DecimalInput } | { quoteAmount: DecimalInput } =
      typeof size === 'object' && size !== null && 'quoteAmount' in size
        ? { quoteAmount: size.quoteAmount }
        : { quantity: size };
    // Robinhood has no quote-sized market orders: convert at the current price, the factory rounds it down.
    if (type === 'market' && 'quoteAmount' in sized && reference !== undefined) {
      sized = { quantity: divideToPlaces(dec(sized.quoteAmount), reference, 12, 'down') };
    }
    const raw: OrderRequest = {
      symbol,
      side,
      type,
      ...sized,
      ...prices,
      ...(options.timeInForce !== undefined && { timeInForce: options.timeInForce }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(reference !== undefined && { referencePrice: reference }),
      strategyId: id,
      reason: options.reason,
    };
    const pair = host.pair(symbol);
    let prepared;
    try {
      prepared = prepareOrder(pair, raw);
    } catch (err) {
      return host.deny(id, raw, 'order_size', `not a valid order: ${String(err)}`);
    }
    if (!prepared.ok) return host.deny(id, raw, pair === undefined ? 'unknown_pair' : 'order_size', prepared.reason);
    const o = prepared.order;
    const request: OrderRequest = {
      ...raw,
      ...(o.quantity !== undefined && { quantity: o.quantity }),
      ...(o.quoteAmount !== undefined && { quoteAmount: o.quoteAmount }),
      ...(o.limitPrice !== undefined && { limitPrice: o.limitPrice }),
      ...(o.stopPrice !== undefined && { stopPrice: o.stopPrice }),
    };
    if (pair !== undefined) rememberPrepared(request, pair, o);
    return host.route(id, request);
  };

  const orders: OrderFactory = {
    market: (symbol, side, size, options) => place(symbol, side, 'market', size, {}, options),
    limit: (symbol, side, size, limitPrice, options) => place(symbol, side, 'limit', size, { limitPrice }, options),
    stopLoss: (symbol, side, size, stopPrice, options) =>
      place(symbol, side, 'stop_loss', size, { stopPrice }, options),
    stopLimit: (symbol, side, size, stopPrice, limitPrice, options) =>
      place(symbol, side, 'stop_limit', size, { stopPrice, limitPrice }, options),
    cancel: (clientOrderId, reason = 'canceled by strategy') => host.cancel(id, clientOrderId, reason),
    cancelAll: async (symbol, reason = 'canceled by strategy') => {
      let n = 0;
      for (const o of host.openOrders(id, symbol)) if (await host.cancel(id, o.clientOrderId, reason)) n++;
      return n;
    },
    open: (symbol) => host.openOrders(id, symbol),
  };

  const availableToBuy = (): Decimal => {
    const buyingPower = maxDec(ZERO, host.portfolio.buyingPower);
    if (spec.budget === undefined) return buyingPower;
    return minDec(buyingPower, maxDec(ZERO, spec.budget.minus(committedQuote(host, id))));
  };

  const portfolio: StrategyPortfolioView = {
    position: (symbol) => host.portfolio.position(symbol, id),
    quantity: (symbol) => host.portfolio.position(symbol, id).quantity,
    isFlat: (symbol) => host.portfolio.position(symbol, id).quantity.eq(ZERO),
    get buyingPower() {
      return host.portfolio.buyingPower;
    },
    equity: () => host.portfolio.equity(),
    realizedPnl: () => sumDec(host.portfolio.positions(id).map((p) => p.realizedPnl)),
    budget: spec.budget,
    availableToBuy,
  };

  return {
    id,
    symbols: spec.symbols,
    clock: host.clock,
    market: host.market,
    portfolio,
    pair: (symbol) => host.pair(symbol),
    orders,
    setTimer: (name, everyMs) => host.setTimer(id, name, everyMs),
    cancelTimer: (name) => host.cancelTimer(id, name),
    fixedFraction: (fraction, price) => {
      const capital = spec.budget ?? dec(host.portfolio.equity());
      return fixedFractionQuantity(capital, fraction, price, availableToBuy(), host.buyHoldFactor);
    },
    log: spec.log,
  };
}

/** The OrderDenied event for a request that never reached execution. */
export const denialOf = orderDenied;

export const plainOrUndefined = (v: Decimal | undefined): string | undefined =>
  v === undefined ? undefined : toPlain(v);
