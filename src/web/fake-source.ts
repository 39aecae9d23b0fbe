// A DashboardSource with fixed, deterministic contents: two positions on a real Portfolio, an equity history, open
// and finished orders, strategy stats and quotes. For tests and for trying the dashboard without a session.
import { SimulatedClock } from '../core/clock.ts';
import type { ExecutionState } from '../execution/types.ts';
import { createFill } from '../model/fill.ts';
import type { Quote } from '../model/market.ts';
import { createOrder, transition, type Order } from '../model/order.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import type { StrategyStats } from '../strategies/runner.ts';
import type { DashboardPortfolio, DashboardSource, DashboardStatus } from './source.ts';

/** 2026-01-01T00:00:00Z */
export const FAKE_START_MS = 1_767_225_600_000;

export class FakeDashboardSource implements DashboardSource {
  readonly clock = new SimulatedClock(FAKE_START_MS);
  readonly portfolio$: Portfolio;
  /** Change these to drive health and badges in tests. */
  engineState: ExecutionState = 'RUNNING';
  riskState: ExecutionState = 'RUNNING';
  riskReasons: string[] = [];
  lastPollOk = true;
  storeWritable = true;
  quoteAgeMs = 1_500;
  riskDenials: Record<string, number> = { max_position: 2, halted: 1 };
  riskVar: DashboardStatus['riskVar'] = {
    value: 100_000,
    observations: 250,
    figures: [
      { confidence: 0.95, historicalVar: 0.042, historicalEs: 0.064, parametricVar: 0.048, parametricEs: 0.06 },
      { confidence: 0.99, historicalVar: 0.088, historicalEs: 0.1025, parametricVar: 0.068, parametricEs: 0.079 },
    ],
  };
  #orders: Order[] = [];
  #quotes: Quote[] = [];

  constructor() {
    this.portfolio$ = new Portfolio({
      clock: this.clock,
      config: { accountId: 'FAKE-ACCOUNT', startingCash: '100000' },
    });
    const t = FAKE_START_MS;
    const buyBtc = createOrder({
      clientOrderId: '00000000-0000-4000-8000-000000000001',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      quantity: '0.12345678',
      createdAt: t,
      strategyId: 'demo-mm-btc',
      reason: 'fake: inventory below target',
    });
    const buyEth = createOrder({
      clientOrderId: '00000000-0000-4000-8000-000000000002',
      symbol: 'ETH-USD',
      side: 'buy',
      type: 'limit',
      quantity: '1.5',
      limitPrice: '3000.25',
      createdAt: t + 1_000,
      strategyId: 'demo-trend-eth',
      reason: 'fake: fast EMA crossed above slow',
    });
    const openSell = createOrder({
      clientOrderId: '00000000-0000-4000-8000-000000000003',
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'limit',
      quantity: '0.05',
      limitPrice: '99000.01',
      createdAt: t + 2_000,
      strategyId: 'demo-mm-btc',
      reason: 'fake: ask quote',
    });
    this.#orders = [
      transition(transition(openSell, 'submitted', { at: t + 2_000 }), 'open', { at: t + 2_100 }),
      transition(transition(buyEth, 'submitted', { at: t + 1_000 }), 'filled', { at: t + 1_200 }),
      transition(transition(buyBtc, 'submitted', { at: t }), 'filled', { at: t + 200 }),
    ];
    this.portfolio$.applyFill(
      createFill({
        id: 'fill-1',
        clientOrderId: buyBtc.clientOrderId,
        symbol: 'BTC-USD',
        side: 'buy',
        quantity: '0.12345678',
        price: '95000.5',
        fee: '1.25',
        timestamp: t + 200,
      }),
      'demo-mm-btc',
    );
    this.portfolio$.applyFill(
      createFill({
        id: 'fill-2',
        clientOrderId: buyEth.clientOrderId,
        symbol: 'ETH-USD',
        side: 'buy',
        quantity: '1.5',
        price: '3000.25',
        fee: '0.75',
        timestamp: t + 1_200,
      }),
      'demo-trend-eth',
    );
    // An equity history with a rise, a dip and a recovery: 60 samples a minute apart.
    for (let i = 0; i < 60; i++) {
      const at = t + 60_000 * (i + 1);
      this.clock.advanceTo(at);
      const wave = Math.sin(i / 6) * 400 + i * 20;
      this.setQuote({ symbol: 'BTC-USD', timestamp: at, bid: 95_000 + wave, ask: 95_010 + wave });
      this.setQuote({ symbol: 'ETH-USD', timestamp: at, bid: 3_000 + wave / 20, ask: 3_000.5 + wave / 20 });
      this.portfolio$.sampleEquity(at);
    }
  }

  setQuote(quote: Quote): void {
    this.#quotes = [...this.#quotes.filter((q) => q.symbol !== quote.symbol), quote];
    this.portfolio$.onQuote(quote);
  }

  status(): DashboardStatus {
    return {
      mode: 'paper',
      venueUrl: 'http://127.0.0.1:8787',
      engineState: this.engineState,
      ...(this.engineState !== 'RUNNING' && { engineReason: 'fake engine reason' }),
      riskState: this.riskState,
      riskReasons: this.riskReasons,
      timestamp: this.clock.now(),
      uptimeMs: this.clock.now() - FAKE_START_MS,
      feeds: this.#quotes.map((q) => ({ symbol: q.symbol, ageMs: this.quoteAgeMs })),
      staleAfterMs: 10_000,
      venue: {
        lastPollOk: this.lastPollOk,
        lastPollAt: this.clock.now(),
        consecutiveFailures: this.lastPollOk ? 0 : 3,
        ...(!this.lastPollOk && { error: 'connect ECONNREFUSED 127.0.0.1:8787' }),
      },
      circuits: [
        { group: 'trading', state: 'closed', consecutiveFailures: 0 },
        { group: 'market_data', state: this.lastPollOk ? 'closed' : 'open', consecutiveFailures: 0 },
        { group: 'account', state: 'closed', consecutiveFailures: 0 },
      ],
      store: this.storeWritable ? { writable: true } : { writable: false, detail: 'SQLITE_READONLY' },
      riskDenials: this.riskDenials,
      ...(this.riskVar && { riskVar: this.riskVar }),
    };
  }

  portfolio(): DashboardPortfolio {
    return { snapshot: this.portfolio$.snapshot(), history: this.portfolio$.equityHistory() };
  }

  openOrders(): Order[] {
    return this.#orders.filter((o) => o.status === 'open' || o.status === 'partially_filled');
  }

  orders(limit: number): Order[] {
    return this.#orders.slice(0, limit);
  }

  strategies(): StrategyStats[] {
    return [
      { id: 'demo-mm-btc', status: 'running', errors: 0, consecutiveErrors: 0, orders: 2, denials: 1 },
      {
        id: 'demo-trend-eth',
        status: 'running',
        errors: 1,
        consecutiveErrors: 0,
        orders: 1,
        denials: 2,
        lastError: 'fake: indicator not warm',
      },
    ];
  }

  quotes(): Quote[] {
    return [...this.#quotes];
  }
}
