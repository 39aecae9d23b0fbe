// The RiskEngine: every order request passes it between the strategies and execution. Synchronous and deterministic:
// it reads the market cache, the portfolio and the open orders it was given, and time from the injected clock.
// Layers, in order: engine state (drawdown, daily loss, operational halts) → pre-trade → funds → position →
// portfolio → correlation. Only approvals change anything (the order-rate window); denials change nothing.
import { dec, type Decimal, divide, roundDown, toPlain, ZERO } from '../core/decimal.ts';
import { orderDenied } from '../execution/order-denied.ts';
import type { ExecutionState, OrderRequest } from '../execution/types.ts';
import type { OrderDenied } from '../model/events.ts';
import { DrawdownMonitor, type DrawdownReading } from './drawdown.ts';
import { BarReturns } from './bar-returns.ts';
import { quantityNumber, type Holding } from './exposure-book.ts';
import { checkExposure } from './exposure-check.ts';
import {
  HALT_KEY,
  MARKS_KEY,
  PEAK_SAVE_STEP,
  readPersistedHalt,
  readPersistedMarks,
  writePersistedHalt,
} from './halt-store.ts';
import { checkTradable, deny, resolveOrder, type Denial, type ResolvedOrder } from './pre-trade.ts';
import type { RiskDecision, RiskGate } from './risk-gate.ts';
import { stopStrategyId } from './stop-orders.ts';
import {
  buyHoldFactor,
  type HaltCause,
  type OpenOrder,
  type RiskConfig,
  type RiskEngineOptions,
  type RiskMetrics,
  type RiskStateChanged,
} from './risk-types.ts';
import { LiveVar } from './live-var.ts';
import { DAY_MS, type VarReport } from './var.ts';

export type {
  HaltCause,
  OpenOrder,
  OperationalProbes,
  RiskConfig,
  RiskEngineOptions,
  RiskEvent,
  RiskMetrics,
  RiskPortfolioView,
  RiskStateChanged,
} from './risk-types.ts';

/** Float slack so that a loss of exactly the limit (e.g. 1 − 108000/120000) counts as reaching it. */
const EPSILON = 1e-12;
const STATE_CODE: Record<ExecutionState, number> = { RUNNING: 0, REDUCING: 1, HALTED: 2 };
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export class RiskEngine implements RiskGate {
  readonly config: RiskConfig;
  readonly #o: RiskEngineOptions;
  readonly #drawdown = new DrawdownMonitor();
  /** Causes of the current state; drawdown causes stay until resume(), the others clear themselves. */
  readonly #causes = new Map<HaltCause, { state: ExecutionState; reason: string }>();
  #state: ExecutionState = 'RUNNING';
  readonly #approvals = new Map<string, number[]>();
  #approved = 0;
  readonly #denied: Record<string, number> = {};
  readonly #returns: BarReturns;
  readonly #var: LiveVar;
  readonly #maxNotional: Decimal;
  #pending: Promise<void> = Promise.resolve();

  constructor(options: RiskEngineOptions) {
    this.config = options.config;
    this.#o = options;
    const barIntervalMs = options.config.bar_interval_ms ?? options.barIntervalMs ?? DAY_MS;
    this.#returns = new BarReturns(options.market, barIntervalMs);
    this.#var = new LiveVar(this.#returns, {
      intervalMs: barIntervalMs,
      lookback: options.config.var_lookback,
      everyMs: options.varEveryMs ?? 0,
    });
    this.#maxNotional = dec(options.config.max_order_notional);
  }

  // ---- state -----------------------------------------------------------------------------------------------------

  get state(): ExecutionState {
    return this.#state;
  }

  /** Why the engine is not RUNNING (empty when it is). */
  reasons(): string[] {
    return [...this.#causes.values()].map((c) => c.reason);
  }

  /** Re-reads the operational probes (also done on every check and equity update). */
  evaluate(): ExecutionState {
    const p = this.#o.probes;
    // Runs on every check and equity update: no allocation unless a probe reports trouble.
    if (p !== undefined) {
      if (p.circuitOpen?.()) this.#setOperational('circuit_open', 'the API circuit breaker is open');
      else this.#causes.delete('circuit_open');
      const diffs = p.reconciliationDifferences?.() ?? 0;
      if (diffs > 0)
        this.#setOperational('reconciliation', `reconciliation found ${diffs} difference(s) with the venue`);
      else this.#causes.delete('reconciliation');
      const drift = p.clockDriftMs?.() ?? 0;
      if (Math.abs(drift) > this.config.max_clock_drift_ms)
        this.#setOperational('clock_drift', `clock drift ${drift} ms exceeds ${this.config.max_clock_drift_ms} ms`);
      else this.#causes.delete('clock_drift');
    }
    return this.#publishState();
  }

  #setOperational(cause: HaltCause, reason: string): void {
    if (this.#causes.get(cause)?.reason !== reason) this.#causes.set(cause, { state: 'REDUCING', reason });
  }

  #publishState(): ExecutionState {
    let next: ExecutionState = 'RUNNING';
    if (this.#causes.size > 0)
      for (const c of this.#causes.values()) if (STATE_CODE[c.state] > STATE_CODE[next]) next = c.state;
    if (next !== this.#state) {
      const from = this.#state;
      this.#state = next;
      const reasons = this.reasons();
      const event: RiskStateChanged = {
        type: 'RiskStateChanged',
        timestamp: this.#o.clock.now(),
        from,
        state: next,
        reasons,
      };
      const log = { from, state: next, reasons };
      if (next === 'RUNNING') this.#o.logger?.info(log, `risk state ${from} → ${next}`);
      else this.#o.logger?.warn(log, `risk state ${from} → ${next}`);
      this.#o.onEvent?.(event);
    }
    return next;
  }

  /** Feeds an equity update: drawdown and daily loss (latched), then the live VaR. */
  updateEquity(equity: number, timestamp: number = this.#o.clock.now()): DrawdownReading {
    const r = this.#drawdown.update(equity, timestamp);
    const action: ExecutionState = this.config.drawdown_action === 'halt' ? 'HALTED' : 'REDUCING';
    if (r.drawdown >= this.config.max_drawdown - EPSILON && !this.#causes.has('drawdown')) {
      const reason = `drawdown ${pct(r.drawdown)} from peak ${r.peak.toFixed(2)} reached max_drawdown ${pct(this.config.max_drawdown)}; resume explicitly`;
      this.#causes.set('drawdown', { state: action, reason });
      this.#persist({ state: action, cause: 'drawdown', reason, peak: r.peak, since: timestamp });
    }
    const daily = this.#causes.get('daily_loss');
    if (r.dailyLoss >= this.config.daily_loss_limit - EPSILON && daily === undefined) {
      const reason = `daily loss ${pct(r.dailyLoss)} since ${r.dayStartEquity} reached daily_loss_limit ${pct(this.config.daily_loss_limit)}`;
      this.#causes.set('daily_loss', { state: action, reason });
      this.#dailyDay = r.day;
    } else if (daily !== undefined && r.day !== this.#dailyDay) {
      this.#causes.delete('daily_loss'); // a new UTC day
    }
    this.#saveMarks(r);
    this.evaluate();
    this.#var.update(this.#o.portfolio.positions(), this.#o.market, equity, timestamp);
    return r;
  }
  #dailyDay = Number.NaN;
  #savedMarks: { readonly peak: number; readonly day: number } | undefined;

  #saveMarks(r: DrawdownReading): void {
    const saved = this.#savedMarks;
    if (saved !== undefined && r.day === saved.day && r.peak < saved.peak * (1 + PEAK_SAVE_STEP)) return;
    this.#savedMarks = { peak: r.peak, day: r.day };
    const store = this.#o.store;
    const marks = { peak: r.peak, day: r.day, dayStartEquity: r.dayStartEquity };
    if (store && r.peak > 0) this.#chain(() => store.setKv(MARKS_KEY, marks, r.timestamp));
  }

  /** Lifts drawdown and daily-loss halts and measures drawdown afresh from the current equity. */
  resume(): ExecutionState {
    this.#causes.delete('drawdown');
    this.#causes.delete('daily_loss');
    this.#drawdown.rebase(this.#o.portfolio.equity(), this.#o.clock.now());
    // The saved peak is the old one: replace it, or a restart would measure from it again.
    this.#savedMarks = undefined;
    const last = this.#drawdown.last;
    if (last !== undefined) this.#saveMarks(last);
    const store = this.#o.store;
    if (store) this.#chain(() => store.deleteKv(HALT_KEY));
    this.#o.logger?.info({}, 'risk: drawdown halt lifted by resume');
    return this.evaluate();
  }

  /** Reads a persisted drawdown halt (call once at start-up, before trading). */
  async load(): Promise<void> {
    if (!this.#o.store) return;
    const marks = await readPersistedMarks(this.#o.store);
    if (marks !== undefined) {
      this.#drawdown.restorePeak(marks.peak);
      this.#drawdown.restoreDay(marks.day, marks.dayStartEquity);
      this.#savedMarks = { peak: marks.peak, day: marks.day };
    }
    const halt = await readPersistedHalt(this.#o.store);
    if (!halt) return;
    this.#drawdown.restorePeak(halt.peak);
    this.#causes.set(halt.cause, { state: halt.state, reason: `${halt.reason} (restored)` });
    this.#publishState();
  }

  /** Waits for pending store writes (tests, shutdown). */
  flush(): Promise<void> {
    return this.#pending;
  }

  #persist(halt: Parameters<typeof writePersistedHalt>[1]): void {
    const store = this.#o.store;
    if (store) this.#chain(() => writePersistedHalt(store, halt));
  }

  #chain(write: () => Promise<void>): void {
    this.#pending = this.#pending.then(write).catch((err: unknown) => {
      this.#o.logger?.error({ err }, 'risk: could not persist the halt state');
    });
  }

  metrics(): RiskMetrics {
    const r = this.#drawdown.last;
    const varReport = this.#var.report();
    return {
      state: this.#state,
      stateCode: STATE_CODE[this.#state],
      reasons: this.reasons(),
      drawdown: r?.drawdown ?? 0,
      peakEquity: r?.peak ?? 0,
      dailyLoss: r?.dailyLoss ?? 0,
      approved: this.#approved,
      denied: { ...this.#denied },
      ...(varReport && { var: varReport }),
      varCounters: this.#var.counters(),
    };
  }

  /** The live VaR/ES as of the last equity update (kept current by `updateEquity`, see LiveVar). */
  currentVar(): VarReport | undefined {
    return this.#var.report();
  }

  /** VaR/ES of the live portfolio now, from the cached bars (forces an update regardless of `varEveryMs`). */
  varReport(): VarReport | undefined {
    const now = this.#o.clock.now();
    this.#var.update(this.#o.portfolio.positions(), this.#o.market, this.#o.portfolio.equity(), now, true);
    return this.#var.report();
  }

  // ---- the gate --------------------------------------------------------------------------------------------------

  check(request: OrderRequest): RiskDecision {
    const decision = this.#check(request);
    if (decision.approved) {
      this.#approved++;
      let times = this.#approvals.get(request.strategyId);
      if (times === undefined) this.#approvals.set(request.strategyId, (times = []));
      const now = this.#o.clock.now();
      // Kept in time order (the clock does not go back; if it did, insert in place).
      let i = times.length;
      while (i > 0 && (times[i - 1] as number) > now) i--;
      times.splice(i, 0, now);
    } else {
      this.#denied[decision.rule] = (this.#denied[decision.rule] ?? 0) + 1;
      this.#o.logger?.warn(
        { rule: decision.rule, symbol: request.symbol, strategyId: request.strategyId },
        `risk denied: ${decision.reason}`,
      );
      this.#o.onEvent?.(deniedEvent(request, decision, this.#o.clock.now()));
    }
    return decision;
  }

  #check(request: OrderRequest): RiskDecision {
    const now = this.#o.clock.now();
    const cfg = this.config;
    const state = this.evaluate();
    // Long-only account: a sell can only reduce a position (selling more than is held is denied below).
    const reducing = request.side === 'sell';
    if (state === 'HALTED')
      return deny('halted', `risk engine is HALTED: ${this.reasons().join('; ')}`, state, 'RUNNING');
    if (state === 'REDUCING' && !reducing)
      return deny(
        'reducing_only',
        `risk engine is REDUCING (only risk-reducing orders): ${this.reasons().join('; ')}`,
        state,
        'RUNNING',
      );

    const pair = checkTradable(request, this.#o.pairs.get(request.symbol));
    if ('approved' in pair) return pair;
    if (!reducing) {
      const age = this.#o.market.age(request.symbol, now);
      if (age === undefined || age > cfg.stale_data_ms)
        return deny(
          'stale_data',
          age === undefined
            ? `no market data for ${request.symbol}: opening trades need fresh data`
            : `market data for ${request.symbol} is ${age} ms old; the limit is ${cfg.stale_data_ms} ms`,
          age === undefined ? 'none' : String(age),
          String(cfg.stale_data_ms),
        );
    }
    const order = resolveOrder(request, pair, this.#o.market, cfg.price_band);
    if ('approved' in order) return order;

    if (order.notional.gt(this.#maxNotional))
      return deny(
        'max_order_notional',
        `order value ${toPlain(order.notional)} exceeds max_order_notional ${cfg.max_order_notional}`,
        toPlain(order.notional),
        cfg.max_order_notional,
      );
    const open = this.#o.openOrders?.() ?? [];
    if (open.length + 1 > cfg.max_open_orders)
      return deny(
        'max_open_orders',
        `${open.length} orders are open; max_open_orders is ${cfg.max_open_orders}`,
        String(open.length + 1),
        String(cfg.max_open_orders),
      );
    const recent = this.#recentApprovals(request.strategyId, now - cfg.order_rate_window_ms);
    if (recent.length + 1 > cfg.order_rate_limit)
      return deny(
        'order_rate',
        `strategy ${request.strategyId} had ${recent.length} orders approved in the last ${cfg.order_rate_window_ms} ms; the limit is ${cfg.order_rate_limit}`,
        String(recent.length + 1),
        String(cfg.order_rate_limit),
      );

    const funds = this.#checkFunds(request, order, open);
    if (funds) return funds;
    if (reducing) return { approved: true, request };
    return this.#checkExposure(request, order, open);
  }

  /** Approval times of a strategy after `cutoff` (older ones are dropped: they never count again). */
  #recentApprovals(strategyId: string, cutoff: number): readonly number[] {
    const times = this.#approvals.get(strategyId);
    if (times === undefined) return [];
    let expired = 0;
    while (expired < times.length && (times[expired] as number) <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    return times;
  }

  #checkFunds(request: OrderRequest, order: ResolvedOrder, open: readonly OpenOrder[]): Denial | undefined {
    const same = open.filter((o) => o.side === request.side);
    if (request.side === 'buy') {
      const committed = same.reduce((s, o) => s.plus(remainingNotional(o, this.#o.market.price(o.symbol))), ZERO);
      const power = this.#o.portfolio.buyingPower.minus(committed);
      // The venue holds the fee (and a market buy's collar) too: a buy of all the cash would be refused there.
      const factor = this.#o.buyHold === undefined ? 1 : buyHoldFactor(this.#o.buyHold, request.type);
      const needed = factor === 1 ? order.notional : order.notional.times(dec(factor));
      if (needed.gt(power)) {
        const held =
          factor === 1 ? '' : ` (${toPlain(roundDown(needed, '0.01'))} with the venue's hold for fee and collar)`;
        return deny(
          'buying_power',
          `order value ${toPlain(order.notional)}${held} exceeds buying power ${toPlain(power)} (after ${toPlain(committed)} committed to open buys)`,
          toPlain(needed),
          toPlain(power),
        );
      }
      return undefined;
    }
    // The requester's own venue stop does not count: it is released before the sell goes out (StopOrders.release).
    const ownStop = stopStrategyId(request.strategyId);
    const committed = same
      .filter((o) => o.symbol === request.symbol && o.strategyId !== ownStop)
      .reduce((s, o) => s.plus(remainingQuantity(o, this.#o.market.price(o.symbol))), ZERO);
    const free = this.#o.portfolio.position(request.symbol).quantity.minus(committed);
    if (order.quantity.gt(free))
      return deny(
        'holdings',
        `sell quantity ${toPlain(order.quantity)} exceeds holdings ${toPlain(free)} of ${request.symbol} (after ${toPlain(committed)} in open sells)`,
        toPlain(order.quantity),
        toPlain(free),
      );
    return undefined;
  }

  /** The book as it would be with every open buy filled, at current prices (floats: valuations). */
  holdings(open: readonly OpenOrder[] = this.#o.openOrders?.() ?? []): Map<string, Holding> {
    const book = new Map<string, Holding>();
    for (const p of this.#o.portfolio.positions()) {
      const q = quantityNumber(p.quantity);
      if (q > 0) this.#addHolding(book, p.symbol, q);
    }
    for (const o of open)
      if (o.side === 'buy')
        this.#addHolding(book, o.symbol, Number(remainingQuantity(o, this.#o.market.price(o.symbol)).toFixed()));
    return book;
  }

  #addHolding(book: Map<string, Holding>, symbol: string, quantity: number): void {
    const price = this.#o.market.price(symbol) ?? 0;
    const prev = book.get(symbol);
    const stopFraction = this.#o.stops?.stopFraction(symbol, price) ?? this.config.stop_loss_default;
    book.set(symbol, { symbol, price, stopFraction, quantity: (prev?.quantity ?? 0) + quantity });
  }

  #checkExposure(request: OrderRequest, order: ResolvedOrder, open: readonly OpenOrder[]): RiskDecision {
    const equity = this.#o.portfolio.equity();
    if (!(equity > 0)) return deny('equity', `equity ${equity} is not positive: no new risk`, String(equity), '> 0');
    const planned =
      this.#o.stops?.plannedStopFraction(request.symbol, request.strategyId) ?? this.config.stop_loss_default;
    return checkExposure({
      config: this.config,
      returns: this.#returns,
      request,
      order,
      book: this.holdings(open),
      equity,
      plannedStopFraction: planned,
    });
  }
}

/** Asset quantity an open order still has to fill (quote-amount orders converted at `price`). */
function remainingQuantity(o: OpenOrder, price: number | undefined): Decimal {
  if (o.quantity !== undefined) return o.quantity.minus(o.filledQuantity);
  const left = (o.quoteAmount ?? ZERO).minus(o.filledNotional);
  const p = o.limitPrice ?? (price ? dec(price) : undefined);
  return p === undefined || p.lte(ZERO) ? ZERO : divide(left, p);
}

function remainingNotional(o: OpenOrder, price: number | undefined): Decimal {
  if (o.quoteAmount !== undefined) return o.quoteAmount.minus(o.filledNotional);
  const p = o.limitPrice ?? (price ? dec(price) : ZERO);
  return (o.quantity ?? ZERO).minus(o.filledQuantity).times(p);
}

/** The OrderDenied event for a denied request (for the journal). */
export function deniedEvent(request: OrderRequest, decision: Denial, timestamp: number): OrderDenied {
  return orderDenied(request, decision.rule, decision.reason, timestamp);
}
