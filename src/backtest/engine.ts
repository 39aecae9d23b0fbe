// BacktestEngine: the live engine over history. Historical data + SimulatedClock + the in-process simulated venue
// (MatchingEngine) + the real ExecutionEngine, Portfolio, StrategyRunner and strategy — nothing here has an order
// path of its own. Per bar, in this order: the venue sees the bar's price path (fills of orders already resting),
// then the bar closes — cache, portfolio marks, strategies — so a strategy sees a bar only after it closed and its
// orders fill no earlier than the next bar.
import type { SimulatedClock } from '../core/clock.ts';
import { isPositive } from '../core/decimal.ts';
import { errorMessage } from '../core/errors.ts';
import type { Bar } from '../model/market.ts';
import { barPath, type PathPoint } from './bar-path.ts';
import { parseBacktestConfig, type BacktestConfig, type BacktestConfigInput } from './config.ts';
import { loadData, type LoadedData, type TickEvent } from './data.ts';
import type { EquityPoint } from './metrics.ts';
import { buildResult, type BacktestResult } from './result.ts';
import { checkStops, stopLevels } from './stops.ts';
import { wire, type BacktestRunOptions, type Wiring } from './wiring.ts';

export type { BacktestRisk, BacktestRunOptions, RiskComponents, StrategyFactory } from './wiring.ts';

export async function runBacktest(input: BacktestConfigInput, options: BacktestRunOptions): Promise<BacktestResult> {
  const config = parseBacktestConfig(input);
  const data =
    options.data ??
    (await loadData({
      paths: config.data,
      ...(config.symbols !== undefined && { symbols: config.symbols }),
      ...(config.from !== undefined && { from: config.from }),
      ...(config.to !== undefined && { to: config.to }),
    }));
  const w = await wire(config, data, options);
  try {
    const curve =
      data.kind === 'bars'
        ? await replayBars(w, data.bars, options)
        : await replayTicks(w, config, data.ticks, options);
    await w.runner.stop();
    await settle(w);
    return buildResult({
      config,
      data,
      curve,
      fills: w.fills,
      denied: w.denied,
      benchmark: benchmarkPrices(data),
      strategies: w.runner.stats(),
      finalCash: w.portfolio.cash,
      // A handler that threw (e.g. the portfolio refusing a fill) means the books may disagree: say so.
      warnings: w.bus.handlerErrors.map((e) => `${e.topic}: ${errorMessage(e.error)}`),
    });
  } finally {
    w.execution.stop();
    await w.store.close();
  }
}

function benchmarkPrices(data: LoadedData): Map<string, { first: number; last: number }> {
  const out = new Map<string, { first: number; last: number }>();
  const see = (symbol: string, first: number, last: number): void => {
    const p = out.get(symbol);
    if (p === undefined) out.set(symbol, { first, last });
    else p.last = last;
  };
  if (data.kind === 'bars') for (const b of data.bars) see(b.symbol, b.open, b.close);
  else
    for (const t of data.ticks) {
      const price = t.kind === 'quote' ? (t.value.bid + t.value.ask) / 2 : t.value.price;
      see(t.value.symbol, price, price);
    }
  return out;
}

/**
 * Waits for every handler and order operation the last step started. Undefined when nothing is pending: most bars
 * involve no promise at all, and awaiting one per bar would cost more than the bar itself.
 */
function settle(w: Wiring): Promise<void> | undefined {
  if (!w.runner.busy && !w.execution.busy) return undefined;
  return (async () => {
    await w.runner.idle();
    await w.execution.idle();
  })();
}

/** Tells the execution engine what the venue did (fills, cancels), then lets the strategies react. */
function sync(w: Wiring): Promise<void> | undefined {
  const reports = w.market.changedReports();
  if (reports.length === 0) return undefined;
  return (async () => {
    for (const report of reports) await w.execution.applyReport(report, 'backtest venue');
    await settle(w);
  })();
}

/**
 * After a tick: pending work finishes, the venue processes what is due and its reports reach the engine. Undefined
 * when none of it involves a promise (most quotes): an await costs a turn of the event loop.
 */
function afterTick(w: Wiring): Promise<void> | undefined {
  const settled = settle(w);
  if (settled !== undefined) {
    return settled.then(() => {
      w.market.process();
      return sync(w);
    });
  }
  w.market.process();
  return sync(w);
}

function advance(clock: SimulatedClock, to: number): void {
  if (to > clock.now()) clock.advanceTo(to);
}

function inMarket(w: Wiring, symbols: readonly string[]): boolean {
  for (const s of symbols) if (isPositive(w.portfolio.position(s).quantity)) return true;
  return false;
}

/** The points of one step's price paths still ahead of `after`, all symbols interleaved by time. */
function pathPoints(w: Wiring, group: readonly Bar[], after: number): PathPoint[] {
  const points: PathPoint[] = [];
  for (const bar of group) {
    const withOrders = w.market.hasOrders(bar.symbol);
    const { triggers, readyAt } = withOrders ? w.market.pathMarks(bar.symbol) : { triggers: [], readyAt: [] };
    if (w.stops !== undefined) triggers.push(...stopLevels(w.stops, bar.symbol));
    for (const point of barPath(bar, triggers, readyAt)) {
      // Every field written (no spread): the points then share one shape, and this runs twice per order.
      if (point.timestamp > after) {
        points.push({
          timestamp: point.timestamp,
          price: point.price,
          touch: point.touch,
          symbol: bar.symbol,
          withOrders,
        });
      }
    }
  }
  if (group.length > 1) points.sort((a, b) => a.timestamp - b.timestamp);
  return points;
}

/**
 * Walks one step's price paths. An order placed during the walk (a strategy reacting to a fill) gets its own trigger
 * tick too: the rest of the path is rebuilt from the current time (a trigger already passed lies behind it).
 */
async function replayPath(w: Wiring, group: readonly Bar[], timersDue: boolean): Promise<void> {
  let points = pathPoints(w, group, -Infinity);
  // Every symbol's quote of one instant is set before the venue matches, as a venue would see them.
  let unmatched = false;
  for (let k = 0; k < points.length; k++) {
    const point = points[k] as PathPoint;
    advance(w.clock, point.timestamp);
    if (timersDue) await settle(w);
    const placed = w.market.placed;
    const symbol = point.symbol ?? '';
    // Once the symbol's orders are done (a market order fills at the open), the rest of the path only moves the price.
    const withOrders = point.withOrders === true && w.market.hasOrders(symbol);
    w.market.applyPathPoint(symbol, point, withOrders, false);
    unmatched ||= withOrders;
    const next = points[k + 1];
    if (unmatched && (next === undefined || next.timestamp !== point.timestamp)) {
      unmatched = false;
      w.market.process();
      const synced = sync(w);
      if (synced !== undefined) await synced;
    }
    // A crossed stop sends its exit now; a tick at this price as soon as the order can fill takes it (as a live exit
    // sent on the quote that crossed the level would).
    const exited =
      w.stops !== undefined &&
      (await checkStops(
        w.stops,
        symbol,
        point.price,
        point.timestamp,
        () => w.market.placed,
        () => settle(w),
      ));
    if (w.market.placed !== placed) {
      points = pathPoints(w, group, w.clock.now());
      if (exited) {
        // The exit fills at the level's price: it replaces the path's own point for the moment the order is ready.
        const at = w.clock.now() + w.fillDelayMs;
        points = points.filter((p) => p.timestamp !== at || p.symbol !== symbol);
        points.unshift({ timestamp: at, price: point.price, touch: undefined, symbol, withOrders: true });
      }
      k = -1;
    }
  }
}

async function replayBars(w: Wiring, bars: readonly Bar[], options: BacktestRunOptions): Promise<EquityPoint[]> {
  const curve: EquityPoint[] = [];
  const symbols = [...new Set(bars.map((b) => b.symbol))];
  const every = options.progressEvery ?? 1000;
  const stops = w.stops;
  const risk = w.risk;
  let i = 0;
  while (i < bars.length) {
    // One step: every symbol's bar with this open time (one bar, without a copy, for a single symbol).
    const first = bars[i] as Bar;
    const t = first.timestamp;
    let j = i + 1;
    while (j < bars.length && (bars[j] as Bar).timestamp === t) j++;
    const group = j === i + 1 ? [first] : bars.slice(i, j);
    let close = t;
    for (const b of group) close = Math.max(close, b.timestamp + b.intervalMs);
    // Timers (strategy timers, order timeouts) due within the bar: let their async work finish as they fire.
    const timersDue = (w.clock.nextTimerAt() ?? Infinity) <= close;
    // 1. The bar's price path: fills of orders already resting. With no order and no timer, only the close matters.
    let stopsLive = false;
    if (stops !== undefined) for (const b of group) stopsLive ||= stops.manager.hasLive(b.symbol);
    if (timersDue || stopsLive || w.market.openCount > 0) await replayPath(w, group, timersDue);
    else for (const bar of group) w.market.notePrice(bar.symbol, bar.close);
    // 2. The bar closes: cache first, then marks, then the strategies (timers due by then fire first).
    advance(w.clock, close);
    if (timersDue) await settle(w);
    for (const bar of group) {
      w.cache.addBar(bar);
      w.portfolio.onBar(bar);
    }
    if (risk.updateEquity !== undefined) risk.updateEquity(w.portfolio.equity(), close);
    for (const bar of group) {
      const p = w.runner.onBar(bar);
      if (p !== undefined) await p;
    }
    const settled = settle(w);
    if (settled !== undefined) await settled;
    // Cancels sent at the close settle now (after the latency, on the next steps otherwise). Nothing to do without
    // an order at the venue — the common case, and this is the hottest loop of a backtest.
    if (w.market.openCount > 0) {
      w.market.process();
      const synced = sync(w);
      if (synced !== undefined) await synced;
    }
    curve.push({ timestamp: close, equity: w.portfolio.equity(), inMarket: inMarket(w, symbols) });
    i = j;
    if (options.onProgress !== undefined && (i % every < group.length || i === bars.length))
      options.onProgress(i, bars.length);
  }
  return curve;
}

async function replayTicks(
  w: Wiring,
  config: BacktestConfig,
  ticks: readonly TickEvent[],
  options: BacktestRunOptions,
): Promise<EquityPoint[]> {
  const curve: EquityPoint[] = [];
  const symbols = [...new Set(ticks.map((t) => t.value.symbol))];
  const every = options.progressEvery ?? 10_000;
  let bucket = -1;
  for (let i = 0; i < ticks.length; i++) {
    const tick = ticks[i] as TickEvent;
    const at = tick.value.timestamp;
    advance(w.clock, at);
    if (tick.kind === 'quote') {
      const q = tick.value;
      w.market.setQuote(q.symbol, q.bid, q.ask, q.bidSize, q.askSize);
      const synced = sync(w);
      if (synced !== undefined) await synced;
      w.cache.updateQuote(q);
      w.portfolio.onQuote(q);
      w.risk.updateEquity?.(w.portfolio.equity(), q.timestamp);
      if (w.stops !== undefined) {
        w.stops.wiring.onQuote(q);
        await w.stops.orders.idle();
      }
      const p = w.runner.onQuote(q);
      if (p !== undefined) await p;
    } else {
      const tr = tick.value;
      w.market.setMid(tr.symbol, tr.price);
      w.market.process();
      const synced = sync(w);
      if (synced !== undefined) await synced;
      w.cache.updateTrade(tr);
      w.portfolio.mark(tr.symbol, tr.price, at);
      if (w.stops !== undefined) {
        await checkStops(
          w.stops,
          tr.symbol,
          tr.price,
          at,
          () => w.market.placed,
          () => settle(w),
        );
      }
      const p = w.runner.onTrade(tr);
      if (p !== undefined) await p;
    }
    const done = afterTick(w);
    if (done !== undefined) await done;
    const b = Math.floor(at / config.equityIntervalMs);
    if (b !== bucket || i === ticks.length - 1) {
      bucket = b;
      if (w.portfolio.marks().size === symbols.length || i === ticks.length - 1)
        curve.push({ timestamp: at, equity: w.portfolio.equity(), inMarket: inMarket(w, symbols) });
    }
    if (options.onProgress !== undefined && ((i + 1) % every === 0 || i === ticks.length - 1))
      options.onProgress(i + 1, ticks.length);
  }
  return curve;
}
