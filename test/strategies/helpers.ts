// A hand-written harness for strategy tests: a simulated clock, a real MarketDataCache and Portfolio, a fake
// execution that records requests (and fills them on demand), a fake store, and the real StrategyRunner.
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, type DecimalInput } from '../../src/core/decimal.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import type { CancelFilter } from '../../src/execution/execution-engine.ts';
import type { OrderRequest } from '../../src/execution/types.ts';
import type { OrderEvent } from '../../src/model/events.ts';
import { createFill } from '../../src/model/fill.ts';
import type { Bar, Quote } from '../../src/model/market.ts';
import { isWorkingStatus, type Order } from '../../src/model/order.ts';
import { parseTradingPair, type TradingPair } from '../../src/model/trading-pair.ts';
import type { JournalEventInput, JsonValue, StrategyStateRecord } from '../../src/persistence/store.ts';
import { Portfolio } from '../../src/portfolio/portfolio.ts';
import { APPROVE_ALL, type RiskGate } from '../../src/risk/risk-gate.ts';
import { StrategyRunner, type ExecutionPort, type StrategyStore } from '../../src/strategies/runner.ts';

export const T0 = 1_750_000_000_000;
export const MINUTE = 60_000;

export const PAIRS: Record<string, TradingPair> = {
  'BTC-USD': parseTradingPair({
    symbol: 'BTC-USD',
    assetCode: 'BTC',
    quoteCode: 'USD',
    assetIncrement: '0.00000001',
    quoteIncrement: '0.01',
    maxOrderSize: '100000',
  }),
  'ETH-USD': parseTradingPair({
    symbol: 'ETH-USD',
    assetCode: 'ETH',
    quoteCode: 'USD',
    assetIncrement: '0.0001',
    quoteIncrement: '0.01',
    maxOrderSize: '1000',
  }),
};

export class FakeExecution implements ExecutionPort {
  readonly requests: OrderRequest[] = [];
  readonly orders = new Map<string, Order>();
  readonly canceled: string[] = [];
  #n = 0;
  constructor(readonly now: () => number) {}

  submit(request: OrderRequest): Promise<Order> {
    this.requests.push(request);
    const clientOrderId = `order-${++this.#n}`;
    const d = (v: DecimalInput | undefined) => (v === undefined ? undefined : dec(v));
    const order: Order = {
      clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      timeInForce: request.timeInForce ?? 'gtc',
      ...(request.quantity !== undefined && { quantity: d(request.quantity)! }),
      ...(request.quoteAmount !== undefined && { quoteAmount: d(request.quoteAmount)! }),
      ...(request.limitPrice !== undefined && { limitPrice: d(request.limitPrice)! }),
      ...(request.stopPrice !== undefined && { stopPrice: d(request.stopPrice)! }),
      status: 'open',
      filledQuantity: dec(0n),
      filledNotional: dec(0n),
      fees: dec(0n),
      fillIds: [],
      createdAt: this.now(),
      updatedAt: this.now(),
      strategyId: request.strategyId,
      reason: request.reason,
    };
    this.orders.set(clientOrderId, order);
    return Promise.resolve(order);
  }
  cancel(clientOrderId: string): Promise<boolean> {
    const o = this.orders.get(clientOrderId);
    if (o === undefined || !isWorkingStatus(o.status)) return Promise.resolve(false);
    this.canceled.push(clientOrderId);
    this.orders.set(clientOrderId, { ...o, status: 'canceled' });
    return Promise.resolve(true);
  }
  async cancelAll(filter: CancelFilter = {}): Promise<number> {
    let n = 0;
    for (const o of this.openOrders()) {
      if (filter.strategyId !== undefined && o.strategyId !== filter.strategyId) continue;
      if (await this.cancel(o.clientOrderId)) n++;
    }
    return n;
  }
  openOrders(): Order[] {
    return [...this.orders.values()].filter((o) => isWorkingStatus(o.status));
  }
  getOrder(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId);
  }
}

export class FakeStore implements StrategyStore {
  readonly events: JournalEventInput[] = [];
  readonly states = new Map<string, StrategyStateRecord>();
  appendEvent(event: JournalEventInput): Promise<number> {
    this.events.push(event);
    return Promise.resolve(this.events.length);
  }
  saveStrategyState(strategyId: string, state: JsonValue, updatedAt: number): Promise<void> {
    this.states.set(strategyId, { strategyId, state, updatedAt });
    return Promise.resolve();
  }
  loadStrategyState(strategyId: string): Promise<StrategyStateRecord | undefined> {
    return Promise.resolve(this.states.get(strategyId));
  }
}

export interface Harness {
  clock: SimulatedClock;
  cache: MarketDataCache;
  portfolio: Portfolio;
  execution: FakeExecution;
  store: FakeStore;
  runner: StrategyRunner;
  errors: object[];
  /** Writes the bar to the cache, marks the portfolio, dispatches, waits. */
  bar(bar: Bar): Promise<void>;
  quote(quote: Quote): Promise<void>;
  /** Fills an order completely at `price` (default: its limit price) and tells the runner. */
  fill(clientOrderId: string, price?: DecimalInput): Promise<void>;
}

export function harness(
  options: { cash?: string; risk?: RiskGate; store?: FakeStore; maxErrors?: number } = {},
): Harness {
  const clock = new SimulatedClock(T0);
  const cache = new MarketDataCache();
  const portfolio = new Portfolio({
    clock,
    config: { startingCash: options.cash ?? '10000', equitySampling: { mode: 'manual' } },
  });
  const execution = new FakeExecution(() => clock.now());
  const store = options.store ?? new FakeStore();
  const errors: object[] = [];
  const runner = new StrategyRunner({
    clock,
    market: cache,
    portfolio,
    execution,
    risk: options.risk ?? APPROVE_ALL,
    pairs: (s) => PAIRS[s],
    store,
    logger: { info: () => {}, warn: () => {}, error: (o) => errors.push(o) },
    ...(options.maxErrors !== undefined && { maxConsecutiveErrors: options.maxErrors }),
  });
  let fillSeq = 0;
  return {
    clock,
    cache,
    portfolio,
    execution,
    store,
    runner,
    errors,
    async bar(bar) {
      if (bar.timestamp + bar.intervalMs > clock.now()) clock.advanceTo(bar.timestamp + bar.intervalMs);
      cache.addBar(bar);
      portfolio.onBar(bar);
      await runner.onBar(bar);
      await runner.idle();
    },
    async quote(quote) {
      if (quote.timestamp > clock.now()) clock.advanceTo(quote.timestamp);
      cache.updateQuote(quote);
      portfolio.onQuote(quote);
      await runner.onQuote(quote);
      await runner.idle();
    },
    async fill(clientOrderId, price) {
      const order = execution.orders.get(clientOrderId)!;
      const px = dec(price ?? order.limitPrice ?? order.stopPrice!);
      const quantity = order.quantity ?? order.quoteAmount!.div(px).round(8, 0);
      const fill = createFill({
        id: `fill-${++fillSeq}`,
        clientOrderId,
        symbol: order.symbol,
        side: order.side,
        quantity,
        price: px,
        timestamp: clock.now(),
      });
      portfolio.applyFill(fill, order.strategyId);
      const filled: Order = {
        ...order,
        status: 'filled',
        filledQuantity: quantity,
        filledNotional: quantity.times(px),
        averageFillPrice: px,
        fillIds: [fill.id],
      };
      execution.orders.set(clientOrderId, filled);
      await runner.onFill({ type: 'FillReceived', timestamp: clock.now(), fill, strategyId: order.strategyId! });
      const event: OrderEvent = {
        type: 'OrderFilled',
        timestamp: clock.now(),
        clientOrderId,
        symbol: order.symbol,
        strategyId: order.strategyId!,
        order: filled,
        fill,
      };
      await runner.onOrderEvent(event);
      await runner.idle();
    },
  };
}

/** Bars from closes (open = previous close, high/low = max/min of the two, ±extra). */
export function barsFrom(closes: readonly number[], symbol = 'BTC-USD', start = T0, intervalMs = MINUTE): Bar[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return {
      symbol,
      timestamp: start + i * intervalMs,
      intervalMs,
      open,
      high: Math.max(open, close),
      low: Math.min(open, close),
      close,
      volume: 1,
    };
  });
}
