// StrategyRunner: hosts several strategies on one account. It delivers market events to the strategies trading the
// symbol, and each strategy's own fills, order updates and timers, one event at a time per strategy, in order
// (awaiting async handlers; synchronous handlers cost no promise, so backtests stay fast). Every order request goes
// strategy → pair rounding → OrderGate (budget → RiskGate → ExecutionEngine); a denial is journaled and returned to the strategy.
// A strategy whose handlers keep throwing is stopped, alone. State is restored on start and saved on stop and
// periodically. Time comes only from the injected clock.
import type { Clock, TimerHandle } from '../core/clock.ts';
import { dec, toPlain, ZERO, type Decimal, type DecimalInput } from '../core/decimal.ts';
import { errorMessage, ValidationError } from '../core/errors.ts';
import type { MessageBus } from '../core/message-bus.ts';
import type { BookView, MarketView } from '../data/cache.ts';
import type { CancelFilter } from '../execution/execution-engine.ts';
import type { FillReceived, OrderRequest } from '../execution/types.ts';
import type { OrderEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import type { Bar, Quote, Trade } from '../model/market.ts';
import { isWorkingStatus, type Order } from '../model/order.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import type { Store } from '../persistence/store.ts';
import type { RiskGate } from '../risk/risk-gate.ts';
import { committedQuote, createContext, type ContextHost, type PortfolioPort } from './context.ts';
import { OrderGate } from './order-gate.ts';
import { Strategy } from './strategy.ts';
import type { OrderResult, StrategyLogger } from './types.ts';

/** The part of the ExecutionEngine the runner uses (src/execution/execution-engine.ts satisfies it). */
export interface ExecutionPort {
  submit(request: OrderRequest): Promise<Order>;
  cancel(clientOrderId: string, reason?: string): Promise<boolean>;
  cancelAll(filter?: CancelFilter): Promise<number>;
  openOrders(): Order[];
  getOrder(clientOrderId: string): Order | undefined;
}

export type StrategyStore = Pick<Store, 'appendEvent' | 'saveStrategyState' | 'loadStrategyState'>;

/** Topics the runner reads (attach) and the one it writes (denials on 'order'). */
export interface RunnerTopics {
  'data.quote': Quote;
  'data.bar': Bar;
  'data.trade': Trade;
  'data.book': BookView;
  fill: FillReceived;
  order: OrderEvent;
  [topic: string]: unknown;
}

export interface StrategyRunnerOptions {
  readonly clock: Clock;
  readonly market: MarketView;
  readonly portfolio: PortfolioPort;
  readonly execution: ExecutionPort;
  readonly risk: RiskGate;
  /** The pair's increments and limits. */
  readonly pairs: (symbol: string) => TradingPair | undefined;
  /** Journal of denials and strategy state; without it nothing is persisted. */
  readonly store?: StrategyStore;
  readonly logger?: StrategyLogger;
  /** This many handler errors in a row stop the strategy. Default 5. */
  readonly maxConsecutiveErrors?: number;
  /** Save every strategy's state this often on the clock (ms); default: only on stop. */
  readonly saveStateEveryMs?: number;
  /**
   * How many times its notional a market buy takes from buying power at the venue: the price collar it is held at
   * and the fee (e.g. 1.01 × 1.0095). Fixed-fraction sizing keeps within buying power ÷ this, so that "all of it"
   * is an order the venue accepts. Default 1.
   */
  readonly buyHoldFactor?: number;
}

export interface StrategySpec {
  readonly id: string;
  readonly symbols: readonly string[];
  /** Max quote currency its buys may commit (holdings at cost + open buy orders). Default: no limit of its own. */
  readonly budget?: DecimalInput;
}

export type StrategyStatus = 'added' | 'running' | 'stopped' | 'failed';

export interface StrategyStats {
  readonly id: string;
  readonly status: StrategyStatus;
  readonly errors: number;
  readonly consecutiveErrors: number;
  readonly orders: number;
  readonly denials: number;
  readonly lastError?: string;
}

type Delivery =
  | { kind: 'quote'; value: Quote }
  | { kind: 'bar'; value: Bar }
  | { kind: 'trade'; value: Trade }
  | { kind: 'book'; value: BookView }
  | { kind: 'fill'; value: Fill }
  | { kind: 'order'; value: Order }
  | { kind: 'timer'; value: string }
  | { kind: 'stop'; value: undefined };

interface Slot {
  readonly strategy: Strategy<unknown>;
  readonly id: string;
  readonly symbols: readonly string[];
  readonly budget: Decimal | undefined;
  status: StrategyStatus;
  /** The strategy's pending async handler chain; undefined when it is idle. */
  chain: Promise<void> | undefined;
  errors: number;
  consecutiveErrors: number;
  orders: number;
  denials: number;
  lastError?: string;
  readonly timers: Map<string, TimerHandle>;
  /** Whether the strategy overrides onFill / onOrderUpdate: a handler it left as the base no-op is not called. */
  readonly hearsFills: boolean;
  readonly hearsOrders: boolean;
}

const SILENT: StrategyLogger = { info: () => {}, warn: () => {}, error: () => {} };

const isPromise = (v: unknown): v is Promise<void> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

export class StrategyRunner {
  readonly #o: StrategyRunnerOptions;
  readonly #log: StrategyLogger;
  readonly #maxErrors: number;
  readonly #slots = new Map<string, Slot>();
  /** Strategies per symbol, in the order they were added: the dispatch order. */
  readonly #bySymbol = new Map<string, Slot[]>();
  readonly #pending = new Set<Promise<unknown>>();
  #bus: MessageBus<RunnerTopics> | undefined;
  #saveTimer: TimerHandle | undefined;
  readonly #host: ContextHost;
  readonly #gate: OrderGate;

  constructor(options: StrategyRunnerOptions) {
    this.#o = options;
    this.#log = options.logger ?? SILENT;
    this.#maxErrors = options.maxConsecutiveErrors ?? 5;
    this.#host = this.#makeHost();
    this.#gate = new OrderGate({
      clock: options.clock,
      risk: options.risk,
      execution: options.execution,
      store: options.store,
      log: this.#log,
      strategy: (id) => this.#slots.get(id),
      committed: (id) => committedQuote(this.#host, id),
      publish: (denial) => this.#bus?.publish('order', denial),
    });
  }

  add(strategy: Strategy<unknown>, spec: StrategySpec): void {
    if (this.#slots.has(spec.id)) {
      throw new ValidationError(`strategy id ${spec.id} is already taken`, { strategyId: spec.id });
    }
    if (spec.symbols.length === 0) {
      throw new ValidationError(`strategy ${spec.id} needs at least one symbol`, { strategyId: spec.id });
    }
    const budget = spec.budget === undefined ? undefined : dec(spec.budget);
    if (budget !== undefined && budget.lte(ZERO)) {
      throw new ValidationError(`strategy ${spec.id}: budget ${toPlain(budget)} must be greater than 0`, {
        strategyId: spec.id,
        budget: toPlain(budget),
      });
    }
    const slot: Slot = {
      strategy,
      id: spec.id,
      symbols: [...spec.symbols],
      budget,
      status: 'added',
      chain: undefined,
      errors: 0,
      consecutiveErrors: 0,
      orders: 0,
      denials: 0,
      timers: new Map(),
      // Most strategies read the portfolio instead: skipping the no-op spares a promise hop per order event.
      hearsFills: strategy.onFill !== Strategy.prototype.onFill,
      hearsOrders: strategy.onOrderUpdate !== Strategy.prototype.onOrderUpdate,
    };
    this.#slots.set(spec.id, slot);
    for (const symbol of new Set(spec.symbols)) {
      const list = this.#bySymbol.get(symbol) ?? [];
      list.push(slot);
      this.#bySymbol.set(symbol, list);
    }
  }

  /** Restores each strategy's saved state, gives it its context and runs `onStart`, in the order added. */
  async start(): Promise<void> {
    for (const slot of this.#slots.values()) {
      if (slot.status !== 'added') continue;
      await this.#startOne(slot);
    }
    const every = this.#o.saveStateEveryMs;
    if (every !== undefined && this.#o.store !== undefined && this.#saveTimer === undefined) {
      this.#saveTimer = this.#o.clock.setInterval(every, () => this.#track(this.saveState()));
    }
  }

  async #startOne(slot: Slot): Promise<void> {
    const { strategy, id } = slot;
    try {
      const saved = await this.#o.store?.loadStrategyState(id);
      if (saved !== undefined) strategy.loadState(saved.state);
    } catch (err) {
      // Fail closed: trading on half-restored state could repeat orders.
      this.#failed(slot, `could not restore state: ${errorMessage(err)}`);
      return;
    }
    const ctx = createContext(this.#host, {
      id,
      symbols: slot.symbols,
      ...(slot.budget !== undefined && { budget: slot.budget }),
      log: this.#childLog(id),
    });
    strategy.attachContext(ctx);
    slot.status = 'running';
    try {
      await strategy.onStart(ctx);
    } catch (err) {
      this.#failed(slot, `onStart failed: ${errorMessage(err)}`);
    }
  }

  /** Runs each strategy's `onStop`, saves its state and drops its timers. Orders are left to the strategies' onStop. */
  async stop(): Promise<void> {
    if (this.#saveTimer !== undefined) this.#o.clock.cancel(this.#saveTimer);
    this.#saveTimer = undefined;
    for (const slot of this.#slots.values()) {
      if (slot.status !== 'running') continue;
      await this.#deliver(slot, { kind: 'stop', value: undefined });
      this.#clearTimers(slot);
      slot.status = 'stopped';
      await this.#saveOne(slot);
    }
    await this.idle();
  }

  /** Saves the state of every running strategy. */
  async saveState(): Promise<void> {
    for (const slot of this.#slots.values()) if (slot.status === 'running') await this.#saveOne(slot);
  }

  async #saveOne(slot: Slot): Promise<void> {
    const store = this.#o.store;
    if (store === undefined) return;
    try {
      await store.saveStrategyState(slot.id, slot.strategy.saveState(), this.#o.clock.now());
    } catch (err) {
      this.#log.error({ strategyId: slot.id, err: errorMessage(err) }, 'saving strategy state failed');
    }
  }

  /** Whether a handler, order request or journal write is still running (idle() would have to wait). */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /** Resolves when every handler, order request and journal write started so far has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  stats(): StrategyStats[] {
    return [...this.#slots.values()].map((s) => ({
      id: s.id,
      status: s.status,
      errors: s.errors,
      consecutiveErrors: s.consecutiveErrors,
      orders: s.orders,
      denials: s.denials,
      ...(s.lastError !== undefined && { lastError: s.lastError }),
    }));
  }

  status(strategyId: string): StrategyStatus | undefined {
    return this.#slots.get(strategyId)?.status;
  }

  // ---- market events: the caller has written them to the cache first. Each returns a promise only when some
  // strategy's handler is async; `const p = runner.onBar(bar); if (p) await p;` keeps the sync path free. ----

  onQuote(quote: Quote): Promise<void> | undefined {
    return this.#dispatch(quote.symbol, { kind: 'quote', value: quote });
  }
  onBar(bar: Bar): Promise<void> | undefined {
    // The commonest case, one idle strategy on the symbol, goes straight to its handler: a backtest calls this for
    // every bar, and the general path's delivery object and hops cost as much as the strategy's own work.
    const slots = this.#bySymbol.get(bar.symbol);
    const only = slots?.length === 1 ? slots[0] : undefined;
    if (only !== undefined && only.status === 'running' && only.chain === undefined) {
      let result: unknown;
      try {
        result = only.strategy.onBar(bar);
      } catch (err) {
        this.#handlerError(only, 'bar', err);
        return undefined;
      }
      if (!isPromise(result)) {
        only.consecutiveErrors = 0;
        return undefined;
      }
      return this.#settled(only, 'bar', result);
    }
    return this.#dispatch(bar.symbol, { kind: 'bar', value: bar });
  }
  onTrade(trade: Trade): Promise<void> | undefined {
    return this.#dispatch(trade.symbol, { kind: 'trade', value: trade });
  }
  onBook(book: BookView): Promise<void> | undefined {
    return this.#dispatch(book.symbol, { kind: 'book', value: book });
  }

  /** A fill from execution, routed to the strategy that owns the order. Subscribe the portfolio first. */
  onFill(message: FillReceived): Promise<void> | undefined {
    const owner = message.strategyId ?? this.#o.execution.getOrder(message.fill.clientOrderId)?.strategyId;
    const slot = owner === undefined ? undefined : this.#slots.get(owner);
    if (slot === undefined || !slot.hearsFills) return undefined;
    return this.#tracked(this.#deliver(slot, { kind: 'fill', value: message.fill }));
  }

  /** An order event from execution, routed to the owning strategy's `onOrderUpdate`. */
  onOrderEvent(event: OrderEvent): Promise<void> | undefined {
    if (event.type === 'OrderDenied') return undefined; // ours, already returned to the strategy
    const slot = event.strategyId === undefined ? undefined : this.#slots.get(event.strategyId);
    if (slot === undefined || !slot.hearsOrders) return undefined;
    return this.#tracked(this.#deliver(slot, { kind: 'order', value: event.order }));
  }

  /** Subscribes to the data topics, 'fill' and 'order', and publishes denials on 'order'. Returns the unsubscriber. */
  attach<T extends RunnerTopics>(bus: MessageBus<T>): () => void {
    const b = bus as unknown as MessageBus<RunnerTopics>;
    this.#bus = b;
    const offs = [
      b.subscribe('data.quote', (m) => this.#track(this.onQuote(m))),
      b.subscribe('data.bar', (m) => this.#track(this.onBar(m))),
      b.subscribe('data.trade', (m) => this.#track(this.onTrade(m))),
      b.subscribe('data.book', (m) => this.#track(this.onBook(m))),
      b.subscribe('fill', (m) => this.#track(this.onFill(m))),
      b.subscribe('order', (m) => this.#track(this.onOrderEvent(m))),
    ];
    return () => {
      for (const off of offs) off();
      if (this.#bus === b) this.#bus = undefined;
    };
  }

  // ---- delivery ----

  #dispatch(symbol: string, d: Delivery): Promise<void> | undefined {
    const slots = this.#bySymbol.get(symbol);
    return slots === undefined ? undefined : this.#dispatchFrom(slots, d, 0);
  }

  /** Strategies in the order added; an async handler holds back the next strategy until it has finished. */
  #dispatchFrom(slots: readonly Slot[], d: Delivery, from: number): Promise<void> | undefined {
    for (let i = from; i < slots.length; i++) {
      const p = this.#deliver(slots[i]!, d);
      if (p !== undefined) return p.then(() => this.#dispatchFrom(slots, d, i + 1));
    }
    return undefined;
  }

  /** One event to one strategy, after whatever it is still processing. */
  #deliver(slot: Slot, d: Delivery): Promise<void> | undefined {
    if (slot.status !== 'running') return undefined;
    if (slot.chain !== undefined) {
      const next = slot.chain.then(() => this.#invoke(slot, d));
      return this.#setChain(slot, next);
    }
    return this.#invoke(slot, d);
  }

  #setChain(slot: Slot, p: Promise<void>): Promise<void> {
    slot.chain = p;
    void p.then(() => {
      if (slot.chain === p) slot.chain = undefined;
    });
    return p;
  }

  #invoke(slot: Slot, d: Delivery): Promise<void> | undefined {
    if (slot.status !== 'running') return undefined;
    let result: unknown;
    try {
      result = this.#call(slot.strategy, d);
    } catch (err) {
      this.#handlerError(slot, d.kind, err);
      return undefined;
    }
    if (!isPromise(result)) {
      slot.consecutiveErrors = 0;
      return undefined;
    }
    return this.#settled(slot, d.kind, result);
  }

  /** An async handler's promise as the slot's chain: errors counted, never thrown at the caller. */
  #settled(slot: Slot, kind: Delivery['kind'], result: Promise<void>): Promise<void> {
    const settled = result.then(
      () => {
        slot.consecutiveErrors = 0;
      },
      (err: unknown) => this.#handlerError(slot, kind, err),
    );
    return this.#setChain(slot, settled);
  }

  #call(s: Strategy<unknown>, d: Delivery): unknown {
    switch (d.kind) {
      case 'quote':
        return s.onQuote(d.value);
      case 'bar':
        return s.onBar(d.value);
      case 'trade':
        return s.onTrade(d.value);
      case 'book':
        return s.onBook(d.value);
      case 'fill':
        return s.onFill(d.value);
      case 'order':
        return s.onOrderUpdate(d.value);
      case 'timer':
        return s.onTimer(d.value);
      case 'stop':
        return s.onStop();
    }
  }

  #handlerError(slot: Slot, kind: Delivery['kind'], err: unknown): void {
    slot.errors++;
    slot.consecutiveErrors++;
    slot.lastError = `on${kind}: ${errorMessage(err)}`;
    this.#log.error({ strategyId: slot.id, handler: kind, err: errorMessage(err) }, 'strategy handler failed');
    if (slot.consecutiveErrors >= this.#maxErrors && slot.status === 'running') {
      this.#failed(slot, `${slot.consecutiveErrors} consecutive handler errors, last: ${slot.lastError}`);
    }
  }

  /** Stops one strategy for good (the others go on) and cancels its working orders: fail closed. */
  #failed(slot: Slot, reason: string): void {
    slot.status = 'failed';
    slot.lastError = reason;
    this.#clearTimers(slot);
    this.#log.error({ strategyId: slot.id, reason }, 'strategy stopped');
    this.#track(
      this.#o.execution
        .cancelAll({ strategyId: slot.id })
        .catch((err: unknown) => this.#log.error({ strategyId: slot.id, err: errorMessage(err) }, 'cancel failed')),
    );
  }

  #tracked(p: Promise<void> | undefined): Promise<void> | undefined {
    this.#track(p);
    return p;
  }

  #track(p: Promise<unknown> | undefined): void {
    if (p === undefined) return;
    const guarded = p.catch((err: unknown) => this.#log.error({ err: errorMessage(err) }, 'runner task failed'));
    this.#pending.add(guarded);
    void guarded.then(() => this.#pending.delete(guarded));
  }

  #clearTimers(slot: Slot): void {
    for (const handle of slot.timers.values()) this.#o.clock.cancel(handle);
    slot.timers.clear();
  }

  #childLog(strategyId: string): StrategyLogger {
    const log = this.#log;
    return {
      info: (obj, msg) => log.info({ strategyId, ...obj }, msg),
      warn: (obj, msg) => log.warn({ strategyId, ...obj }, msg),
      error: (obj, msg) => log.error({ strategyId, ...obj }, msg),
    };
  }

  // ---- the strategies' context ----

  #makeHost(): ContextHost {
    return {
      clock: this.#o.clock,
      market: this.#o.market,
      portfolio: this.#o.portfolio,
      pair: (symbol: string) => this.#o.pairs(symbol),
      buyHoldFactor: this.#o.buyHoldFactor ?? 1,
      route: (strategyId: string, request: OrderRequest) => this.#trackedResult(this.#gate.route(strategyId, request)),
      deny: (strategyId: string, request: OrderRequest, rule: string, reason: string) =>
        this.#trackedResult(this.#gate.deny(strategyId, request, rule, reason)),
      openOrders: (strategyId: string, symbol?: string) =>
        this.#o.execution
          .openOrders()
          .filter((o) => o.strategyId === strategyId && (symbol === undefined || o.symbol === symbol))
          .filter((o) => isWorkingStatus(o.status) || o.status === 'created'),
      cancel: async (strategyId: string, clientOrderId: string, reason: string) => {
        const order = this.#o.execution.getOrder(clientOrderId);
        if (order === undefined || order.strategyId !== strategyId) return false;
        return this.#o.execution.cancel(clientOrderId, reason);
      },
      setTimer: (strategyId: string, name: string, everyMs: number) => this.#setTimer(strategyId, name, everyMs),
      cancelTimer: (strategyId: string, name: string) => {
        const slot = this.#slots.get(strategyId);
        const handle = slot?.timers.get(name);
        if (slot === undefined || handle === undefined) return;
        this.#o.clock.cancel(handle);
        slot.timers.delete(name);
      },
    };
  }

  #trackedResult(p: Promise<OrderResult>): Promise<OrderResult> {
    this.#track(p);
    return p;
  }

  #setTimer(strategyId: string, name: string, everyMs: number): void {
    const slot = this.#slots.get(strategyId);
    if (slot === undefined) return;
    const old = slot.timers.get(name);
    if (old !== undefined) this.#o.clock.cancel(old);
    const handle = this.#o.clock.setInterval(everyMs, () =>
      this.#track(this.#deliver(slot, { kind: 'timer', value: name })),
    );
    slot.timers.set(name, handle);
  }
}
