// The portfolio: one exact ledger of cash and positions fed by fills, viewed per account and per strategy, and marked
// to market with float prices. Deterministic: time comes from the injected clock (or the message's own timestamp).
import { dec, isDecimal, toNumber, toPlain, ZERO, type Decimal, type DecimalInput } from '../core/decimal.ts';
import type { Clock } from '../core/clock.ts';
import { RiskError, ValidationError } from '../core/errors.ts';
import type { EquityUpdated, PositionEvent } from '../model/events.ts';
import { positionEventFor } from '../model/events.ts';
import { fillNotional, type Fill } from '../model/fill.ts';
import type { Bar, Quote } from '../model/market.ts';
import { applyFillToPosition, emptyPosition, type Position } from '../model/position.ts';
import type { Store } from '../persistence/store.ts';
import { parsePortfolioConfig, type PortfolioConfig, type PortfolioConfigInput } from './config.ts';
import { EquityCurve, type EquitySample } from './equity-curve.ts';
import { computeExposure, type Exposure } from './exposure.ts';
import { loadPortfolio, savePortfolio, type LoadResult } from './persistence.ts';
import { PositionBook, type BookValuation } from './position-book.ts';
import { Reservations } from './reservations.ts';
import { buildSnapshot, type PortfolioSnapshot } from './snapshot.ts';
import { PORTFOLIO_TOPICS, quoteMark, type PortfolioBus } from './topics.ts';

export interface PortfolioOptions {
  readonly clock: Clock;
  readonly config?: PortfolioConfigInput;
}

export interface FillOutcome {
  /** False when the fill id was applied before (the fill is then ignored). */
  readonly applied: boolean;
  /** Account event first, then the strategy's. */
  readonly events: readonly PositionEvent[];
}

export interface Mark {
  readonly price: number;
  /** Set when the mark was given as a Decimal: exact valuations use it. */
  readonly exact?: Decimal;
  readonly timestamp: number;
}

/** Ledger and valuation of one scope. For a strategy, `cash` is its net cash flow (its PnL with no allocation). */
export interface Valuation extends BookValuation {
  readonly timestamp: number;
  readonly strategyId?: string;
  readonly cash: Decimal;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  readonly equity: number;
}

export class Portfolio {
  readonly config: PortfolioConfig;
  readonly #clock: Clock;
  #cash: Decimal;
  /** #cash as a float, refreshed whenever it changes: valuations read it on every mark. */
  #cashNumber: number;
  readonly #account = new PositionBook();
  readonly #strategies = new Map<string, PositionBook>();
  readonly #applied = new Set<string>();
  readonly #reservations = new Reservations();
  readonly #marks = new Map<string, Mark>();
  readonly #accountCurve: EquityCurve;
  readonly #strategyCurves = new Map<string, EquityCurve>();
  #lastBucket: number | undefined;
  #bus: PortfolioBus | undefined;
  readonly #markOf = (symbol: string): number | undefined => this.#marks.get(symbol)?.price;
  readonly #exactMarkOf = (symbol: string): Decimal | undefined => {
    const m = this.#marks.get(symbol);
    return m === undefined ? undefined : (m.exact ?? dec(m.price));
  };

  constructor(options: PortfolioOptions) {
    this.config = parsePortfolioConfig(options.config ?? {});
    this.#clock = options.clock;
    this.#cash = this.config.startingCash;
    this.#cashNumber = toNumber(this.#cash);
    this.#accountCurve = new EquityCurve(this.config.maxHistoryPoints);
    const now = this.#clock.now();
    for (const h of this.config.holdings) {
      // Holdings at start were paid for before we began: cost basis, no cash movement.
      const costBasis = h.quantity.times(h.averageEntryPrice);
      const base = { quantity: h.quantity, costBasis, averageEntryPrice: h.averageEntryPrice, openedAt: now };
      const extra = { realizedPnl: ZERO, fees: ZERO, updatedAt: now };
      const add = (p: Position): Position => ({ ...p, ...base, ...extra });
      this.#account.set(add(this.#account.get(h.symbol)));
      const book = this.#book(this.config.unattributedStrategyId);
      book.set(add(book.get(h.symbol)));
    }
  }

  // ---- cash and buying power -------------------------------------------------------------------------------------

  get cash(): Decimal {
    return this.#cash;
  }

  /** Σ reservations for open buy orders. */
  get reserved(): Decimal {
    return this.#reservations.total();
  }

  /** Cash not reserved for open buy orders. */
  get buyingPower(): Decimal {
    return this.#cash.minus(this.#reservations.total());
  }

  /**
   * Reserves cash for an open buy order (replacing an earlier reservation under the same id). Fills of that order
   * shrink the reservation by what they cost; `release` drops what is left when the order ends.
   */
  reserve(clientOrderId: string, amount: DecimalInput): void {
    this.#reservations.reserve(clientOrderId, amount);
  }

  release(clientOrderId: string): void {
    this.#reservations.release(clientOrderId);
  }

  reservation(clientOrderId: string): Decimal {
    return this.#reservations.get(clientOrderId);
  }

  reservations(): ReadonlyMap<string, Decimal> {
    return this.#reservations.entries();
  }

  // ---- fills -----------------------------------------------------------------------------------------------------

  hasApplied(fillId: string): boolean {
    return this.#applied.has(fillId);
  }

  /**
   * Books a fill into the account and the strategy (fills without one go to `unattributedStrategyId`). The same fill
   * id twice is ignored. Refused, with the books unchanged, when it would go short and `allowShort` is false, or when
   * its fee is in another currency.
   */
  applyFill(fill: Fill, strategyId?: string): FillOutcome {
    if (this.#applied.has(fill.id)) return { applied: false, events: [] };
    if (fill.feeCurrency !== undefined && fill.feeCurrency !== this.config.currency) {
      throw new ValidationError(
        `fill ${fill.id}: fee currency ${fill.feeCurrency} is not the portfolio's ${this.config.currency}`,
        { fillId: fill.id, feeCurrency: fill.feeCurrency, currency: this.config.currency },
      );
    }
    const sid = strategyId ?? this.config.unattributedStrategyId;
    const book = this.#strategies.get(sid) ?? new PositionBook(sid);
    const accountBefore = this.#account.get(fill.symbol);
    const strategyBefore = book.get(fill.symbol);
    const accountAfter = applyFillToPosition(accountBefore, fill);
    const strategyAfter = applyFillToPosition(strategyBefore, fill);
    if (!this.config.allowShort) {
      const short = accountAfter.quantity.lt(ZERO)
        ? accountBefore
        : strategyAfter.quantity.lt(ZERO)
          ? strategyBefore
          : undefined;
      if (short !== undefined) {
        const scope = short === accountBefore ? 'the account' : `strategy ${sid}`;
        throw new RiskError(
          `sell fill ${fill.id} of ${toPlain(fill.quantity)} ${fill.symbol} exceeds the position ${toPlain(short.quantity)} of ${scope}; spot is long-only (allowShort is false)`,
          'SHORT_NOT_ALLOWED',
          {
            fillId: fill.id,
            symbol: fill.symbol,
            quantity: toPlain(fill.quantity),
            position: toPlain(short.quantity),
            strategyId: sid,
          },
        );
      }
    }

    // Commit: nothing above changed state.
    const notional = fillNotional(fill);
    const cashDelta = fill.side === 'buy' ? notional.plus(fill.fee).neg() : notional.minus(fill.fee);
    this.#setCash(this.#cash.plus(cashDelta));
    this.#account.set(accountAfter);
    this.#strategies.set(sid, book);
    book.set(strategyAfter);
    book.addCashFlow(cashDelta);
    this.#applied.add(fill.id);
    if (fill.side === 'buy') this.#reservations.consume(fill.clientOrderId, cashDelta.neg());
    // The fill is the latest price seen unless a newer mark exists: live, a buy right after a jump would otherwise be
    // valued at the quote before it, and equity (and a drawdown peak) overstated.
    const mark = this.#marks.get(fill.symbol);
    if (mark === undefined || mark.timestamp < fill.timestamp) {
      this.#marks.set(fill.symbol, { price: toNumber(fill.price), exact: fill.price, timestamp: fill.timestamp });
    }

    const now = this.#clock.now();
    const events: PositionEvent[] = [];
    const accountEvent = positionEventFor(accountBefore, accountAfter, fill, now);
    if (accountEvent) events.push(accountEvent);
    const strategyEvent = positionEventFor(strategyBefore, strategyAfter, fill, now);
    if (strategyEvent) events.push(strategyEvent);
    if (this.#bus) for (const e of events) this.#bus.publish(PORTFOLIO_TOPICS.position, e);
    this.#maybeSample(now);
    return { applied: true, events };
  }

  // ---- marks -----------------------------------------------------------------------------------------------------

  /** Sets the latest price of a symbol (a Decimal mark also makes exact valuations exact) and samples equity if due. */
  mark(symbol: string, price: number | Decimal, timestamp: number = this.#clock.now()): void {
    const value = isDecimal(price) ? toNumber(price) : price;
    if (!Number.isFinite(value) || value <= 0) {
      throw new ValidationError(`mark for ${symbol} must be a positive price, got ${String(price)}`, {
        symbol,
        price: String(price),
      });
    }
    this.#marks.set(symbol, isDecimal(price) ? { price: value, exact: price, timestamp } : { price: value, timestamp });
    this.#maybeSample(timestamp);
  }

  /** Marks at the quote's mid. Quotes with no usable side are ignored. */
  onQuote(quote: Quote): void {
    const price = quoteMark(quote);
    if (price !== undefined) this.mark(quote.symbol, price, quote.timestamp);
  }

  /** Marks at the bar's close, at its close time. */
  onBar(bar: Bar): void {
    this.mark(bar.symbol, bar.close, bar.timestamp + bar.intervalMs);
  }

  markOf(symbol: string): Mark | undefined {
    return this.#marks.get(symbol);
  }

  marks(): ReadonlyMap<string, Mark> {
    return this.#marks;
  }

  // ---- views -----------------------------------------------------------------------------------------------------

  /** The account's position, or a strategy's when `strategyId` is given (flat when none). */
  position(symbol: string, strategyId?: string): Position {
    return strategyId === undefined
      ? this.#account.get(symbol)
      : (this.#strategies.get(strategyId)?.get(symbol) ?? emptyPosition(symbol, strategyId));
  }

  /** Every position ever held (flat ones keep their realized PnL), account-wide or for one strategy. */
  positions(strategyId?: string): Position[] {
    return strategyId === undefined ? this.#account.positions() : (this.#strategies.get(strategyId)?.positions() ?? []);
  }

  strategyIds(): string[] {
    return [...this.#strategies.keys()].sort();
  }

  /** Ledger and mark-to-market of the account, or of one strategy. */
  valuation(strategyId?: string): Valuation {
    const book = strategyId === undefined ? this.#account : this.#strategies.get(strategyId);
    const cash = strategyId === undefined ? this.#cash : (book?.cashFlow ?? ZERO);
    const v = book?.value(this.#markOf) ?? { positionsValue: 0, unrealizedPnl: 0, grossExposure: 0 };
    return {
      timestamp: this.#clock.now(),
      ...(strategyId !== undefined && { strategyId }),
      cash,
      realizedPnl: book?.realizedPnl() ?? ZERO,
      fees: book?.fees() ?? ZERO,
      ...v,
      equity: (strategyId === undefined ? this.#cashNumber : (book?.cashFlowNumber ?? 0)) + v.positionsValue,
    };
  }

  /** Equity as a float (cash + Σ marked positions). */
  equity(): number {
    return this.#cashNumber + this.#account.positionsValue(this.#markOf);
  }

  /** Equity computed exactly: cash + Σ quantity × mark, each mark as given (a float mark by its shortest text). */
  exactEquity(strategyId?: string): Decimal {
    if (strategyId === undefined) return this.#cash.plus(this.#account.exactPositionsValue(this.#exactMarkOf));
    const book = this.#strategies.get(strategyId);
    return book === undefined ? ZERO : book.cashFlow.plus(book.exactPositionsValue(this.#exactMarkOf));
  }

  exposure(): Exposure {
    return computeExposure(this.#account.entries(), this.#markOf, this.equity());
  }

  /** Current drawdown below the high-water mark of the sampled account equity (the current equity counts as a peak). */
  drawdown(): number {
    return this.#accountCurve.currentDrawdown(this.equity());
  }

  get highWaterMark(): number | undefined {
    return this.#accountCurve.highWaterMark;
  }

  get maxDrawdown(): number {
    return this.#accountCurve.maxDrawdown;
  }

  equityHistory(strategyId?: string): readonly EquitySample[] {
    return strategyId === undefined
      ? this.#accountCurve.points()
      : (this.#strategyCurves.get(strategyId)?.points() ?? []);
  }

  snapshot(): PortfolioSnapshot {
    return buildSnapshot(this, this.#accountCurve, this.#strategyCurves);
  }

  // ---- equity sampling -------------------------------------------------------------------------------------------

  /** Takes an equity point now (account, then each strategy when `strategyEquity`), publishes EquityUpdated for each. */
  sampleEquity(timestamp: number = this.#clock.now()): EquityUpdated[] {
    const out: EquityUpdated[] = [this.#sample(undefined, this.#accountCurve, timestamp)];
    if (this.config.strategyEquity) {
      for (const id of this.strategyIds()) out.push(this.#sample(id, this.#strategyCurve(id), timestamp));
    }
    if (this.#bus) for (const e of out) this.#bus.publish(PORTFOLIO_TOPICS.equity, e);
    if (this.config.equitySampling.mode === 'interval') {
      this.#lastBucket = Math.floor(timestamp / this.config.equitySampling.intervalMs);
    }
    return out;
  }

  /** With interval sampling, also takes a point on every interval of the clock, marks or not. Returns the canceller. */
  scheduleSampling(): () => void {
    const sampling = this.config.equitySampling;
    if (sampling.mode !== 'interval') return () => undefined;
    const period = sampling.intervalMs;
    const start = (Math.floor(this.#clock.now() / period) + 1) * period;
    const handle = this.#clock.setInterval(period, (now) => this.#maybeSample(now), start);
    return () => this.#clock.cancel(handle);
  }

  // ---- bus -------------------------------------------------------------------------------------------------------

  /** Subscribes to fills, quotes and bars, and publishes position and equity events on `bus`. Returns the detacher. */
  attach(bus: PortfolioBus): () => void {
    this.#bus = bus;
    const offs = [
      bus.subscribe(PORTFOLIO_TOPICS.fill, (m) => void this.applyFill(m.fill, m.strategyId)),
      bus.subscribe(PORTFOLIO_TOPICS.quote, (q) => this.onQuote(q)),
      bus.subscribe(PORTFOLIO_TOPICS.bar, (b) => this.onBar(b)),
    ];
    return () => {
      for (const off of offs) off();
      if (this.#bus === bus) this.#bus = undefined;
    };
  }

  // ---- persistence -----------------------------------------------------------------------------------------------

  /** Writes the exact ledger, the positions table and the new equity points in one transaction. */
  save(store: Store): Promise<void> {
    return savePortfolio(this.#internals(), store, this.#clock.now());
  }

  /** Restores what `save` wrote for this account id; resolves `{ loaded: false }` when nothing was saved yet. */
  load(store: Store): Promise<LoadResult> {
    return loadPortfolio(this.#internals(), store);
  }

  #internals(): PortfolioInternals {
    return {
      config: this.config,
      getCash: () => this.#cash,
      setCash: (c) => this.#setCash(c),
      account: this.#account,
      strategies: this.#strategies,
      book: (id) => this.#book(id),
      applied: this.#applied,
      reservations: this.#reservations,
      marks: this.#marks,
      accountCurve: this.#accountCurve,
      strategyCurve: (id) => this.#strategyCurve(id),
      strategyCurves: this.#strategyCurves,
      getLastBucket: () => this.#lastBucket,
      setLastBucket: (b) => (this.#lastBucket = b),
    };
  }

  #setCash(cash: Decimal): void {
    this.#cash = cash;
    this.#cashNumber = toNumber(cash);
  }

  #book(strategyId: string): PositionBook {
    let book = this.#strategies.get(strategyId);
    if (book === undefined) {
      book = new PositionBook(strategyId);
      this.#strategies.set(strategyId, book);
    }
    return book;
  }

  #strategyCurve(strategyId: string): EquityCurve {
    let curve = this.#strategyCurves.get(strategyId);
    if (curve === undefined) {
      curve = new EquityCurve(this.config.maxHistoryPoints);
      this.#strategyCurves.set(strategyId, curve);
    }
    return curve;
  }

  #sample(strategyId: string | undefined, curve: EquityCurve, timestamp: number): EquityUpdated {
    const v = this.valuation(strategyId);
    const point = curve.record(timestamp, v.equity, v.cash, v.positionsValue);
    return {
      type: 'EquityUpdated',
      timestamp,
      ...(strategyId !== undefined && { strategyId }),
      cash: v.cash,
      realizedPnl: v.realizedPnl,
      fees: v.fees,
      positionsValue: v.positionsValue,
      unrealizedPnl: v.unrealizedPnl,
      equity: point.equity,
    };
  }

  #maybeSample(timestamp: number): void {
    const sampling = this.config.equitySampling;
    if (sampling.mode === 'manual') return;
    if (sampling.mode === 'interval') {
      const bucket = Math.floor(timestamp / sampling.intervalMs);
      if (this.#lastBucket !== undefined && bucket <= this.#lastBucket) return;
    }
    this.sampleEquity(timestamp);
  }
}

/** What persistence reads and restores; not part of the public API. */
export interface PortfolioInternals {
  readonly config: PortfolioConfig;
  getCash(): Decimal;
  setCash(cash: Decimal): void;
  readonly account: PositionBook;
  readonly strategies: Map<string, PositionBook>;
  book(strategyId: string): PositionBook;
  readonly applied: Set<string>;
  readonly reservations: Reservations;
  readonly marks: Map<string, Mark>;
  readonly accountCurve: EquityCurve;
  strategyCurve(strategyId: string): EquityCurve;
  readonly strategyCurves: Map<string, EquityCurve>;
  getLastBucket(): number | undefined;
  setLastBucket(bucket: number | undefined): void;
}
