// The paper side of the parity tests: the HTTP simulator (its market driven step by step by this harness, never by
// wall-clock replay), the RobinhoodClient over real HTTP, RobinhoodVenue, ExecutionEngine, Portfolio,
// MarketDataCache and StrategyRunner — the classes the paper session wires. Time is one SimulatedClock shared by the
// simulator (auth, order times, fills) and the client (signed timestamps). Each data step is processed to the end —
// quote pushed to the venue, fills polled over HTTP, the strategy fed the same bar or quote the backtester feeds it,
// its orders sent and acknowledged, cancels settled — before the next one. The strategy input is the backtester's;
// what differs is the transport: JSON over HTTP, signing, the client's parsing, the venue adapter and polling.
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, toPlain, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { SeededIdGenerator } from '../../src/core/ids.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import { barPath, type PathPoint, type TriggerPrice } from '../../src/backtest/bar-path.ts';
import type { LoadedData } from '../../src/backtest/data.ts';
import { SimMarket } from '../../src/backtest/sim-market.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import { ExecutionEngine } from '../../src/execution/execution-engine.ts';
import type { ExecutionTopics } from '../../src/execution/types.ts';
import type { Bar, Quote } from '../../src/model/market.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import { Portfolio } from '../../src/portfolio/portfolio.ts';
import { APPROVE_ALL } from '../../src/risk/risk-gate.ts';
import { StrategyRunner, type RunnerTopics } from '../../src/strategies/runner.ts';
import { RobinhoodClient } from '../../src/venues/robinhood/client.ts';
import { RobinhoodVenue } from '../../src/venues/robinhood/venue.ts';
import { generateCredential, startSimulator } from '../../src/venues/simulator/index.ts';
import type { FillRow, OrderRecorder } from './recorder.ts';

/**
 * How the simulator quotes and fills.
 * - `backtest`: the backtester's fill model, configured on the HTTP simulator (same spread and slippage, whole
 *   fills, orders fill from 1 ms after they are sent) and the quotes the backtester's venue sees, built by the same
 *   code (SimMarket). Fills must then be equal to the cent.
 * - `simulator`: the simulator's own model — its spread around each path price, size-dependent slippage, partial
 *   fills of limit orders — with the backtester's path of prices. Fill prices may differ within that model.
 */
export type PaperMarket =
  | { readonly kind: 'backtest'; readonly spreadBps: number; readonly slippageBps: number }
  | { readonly kind: 'simulator' };

export interface PaperConfig {
  readonly strategy: string;
  readonly params: Record<string, unknown>;
  readonly cash: string;
  /** Flat fee ratio; without it the simulator's fee tiers apply. */
  readonly feeRate?: string;
  readonly budget?: string;
  readonly seed: number;
  readonly market: PaperMarket;
}

export interface PaperResult {
  readonly fills: FillRow[];
  readonly finalCash: Decimal;
  readonly positions: Record<string, string>;
  /** What the venue itself holds at the end (asset code → quantity). */
  readonly venueHoldings: Record<string, string>;
  readonly venueCash: string;
  readonly warnings: string[];
}

type Topics = ExecutionTopics & RunnerTopics;
const ACCOUNT = '700800900';

export async function runPaper(data: LoadedData, config: PaperConfig, recorder: OrderRecorder): Promise<PaperResult> {
  const start = data.kind === 'bars' ? (data.bars[0]?.timestamp ?? 0) : (data.ticks[0]?.value.timestamp ?? 0);
  const clock = new SimulatedClock(start);
  const now = (): number => clock.now();
  const credential = generateCredential(config.cash);
  credential.account_number = ACCOUNT;
  if (config.feeRate !== undefined) credential.fee_ratio = config.feeRate;
  const sim = await startSimulator({
    data: 'none',
    speed: 0,
    seed: config.seed,
    now,
    rateLimit: false,
    cancelDelayMs: 0,
    accounts: [credential],
    fill:
      config.market.kind === 'backtest'
        ? {
            fillDelayMs: 1,
            slippageBps: config.market.slippageBps,
            maxSlippageBps: config.market.slippageBps,
            participation: 1e12,
          }
        : { fillDelayMs: 1 },
  });
  const cleanups: Array<() => Promise<void> | void> = [() => sim.close()];
  try {
    const client = new RobinhoodClient({
      apiKey: credential.api_key,
      privateKey: credential.private_key,
      baseUrl: sim.url,
      accountNumber: ACCOUNT,
      timers: {
        now,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      },
      random: () => 0.5,
      bucket: { capacity: 1_000_000, refillAmount: 1_000_000, refillIntervalMs: 1000 },
      retry: { maxAttempts: 1 },
    });
    cleanups.push(() => client.close());
    const venue = new RobinhoodVenue(client);
    const store = await openStore({ driver: 'sqlite', sqlitePath: ':memory:', sqliteSynchronous: 'normal' });
    cleanups.push(() => store.close());
    const bus = new MessageBus<Topics>();
    const execution = new ExecutionEngine({
      venue,
      store,
      clock,
      bus,
      ids: new SeededIdGenerator(config.seed),
      accountNumber: ACCOUNT,
    });
    cleanups.push(() => execution.stop());
    await execution.load();
    const strategyId = config.strategy;
    const portfolio = new Portfolio({
      clock,
      config: {
        accountId: ACCOUNT,
        startingCash: config.cash,
        unattributedStrategyId: strategyId,
        equitySampling: { mode: 'manual' },
        strategyEquity: false,
      },
    });
    const cache = new MarketDataCache();
    const pairs = new Map((await venue.getTradingPairs()).map((p) => [p.symbol, p]));
    const runner = new StrategyRunner({
      clock,
      market: cache,
      portfolio,
      execution,
      risk: APPROVE_ALL,
      pairs: (s) => pairs.get(s),
      store,
    });
    const fills: FillRow[] = [];
    bus.subscribe('fill', (m) => {
      portfolio.applyFill(m.fill, m.strategyId);
      const f = m.fill;
      fills.push({
        clientOrderId: f.clientOrderId,
        time: f.timestamp,
        symbol: f.symbol,
        side: f.side,
        quantity: toPlain(f.quantity),
        price: toPlain(f.price),
        fee: toPlain(f.fee),
      });
    });
    runner.attach(bus);
    runner.add(await recorder.factory(config.strategy, strategyId, config.params), {
      id: strategyId,
      symbols: data.symbols,
      ...(config.budget !== undefined && { budget: config.budget }),
    });
    await runner.start();

    const settle = async (): Promise<void> => {
      await runner.idle();
      await execution.idle();
    };
    // A status poll over HTTP: one orders-list request; every request makes the simulator apply what is due.
    const poll = async (): Promise<void> => {
      if (execution.openOrders().length === 0) return;
      await execution.pollOnce();
      await settle();
    };
    // Cancels settle on the simulator's next request: after the strategies reacted, poll only when one is pending.
    const settleCancels = async (): Promise<void> => {
      if (execution.openOrders().some((o) => execution.pendingCancel(o.clientOrderId) !== undefined)) await poll();
    };
    const quotes = quoteBuilder(data, config, now);
    // Quotes of one instant go in one request: the simulator sets them all, then matches (no order sees half a market).
    const push = async (batch: ReadonlyArray<PushedQuote & { readonly symbol: string }>): Promise<void> => {
      const res = await fetch(`${sim.url}/_sim/market/quotes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quotes: batch }),
      });
      if (res.status !== 200) throw new Error(`quote push: HTTP ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };

    if (data.kind === 'bars') {
      for (const group of stepGroups(data.bars)) {
        const close = Math.max(...group.map((b) => b.timestamp + b.intervalMs));
        // 1. The bars' paths reach the venue. Without orders working only the close matters (the quote the next
        //    order is placed against), as in the backtester.
        const working = execution.openOrders().length > 0;
        const points = group
          .flatMap((bar) => {
            const open = working ? execution.openOrders().filter((o) => o.symbol === bar.symbol) : [];
            // As the backtester: a point when each order becomes fillable (latency 0: 1 ms after it was sent).
            const path = barPath(
              bar,
              working ? triggers(open, bar.symbol) : [],
              open.map((o) => o.createdAt + 1),
            );
            return (working ? path : path.slice(-1)).map((p) => ({ ...p, symbol: bar.symbol }));
          })
          .sort((a, b) => a.timestamp - b.timestamp);
        const placed = recorder.orders.length;
        for (let k = 0; k < points.length;) {
          const at = (points[k] as (typeof points)[number]).timestamp;
          const batch: Array<PushedQuote & { symbol: string }> = [];
          for (; k < points.length && (points[k] as (typeof points)[number]).timestamp === at; k++) {
            const point = points[k] as (typeof points)[number];
            batch.push({ symbol: point.symbol, ...quotes.path(point.symbol, point) });
          }
          if (at > clock.now()) clock.advanceTo(at);
          await push(batch);
          await poll();
        }
        if (recorder.orders.length !== placed) {
          throw new Error('an order placed inside a bar: the backtester rebuilds the path then; not mirrored here');
        }
        // 2. The bars close: cache, marks, then the strategy; its orders go out over HTTP and are acknowledged.
        if (close > clock.now()) clock.advanceTo(close);
        for (const bar of group) {
          cache.addBar(bar);
          portfolio.onBar(bar);
        }
        for (const bar of group) await runner.onBar(bar);
        await settle();
        // 3. Cancels sent at the close settle now (the simulator applies them on the next request).
        await poll();
      }
    } else {
      for (const tick of data.ticks) {
        if (tick.kind !== 'quote') throw new Error('the paper harness replays quotes, not trades');
        const q = tick.value;
        if (q.timestamp > clock.now()) clock.advanceTo(q.timestamp);
        await push([{ symbol: q.symbol, ...quotes.quote(q) }]);
        await poll();
        cache.updateQuote(q);
        portfolio.onQuote(q);
        await runner.onQuote(q);
        await settle();
        await settleCancels();
      }
    }
    await runner.stop();
    await settle();
    await poll();
    const account = sim.engine.account(ACCOUNT);
    const positions: Record<string, string> = {};
    for (const s of data.symbols) positions[s] = toPlain(portfolio.position(s).quantity);
    return {
      fills,
      finalCash: portfolio.cash,
      positions,
      venueHoldings: Object.fromEntries([...(account?.holdings ?? [])].map(([k, v]) => [k, toPlain(v)])),
      venueCash: toPlain(account?.cash ?? ZERO),
      warnings: bus.handlerErrors.map((e) => `${e.topic}: ${String(e.error)}`),
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

interface PushedQuote {
  readonly bid?: string;
  readonly ask?: string;
  readonly price?: string;
  readonly size?: string;
}

/** Quotes for the simulator: the backtester's own (exact mode), or a mid the simulator spreads by its model. */
function quoteBuilder(
  data: LoadedData,
  config: PaperConfig,
  now: () => number,
): { path(symbol: string, point: PathPoint): PushedQuote; quote(q: Quote): PushedQuote } {
  const m = config.market;
  if (m.kind === 'simulator') {
    return {
      path: (_s, point) => ({ price: String(point.price) }),
      quote: (q) => ({ bid: String(q.bid), ask: String(q.ask) }),
    };
  }
  const first: Record<string, number> = {};
  for (const b of data.bars) first[b.symbol] ??= b.open;
  for (const t of data.ticks) if (t.kind === 'quote') first[t.value.symbol] ??= (t.value.bid + t.value.ask) / 2;
  // The backtester's venue, used only as its quote builder: the same rounding, spread and touch ticks.
  const market = new SimMarket({
    symbols: data.symbols,
    initialPrices: first,
    now,
    seed: config.seed,
    cash: dec(config.cash),
    holdings: {},
    fees: { flat: ZERO },
    spreadBps: m.spreadBps,
    slippageBps: m.slippageBps,
    latencyMs: 0,
    marketBuyCollar: dec('0.01'),
  });
  const read = (symbol: string): PushedQuote => {
    const q = market.engine.market.quote(symbol);
    if (q === undefined) throw new Error(`no quote for ${symbol}`);
    return { bid: toPlain(q.bid), ask: toPlain(q.ask), size: toPlain(q.askSize) };
  };
  return {
    path: (symbol, point) => {
      market.applyPathPoint(symbol, point, true);
      return read(symbol);
    },
    quote: (q) => {
      market.setQuote(q.symbol, q.bid, q.ask);
      return read(q.symbol);
    },
  };
}

/** Resting orders' prices, as the backtester's venue derives them for the bar path. */
function triggers(
  open: ReadonlyArray<{
    symbol: string;
    side: string;
    limitPrice?: Decimal | undefined;
    stopPrice?: Decimal | undefined;
  }>,
  symbol: string,
): TriggerPrice[] {
  const out: TriggerPrice[] = [];
  for (const o of open) {
    if (o.symbol !== symbol) continue;
    if (o.stopPrice !== undefined) out.push({ price: Number(o.stopPrice.toFixed()), touch: 'mid' });
    else if (o.limitPrice !== undefined)
      out.push({ price: Number(o.limitPrice.toFixed()), touch: o.side === 'buy' ? 'ask' : 'bid' });
  }
  return out;
}

/** Bars grouped by open time (one replay step, every symbol). */
function* stepGroups(bars: readonly Bar[]): Generator<Bar[]> {
  let i = 0;
  while (i < bars.length) {
    const t = (bars[i] as Bar).timestamp;
    let j = i;
    while (j < bars.length && (bars[j] as Bar).timestamp === t) j++;
    yield bars.slice(i, j);
    i = j;
  }
}
