// Shared set-up for the risk tests: a real MarketDataCache, Portfolio and SimulatedClock around a RiskEngine.
import { defaultConfig } from '../../src/config/index.ts';
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, type DecimalInput } from '../../src/core/decimal.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import type { OrderRequest } from '../../src/execution/types.ts';
import type { Bar } from '../../src/model/market.ts';
import type { TradingPair } from '../../src/model/trading-pair.ts';
import { Portfolio } from '../../src/portfolio/index.ts';
import {
  RiskEngine,
  type OpenOrder,
  type OperationalProbes,
  type RiskConfig,
  type RiskEvent,
} from '../../src/risk/index.ts';
import type { BuyHold } from '../../src/risk/risk-types.ts';
import type { StopManager } from '../../src/risk/stops.ts';

export const T0 = Date.UTC(2024, 0, 10);
export const DAY = 86_400_000;

export function pair(symbol: string, overrides: Partial<TradingPair> = {}): TradingPair {
  const [assetCode = symbol, quoteCode = 'USD'] = symbol.split('-');
  return {
    symbol,
    assetCode,
    quoteCode,
    assetIncrement: dec('0.0001'),
    quoteIncrement: dec('0.01'),
    minOrderSize: dec('0.0001'),
    maxOrderSize: dec('1000'),
    status: 'tradable',
    ...overrides,
  };
}

export function riskConfig(overrides: Partial<RiskConfig> = {}): RiskConfig {
  return { ...defaultConfig().risk, ...overrides };
}

export interface Setup {
  clock: SimulatedClock;
  cache: MarketDataCache;
  portfolio: Portfolio;
  engine: RiskEngine;
  events: RiskEvent[];
  open: OpenOrder[];
  pairs: Map<string, TradingPair>;
}

export function setup(
  options: {
    config?: Partial<RiskConfig>;
    cash?: DecimalInput;
    prices?: Record<string, number>;
    pairs?: TradingPair[];
    probes?: OperationalProbes;
    stops?: StopManager;
    varEveryMs?: number;
    buyHold?: BuyHold;
  } = {},
): Setup {
  const clock = new SimulatedClock(T0);
  const cache = new MarketDataCache();
  const portfolio = new Portfolio({ clock, config: { startingCash: String(options.cash ?? '100000') } });
  const prices = options.prices ?? { 'BTC-USD': 50_000, 'ETH-USD': 2_000 };
  for (const [symbol, price] of Object.entries(prices)) quote(cache, portfolio, symbol, price, T0);
  const pairs = new Map((options.pairs ?? Object.keys(prices).map((s) => pair(s))).map((p) => [p.symbol, p]));
  const events: RiskEvent[] = [];
  const open: OpenOrder[] = [];
  const engine = new RiskEngine({
    config: riskConfig(options.config),
    clock,
    market: cache,
    portfolio,
    pairs,
    openOrders: () => open,
    onEvent: (e) => events.push(e),
    ...(options.probes && { probes: options.probes }),
    ...(options.stops && { stops: options.stops }),
    ...(options.varEveryMs !== undefined && { varEveryMs: options.varEveryMs }),
    ...(options.buyHold !== undefined && { buyHold: options.buyHold }),
  });
  return { clock, cache, portfolio, engine, events, open, pairs };
}

/** A quote 1 apart around `mid`, written to the cache and marked in the portfolio. */
export function quote(
  cache: MarketDataCache,
  portfolio: Portfolio,
  symbol: string,
  mid: number,
  timestamp: number,
): void {
  cache.updateQuote({ symbol, timestamp, bid: mid - 0.5, ask: mid + 0.5 });
  portfolio.mark(symbol, mid, timestamp);
}

let fillSeq = 0;
/** Books a fill as if the order filled at `price`. */
export function fillOrder(
  s: Setup,
  symbol: string,
  side: 'buy' | 'sell',
  quantity: DecimalInput,
  price: DecimalInput,
): void {
  fillSeq++;
  s.portfolio.applyFill(
    {
      id: `f${fillSeq}`,
      clientOrderId: `c${fillSeq}`,
      symbol,
      side,
      quantity: dec(quantity),
      price: dec(price),
      fee: dec(0),
      timestamp: s.clock.now(),
    },
    'test',
  );
}

export function buy(symbol: string, quantity: string, extra: Partial<OrderRequest> = {}): OrderRequest {
  return { symbol, side: 'buy', type: 'market', quantity, strategyId: 's1', reason: 'test', ...extra };
}

export function sell(symbol: string, quantity: string, extra: Partial<OrderRequest> = {}): OrderRequest {
  return { symbol, side: 'sell', type: 'market', quantity, strategyId: 's1', reason: 'test', ...extra };
}

/** Daily bars from closes, ending the day before T0. */
export function dailyBars(symbol: string, closes: readonly number[]): Bar[] {
  const start = T0 - closes.length * DAY;
  return closes.map((close, i) => ({
    symbol,
    timestamp: start + i * DAY,
    intervalMs: DAY,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
  }));
}
