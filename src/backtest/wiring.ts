// Builds a backtest's components — the same classes as paper and live trading: SimulatedClock, the simulated venue
// (the simulator's MatchingEngine), ExecutionEngine over an in-memory store, Portfolio, cache, RiskGate, optional
// default stops, StrategyRunner and the strategy — and connects them on one bus. The replay is in engine.ts.
import { SimulatedClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { toNumber, ZERO, type Decimal } from '../core/decimal.ts';
import { SeededIdGenerator } from '../core/ids.ts';
import { MessageBus } from '../core/message-bus.ts';
import { MarketDataCache } from '../data/cache.ts';
import { ExecutionEngine } from '../execution/execution-engine.ts';
import type { ExecutionTopics } from '../execution/types.ts';
import { MemoryDatabase, MemoryStore } from '../persistence/memory-store.ts';
import type { Store } from '../persistence/store.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { APPROVE_ALL, type RiskGate } from '../risk/risk-gate.ts';
import { buyHoldFactor, type BuyHold } from '../risk/risk-types.ts';
import type { StopManager, StopDefaults } from '../risk/stops.ts';
import type { RunnerTopics } from '../strategies/runner.ts';
import type { Order } from '../model/order.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import { StrategyRunner } from '../strategies/runner.ts';
import type { Strategy } from '../strategies/strategy.ts';
import { DEFAULT_FEE_TIERS } from '../venues/simulator/ledger.ts';
import { type BacktestConfig } from './config.ts';
import { type LoadedData } from './data.ts';
import { type DeniedOrder } from './result.ts';
import type { AttributedFill } from './round-trips.ts';
import { BACKTEST_ACCOUNT, SimMarket } from './sim-market.ts';
import { wireStops, type BacktestStops } from './stops.ts';

/** Builds the strategy a config names (the registry, in the CLI). */
export type StrategyFactory = (type: string, id: string, params: Record<string, unknown>) => Promise<Strategy<unknown>>;

export interface BacktestRunOptions {
  readonly createStrategy: StrategyFactory;
  /** Already-loaded data (the optimizer loads once for many runs). */
  readonly data?: LoadedData;
  readonly risk?: RiskGate;
  /**
   * Builds the risk gate from the backtest's own components (the RiskEngine needs its cache, portfolio and clock);
   * takes precedence over `risk`. Its `updateEquity` is fed the equity at every bar close or quote.
   */
  readonly riskFactory?: (components: RiskComponents) => BacktestRisk;
  /**
   * Default stop-loss / take-profit (and trailing) on every position, as in paper and live trading (`--risk` passes
   * the configuration's). In a backtest every level is emulated from the price path: the path stops at each level and
   * a crossed level sends a market exit, which fills at the level's price as soon as the order can (latency + 1 ms).
   */
  readonly stops?: StopDefaults;
  /** Called every `progressEvery` events with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/** What a risk gate may read in a backtest. */
export interface RiskComponents {
  readonly clock: SimulatedClock;
  readonly market: MarketDataCache;
  readonly portfolio: Portfolio;
  readonly pairs: ReadonlyMap<string, TradingPair>;
  readonly openOrders: () => Order[];
  readonly store: Store;
  /** The stops, when the run has them (the RiskEngine sizes position risk from them). */
  readonly stops?: StopManager;
  /** What the venue holds for a buy beyond its value (fee, market-buy collar), for the buying-power check. */
  readonly buyHold: BuyHold;
  /** The data's bar interval (ms), for correlations and VaR; undefined on tick data. */
  readonly barIntervalMs?: number;
}

export type BacktestRisk = RiskGate & { updateEquity?(equity: number, timestamp?: number): unknown };

export interface Wiring {
  readonly risk: BacktestRisk;
  readonly clock: SimulatedClock;
  readonly market: SimMarket;
  readonly cache: MarketDataCache;
  readonly portfolio: Portfolio;
  readonly execution: ExecutionEngine;
  readonly runner: StrategyRunner;
  readonly store: Store;
  readonly bus: MessageBus<Topics>;
  readonly fills: AttributedFill[];
  readonly denied: DeniedOrder[];
  readonly stops?: BacktestStops;
  /** How long after it was sent an order can fill (the venue's latency + 1 ms). */
  readonly fillDelayMs: number;
}

export type Topics = ExecutionTopics & RunnerTopics;

function firstPrices(data: LoadedData): Record<string, number> {
  const out: Record<string, number> = {};
  if (data.kind === 'bars') {
    for (const b of data.bars) out[b.symbol] ??= b.open;
  } else {
    for (const t of data.ticks) {
      const v = t.value;
      out[v.symbol] ??= t.kind === 'quote' ? (t.value.bid + t.value.ask) / 2 : t.value.price;
    }
  }
  return out;
}

export async function wire(config: BacktestConfig, data: LoadedData, options: BacktestRunOptions): Promise<Wiring> {
  const start = data.kind === 'bars' ? (data.bars[0]?.timestamp ?? 0) : (data.ticks[0]?.value.timestamp ?? 0);
  const clock = new SimulatedClock(start);
  const prices = firstPrices(data);
  const holdings: Record<string, Decimal> = {};
  for (const [symbol, qty] of Object.entries(config.holdings)) {
    // A holding is valued and traded on its symbol's prices: without them it would be silently ignored.
    if (!data.symbols.includes(symbol)) {
      throw new ConfigError(
        `holdings ${symbol}: the data have no prices for it (they hold ${data.symbols.join(', ')})`,
        { symbol, symbols: data.symbols.join(', ') },
      );
    }
    holdings[symbol.split('-')[0] ?? symbol] = qty;
  }
  const market = new SimMarket({
    symbols: data.symbols,
    initialPrices: prices,
    now: () => clock.now(),
    seed: config.seed,
    cash: config.cash,
    holdings,
    fees: config.feeRate !== undefined ? { flat: config.feeRate } : { tiers: DEFAULT_FEE_TIERS },
    spreadBps: config.spreadBps,
    slippageBps: config.slippageBps,
    ...(config.participation !== undefined && { participation: config.participation }),
    latencyMs: config.latencyMs,
    marketBuyCollar: config.marketBuyCollar,
  });
  // Journal payloads are built fresh for each write and never changed: the store need not copy them.
  const store = new MemoryStore(new MemoryDatabase({ copyPayloads: false }));
  const bus = new MessageBus<Topics>();
  const execution = new ExecutionEngine({
    venue: market.venue,
    store,
    clock,
    bus,
    ids: new SeededIdGenerator(config.seed),
    accountNumber: BACKTEST_ACCOUNT,
  });
  await execution.load();
  const portfolio = new Portfolio({
    clock,
    config: {
      accountId: BACKTEST_ACCOUNT,
      startingCash: config.cash.toFixed(),
      holdings: Object.entries(config.holdings).map(([symbol, qty]) => ({
        symbol,
        quantity: qty.toFixed(),
        averageEntryPrice: String(prices[symbol] ?? 0),
      })),
      // Starting holdings belong to the strategy under test, so that it may sell them.
      unattributedStrategyId: config.strategyId ?? config.strategy,
      equitySampling: { mode: 'manual' },
      strategyEquity: false,
    },
  });
  const cache = new MarketDataCache();
  const pairs = await market.venue.getTradingPairs();
  const pairOf = new Map(pairs.map((p) => [p.symbol, p]));
  const stops = options.stops === undefined ? undefined : wireStops(options.stops, execution, portfolio, clock, store);
  // What the simulated venue holds for a buy: the fee (the first tier's without a flat rate: the highest), and on a
  // market buy the collar above the price. Sizing and the risk engine's buying-power check both count it.
  const buyHold: BuyHold = {
    feeRatio: toNumber(config.feeRate ?? DEFAULT_FEE_TIERS[0]?.feeRatio ?? ZERO),
    marketBuyCollar: toNumber(config.marketBuyCollar),
  };
  const risk: BacktestRisk =
    options.riskFactory?.({
      buyHold,
      clock,
      market: cache,
      portfolio,
      pairs: pairOf,
      openOrders: () => execution.openOrders(),
      store,
      ...(stops !== undefined && { stops: stops.manager }),
      ...(data.kind === 'bars' && data.bars[0] !== undefined && { barIntervalMs: data.bars[0].intervalMs }),
    }) ??
    options.risk ??
    APPROVE_ALL;
  const runner = new StrategyRunner({
    clock,
    market: cache,
    portfolio,
    execution: stops?.wiring.execution ?? execution,
    risk,
    pairs: (symbol) => pairOf.get(symbol),
    store,
    buyHoldFactor: buyHoldFactor(buyHold, 'market'),
  });
  const fills: AttributedFill[] = [];
  const denied: DeniedOrder[] = [];
  // The portfolio books a fill before the strategy hears of it.
  bus.subscribe('fill', (m) => {
    if (stops !== undefined) stops.wiring.bookFill(m);
    else portfolio.applyFill(m.fill, m.strategyId);
    fills.push({ fill: m.fill, strategyId: m.strategyId ?? 'external' });
  });
  bus.subscribe('order', (e) => {
    stops?.wiring.onOrderEvent(e);
    if (e.type === 'OrderDenied') {
      denied.push({ timestamp: e.timestamp, symbol: e.symbol, side: e.side, rule: e.rule ?? 'risk', reason: e.reason });
    } else if (e.type === 'OrderRejected') {
      denied.push({
        timestamp: e.timestamp,
        symbol: e.order.symbol,
        side: e.order.side,
        rule: 'venue',
        reason: e.reason,
      });
    }
  });
  runner.attach(bus);
  const id = config.strategyId ?? config.strategy;
  const strategy = await options.createStrategy(config.strategy, id, config.params);
  runner.add(strategy, {
    id,
    symbols: data.symbols,
    ...(config.budget !== undefined && { budget: config.budget }),
  });
  await runner.start();
  return {
    risk,
    clock,
    market,
    cache,
    portfolio,
    execution,
    runner,
    store,
    bus,
    fills,
    denied,
    ...(stops !== undefined && { stops }),
    fillDelayMs: market.fillDelayMs,
  };
}
