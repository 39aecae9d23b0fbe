// The trading node: market data → cache → strategies → risk → execution, and fills → portfolio → strategies.
// Built once per session from the configuration; the venue, the engine and the portfolio come in from outside, so the
// same node runs on the embedded simulator, on an external simulator and on Robinhood.
//
// Ordering rules that matter: the cache is written before anyone hears of a quote (the feed does that); the
// portfolio books a fill before the owning strategy hears of it; market events reach the strategies one at a time.
import type { AppConfig, StrategyConfig } from '../config/schema.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { ConfigError, errorMessage } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import type { MessageBus } from '../core/message-bus.ts';
import { BarBuilder } from '../data/bar-builder.ts';
import { BestBidAskPoller, type BestBidAskFetcher } from '../data/best-bid-ask-poller.ts';
import { MarketDataCache } from '../data/cache.ts';
import { createSimMarketFeed } from '../data/sim-market-feed.ts';
import type { MarketDataEvent } from '../data/feed.ts';
import type { ExecutionEngine } from '../execution/execution-engine.ts';
import type { ExecutionLogger, ExecutionTopics } from '../execution/types.ts';
import type { Bar } from '../model/market.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import type { Store } from '../persistence/store.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { RiskEngine, type RiskEvent } from '../risk/risk-engine.ts';
import { attachStopOrders, type StopOrders } from '../risk/stop-orders.ts';
import { StopWiring } from '../risk/stop-wiring.ts';
import { StopManager } from '../risk/stops.ts';
import { createStrategy } from '../strategies/registry.ts';
import { buyHoldFactor, DEFAULT_BUY_HOLD } from '../risk/risk-types.ts';
import { StrategyRunner } from '../strategies/runner.ts';

export interface TradingNodeOptions {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly bus: MessageBus<ExecutionTopics>;
  readonly engine: ExecutionEngine;
  readonly portfolio: Portfolio;
  readonly store: Store;
  readonly pairs: readonly TradingPair[];
  /** One best-bid/ask request for every symbol (the client, wrapped). */
  readonly fetchQuotes: BestBidAskFetcher;
  /** The simulator's base URL, for `market_data.feed: websocket` (its market stream). */
  readonly marketStreamUrl?: string;
  readonly strategies: readonly StrategyConfig[];
  readonly logger: ExecutionLogger;
  /** Whether the venue's circuit breaker is open (risk stops opening trades meanwhile). */
  readonly circuitOpen?: () => boolean;
  readonly onRiskEvent?: (event: RiskEvent) => void;
}

export interface TradingNode {
  readonly cache: MarketDataCache;
  readonly risk: RiskEngine;
  readonly stops: StopManager;
  /** Venue stop orders (or emulation) for the stops. */
  readonly stopOrders: StopOrders;
  readonly runner: StrategyRunner;
  /** The quote feed (polling or the simulator's stream): its symbols, and whether it is getting quotes. */
  readonly feed: QuoteFeed;
  /** Resolves when every market event handed to the strategies so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTradingNode(options: TradingNodeOptions): Promise<TradingNode> {
  const { config, clock, bus, engine, portfolio, store, logger } = options;
  // Checked before anything starts: nothing to undo.
  if (config.market_data.feed === 'websocket' && options.marketStreamUrl === undefined) {
    throw new ConfigError("market_data.feed websocket needs the simulator's URL: Robinhood has no market stream", {
      path: 'market_data.feed',
    });
  }
  const pairs = new Map(options.pairs.map((p) => [p.symbol, p]));
  const cache = new MarketDataCache();

  // Default stop-loss / take-profit (and trailing) on every position, emulated from quotes; they survive restarts.
  const stops = new StopManager({
    stopLoss: config.risk.stop_loss_default,
    takeProfit: config.risk.take_profit_default,
    ...(config.risk.trailing_stop_default !== undefined && { trailing: config.risk.trailing_stop_default }),
  });
  await stops.load(store);
  const risk = new RiskEngine({
    stops,
    buyHold: DEFAULT_BUY_HOLD,
    config: config.risk,
    clock,
    market: cache,
    portfolio,
    pairs,
    openOrders: () => engine.openOrders(),
    barIntervalMs: config.market_data.bar_interval_ms,
    probes: { ...(options.circuitOpen && { circuitOpen: options.circuitOpen }) },
    logger,
    store,
    ...(options.onRiskEvent && { onEvent: options.onRiskEvent }),
  });
  await risk.load();

  // Stop-loss legs rest on the venue as stop_loss orders (config risk.venue_stops); the rest is emulated from quotes.
  const stopOrders = attachStopOrders({
    execution: engine,
    stops,
    clock,
    logger,
    venueStops: config.risk.venue_stops,
    trailStep: config.risk.venue_stop_trail_step,
    pairs: (symbol) => pairs.get(symbol),
    store,
  });
  // Fills booked under their owner, sells releasing their venue stop first, prices moving the stops: as in backtests.
  const wiring = new StopWiring({ engine, stops, stopOrders, portfolio, onStopsChanged: () => saveStops() });
  const execution = wiring.execution;

  const runner = new StrategyRunner({
    clock,
    market: cache,
    portfolio,
    execution,
    risk,
    pairs: (symbol) => pairs.get(symbol),
    store,
    logger,
    saveStateEveryMs: 60_000,
    buyHoldFactor: buyHoldFactor(DEFAULT_BUY_HOLD, 'market'),
  });
  for (const spec of options.strategies.filter((s) => s.enabled)) {
    const created = await createStrategy(spec.type, spec.id, spec.params);
    runner.add(created.strategy, {
      id: spec.id,
      symbols: spec.symbols,
      ...(spec.budget !== undefined && { budget: spec.budget }),
    });
  }

  // Strategy handlers run one event at a time, in arrival order; a failure is logged, never thrown at the feed.
  let pending: Promise<void> = Promise.resolve();
  const deliver = (work: () => Promise<void> | undefined, what: string): void => {
    pending = pending
      .then(work)
      .catch((err: unknown) => logger.error({ err: errorMessage(err), what }, 'strategy event failed'));
  };

  // Stop state is saved after every change, one write at a time.
  let saving: Promise<void> = Promise.resolve();
  const saveStops = (): void => {
    saving = saving
      .then(() => stops.save(store, clock.now()))
      .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'saving stops failed'));
  };
  const unsubscribe = [
    // The portfolio books the fill first, then its owner hears of it. A venue stop's fill belongs to its owner.
    bus.subscribe('fill', (m) => {
      const message = wiring.bookFill(m);
      risk.updateEquity(portfolio.equity());
      deliver(() => runner.onFill(message), 'fill');
    }),
    bus.subscribe('order', (e) => {
      wiring.onOrderEvent(e);
      deliver(() => runner.onOrderEvent(e), e.type);
    }),
  ];
  await stopOrders.load();

  const onBar = (bar: Bar): void => {
    cache.addBar(bar);
    portfolio.onBar(bar);
    deliver(() => runner.onBar(bar), 'bar');
  };
  const bars = new BarBuilder({ intervalMs: config.market_data.bar_interval_ms, onBar });
  const barTimer: TimerHandle = bars.bindClock(clock);

  const onMarket = (event: MarketDataEvent): void => {
    if (event.type === 'quote') {
      portfolio.onQuote(event.quote);
      risk.updateEquity(portfolio.equity());
      bars.addQuote(event.quote);
      wiring.onQuote(event.quote);
      deliver(() => runner.onQuote(event.quote), 'quote');
    } else if (event.type === 'status' && event.status.state === 'stale') {
      logger.warn({ status: event.status }, 'market data is stale');
    }
  };
  const symbols = [...new Set([...config.market_data.symbols, ...options.strategies.flatMap((s) => s.symbols)])];
  const feed =
    config.market_data.feed === 'websocket'
      ? streamFeed(options, symbols, cache, onMarket)
      : pollFeed(
          new BestBidAskPoller({
            fetch: options.fetchQuotes,
            clock,
            requestsPerMinute: Math.max(1, Math.floor(60_000 / config.market_data.poll_interval_ms)),
            symbols,
            staleAfterMs: config.market_data.stale_after_ms,
            cache,
            onEvent: onMarket,
            onError: (err, consecutive) =>
              logger.warn({ err: errorMessage(err), consecutive }, 'best bid/ask poll failed'),
          }),
        );

  await runner.start();
  await feed.start();

  return {
    cache,
    risk,
    stops,
    stopOrders,
    runner,
    feed,
    idle: () => pending,
    stop: async () => {
      await feed.stop();
      clock.cancel(barTimer);
      // Before waiting for the strategies: a strategy's sell may be waiting for its venue stop's cancel to confirm.
      await stopOrders.close();
      for (const u of unsubscribe) u();
      await pending;
      await runner.stop();
      saveStops();
      await saving;
      await risk.flush();
    },
  };
}

/** What the session needs of its quote feed, polled or streamed. */
export interface QuoteFeed {
  readonly symbols: readonly string[];
  /** `polls`: requests answered (polling) or quotes received (stream). */
  readonly stats: {
    readonly polls: number;
    readonly consecutiveErrors: number;
    readonly lastError: string | undefined;
  };
  start(): Promise<void>;
  stop(): Promise<void>;
}

function pollFeed(poller: BestBidAskPoller): QuoteFeed {
  return {
    get symbols() {
      return poller.symbols;
    },
    get stats() {
      return poller.stats;
    },
    start: () => poller.start(),
    stop: () => poller.stop(),
  };
}

/** The simulator's market stream: quotes pushed on every change, reconnecting with backoff when it drops. */
function streamFeed(
  options: TradingNodeOptions,
  symbols: readonly string[],
  cache: MarketDataCache,
  onEvent: (event: MarketDataEvent) => void,
): QuoteFeed {
  const feed = createSimMarketFeed({
    url: options.marketStreamUrl ?? '',
    clock: options.clock,
    // Jitter only spreads reconnects; it need not be reproducible.
    random: createRandom(process.pid),
    symbols,
    cache,
    onEvent,
    onError: (err) => options.logger.warn({ err: errorMessage(err) }, 'market stream error'),
  });
  return {
    get symbols() {
      return feed.symbols;
    },
    get stats() {
      return {
        polls: feed.stats.messages,
        consecutiveErrors: feed.connected ? 0 : Math.max(1, feed.stats.reconnects),
        lastError: feed.stats.lastError,
      };
    },
    start: () => feed.start(),
    stop: () => feed.stop(),
  };
}
