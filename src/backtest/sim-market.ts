// The backtest's venue side: the in-process MatchingEngine (the same matching rules as the HTTP simulator) behind the
// SimulatedVenue port, with its market driven by the historical data — bar paths or real quotes/trades — instead of
// its own replay. Fill models are configured, not reimplemented: quotes are built so that the engine's own rules give
// next-bar-open market fills, limit fills at the limit, stops at the stop, a fixed slippage and a fixed spread.
import { dec, isPositive, roundToIncrement, ZERO, type Decimal } from '../core/decimal.ts';
import { createRandom } from '../core/random.ts';
import type { VenueOrderReport, VenueOrderRequest } from '../venues/venue-port.ts';
import { MatchingEngine } from '../venues/simulator/engine.ts';
import type { FeeTier } from '../venues/simulator/ledger.ts';
import { MarketState } from '../venues/simulator/market.ts';
import { isTerminal, type SimOrder } from '../venues/simulator/order.ts';
import { defaultPairs, type SimPair } from '../venues/simulator/pairs.ts';
import { simOrderToReport, SimulatedVenue } from '../venues/simulator/venue.ts';
import type { PathPoint, TriggerPrice } from './bar-path.ts';

export const BACKTEST_ACCOUNT = 'BACKTEST-1';
const TWO = dec('2');
const THIRTY_DAYS_MS = 30 * 24 * 3_600_000;
/** Limit orders may take this multiple of the quoted size per quote: a backtest fills them whole. */
const WHOLE_FILL_PARTICIPATION = 1e12;

export interface SimMarketOptions {
  readonly symbols: readonly string[];
  /** A first price per symbol (the quote before the first bar). */
  readonly initialPrices: Readonly<Record<string, number>>;
  readonly now: () => number;
  readonly seed: number;
  readonly cash: Decimal;
  /** Asset code → quantity. */
  readonly holdings: Readonly<Record<string, Decimal>>;
  /** Flat fee ratio, or the tier table by rolling 30-day volume. */
  readonly fees: { readonly flat: Decimal } | { readonly tiers: readonly FeeTier[] };
  readonly spreadBps: number;
  readonly slippageBps: number;
  /** Share of the quoted size a limit order may take per quote (tick data with sizes); unset: whole fills. */
  readonly participation?: number;
  readonly latencyMs: number;
  readonly marketBuyCollar: Decimal;
}

/** A pair for a symbol the simulator does not list (e.g. BNB-USD), with increments that fit its price. */
export function syntheticPair(symbol: string, price: number): SimPair {
  const [asset = symbol, quote = 'USD'] = symbol.split('-');
  const quoteIncrement = price >= 100 ? '0.01' : price >= 1 ? '0.0001' : '0.000001';
  return {
    symbol,
    assetCode: asset,
    quoteCode: quote,
    assetIncrement: dec('0.00000001'),
    quoteIncrement: dec(quoteIncrement),
    minOrderSize: dec('0.00000001'),
    maxOrderSize: dec('1000000000'),
    minOrderAmount: dec('0.1'),
    status: 'tradable',
    isApiTradable: true,
  };
}

interface Seen {
  readonly updatedAt: number;
  readonly state: string;
  readonly executions: number;
}

export class SimMarket {
  readonly engine: MatchingEngine;
  readonly venue: SimulatedVenue;
  readonly pairs: ReadonlyMap<string, SimPair>;
  /** How long after it was sent an order can fill: the latency + 1 ms (from the next bar's open tick on). */
  readonly fillDelayMs: number;
  readonly #options: SimMarketOptions;
  readonly #halfSpread: number;
  /** Venue order id → what the execution engine was last told of it. */
  readonly #tracked = new Map<string, Seen>();
  /** Rolling 30-day volume for the fee tiers: [time, notional] of each fill, oldest first. */
  readonly #volume: Array<{ at: number; notional: Decimal }> = [];
  #volumeTotal = ZERO;
  #placed = 0;
  /** The last tick quote's prices per symbol, as numbers and as the venue's decimals: a best bid/ask feed repeats
   * one side far more often than it moves both, and a repeated price needs no new decimal. */
  readonly #lastTick = new Map<string, { bid: number; ask: number; b: Decimal; a: Decimal }>();
  /** Latest path price per symbol, and whether the venue's quote still lags it (quotes are set lazily). */
  readonly #last = new Map<string, { price: number; stale: boolean }>();

  constructor(options: SimMarketOptions) {
    this.#options = options;
    this.fillDelayMs = options.latencyMs + 1;
    this.#halfSpread = options.spreadBps / 20_000;
    const known = new Map(defaultPairs().map((p) => [p.symbol, p]));
    const pairs = options.symbols.map((s) => known.get(s) ?? syntheticPair(s, options.initialPrices[s] ?? 1));
    this.pairs = new Map(pairs.map((p) => [p.symbol, p]));
    const random = createRandom(options.seed);
    const market = new MarketState(pairs, options.initialPrices, random, { end: 'stop' });
    this.engine = new MatchingEngine({
      pairs,
      market,
      now: options.now,
      random,
      // +1 ms: an order sent at a bar's close may fill from the next bar's open tick (at its open time + 1 ms) on.
      fill: {
        fillDelayMs: this.fillDelayMs,
        slippageBps: options.slippageBps,
        maxSlippageBps: options.slippageBps,
        participation: options.participation ?? WHOLE_FILL_PARTICIPATION,
        marketBuyCollar: options.marketBuyCollar,
      },
      cancelDelayMs: options.latencyMs,
      ...('tiers' in options.fees && { feeTiers: options.fees.tiers }),
    });
    this.engine.addAccount({
      accountNumber: BACKTEST_ACCOUNT,
      buyingPower: options.cash,
      holdings: options.holdings,
      ...('flat' in options.fees && { feeRatio: options.fees.flat }),
    });
    this.venue = new TrackingVenue(this);
    for (const p of pairs) {
      const price = options.initialPrices[p.symbol];
      if (price !== undefined && price > 0) this.setMid(p.symbol, price);
    }
  }

  /** Orders placed so far (the engine rebuilds a bar's path when it changes). */
  get placed(): number {
    return this.#placed;
  }

  /** Called by the venue when an order was placed. */
  track(report: VenueOrderReport): void {
    this.#placed++;
    this.#tracked.set(report.venueOrderId, {
      updatedAt: report.updatedAt,
      state: report.venueState,
      executions: report.executions.length,
    });
  }

  /**
   * What a bar path of `symbol` must stop at, in one pass over the tracked orders: resting orders' prices (a limit
   * fills at its limit, a stop triggers at its stop), and when each order becomes fillable (placed + the delay).
   */
  pathMarks(symbol: string): { triggers: TriggerPrice[]; readyAt: number[] } {
    const triggers: TriggerPrice[] = [];
    const readyAt: number[] = [];
    for (const id of this.#tracked.keys()) {
      const o = this.engine.order(id);
      if (o === undefined || o.request.symbol !== symbol) continue;
      readyAt.push(o.createdAt + this.fillDelayMs);
      const r = o.request;
      if (r.stopPrice !== undefined && !o.triggered)
        triggers.push({ price: Number(r.stopPrice.toFixed()), touch: 'mid' });
      else if (r.limitPrice !== undefined)
        triggers.push({ price: Number(r.limitPrice.toFixed()), touch: r.side === 'buy' ? 'ask' : 'bid' });
    }
    return { triggers, readyAt };
  }

  /** Whether any tracked order is on `symbol` (without one, a bar's path changes nothing at the venue). */
  hasOrders(symbol: string): boolean {
    for (const id of this.#tracked.keys()) if (this.engine.order(id)?.request.symbol === symbol) return true;
    return false;
  }

  /**
   * A point of a bar path. With orders on the symbol: sets the quote and applies whatever is due. Without: only notes
   * the price (the exact quote is built when an order arrives) — a bar costs no decimal arithmetic then.
   */
  applyPathPoint(symbol: string, point: PathPoint, withOrders: boolean, match = true): void {
    if (!withOrders) {
      this.notePrice(symbol, point.price);
      return;
    }
    if (point.touch === undefined || point.touch === 'mid') this.setMid(symbol, point.price);
    else this.#setTouch(symbol, point.price, point.touch);
    // Several symbols' points at one instant: every quote is set before anything matches (the caller matches then).
    if (match) this.engine.process();
  }

  /** Notes a price without quoting it (a bar with no orders on it): the quote is built when an order arrives. */
  notePrice(symbol: string, price: number): void {
    const last = this.#last.get(symbol);
    if (last === undefined) this.#last.set(symbol, { price, stale: true });
    else {
      last.price = price;
      last.stale = true;
    }
  }

  /** Brings the venue's quote up to the latest path price before an order is placed against it. */
  freshen(symbol: string): void {
    const last = this.#last.get(symbol);
    if (last === undefined || !last.stale) return;
    this.setMid(symbol, last.price);
  }

  /** A quote around a mid price: bid and ask `spreadBps / 2` away, rounded outwards, the mid kept exact. */
  setMid(symbol: string, price: number): void {
    this.#last.set(symbol, { price, stale: false });
    const pair = this.#pair(symbol);
    const mid = roundToIncrement(dec(price), pair.quoteIncrement, 'half-even');
    if (this.#halfSpread === 0) {
      // No spread (the default): bid = ask = mid, without the arithmetic of a zero half-spread.
      this.engine.market.setQuote(symbol, isPositive(mid) ? mid : pair.quoteIncrement, mid, pair.assetIncrement);
      return;
    }
    const half = roundToIncrement(dec(price * this.#halfSpread), pair.quoteIncrement, 'up');
    const bid = mid.minus(half).gt(ZERO) ? mid.minus(half) : pair.quoteIncrement;
    this.engine.market.setQuote(symbol, bid, mid.plus(half), pair.assetIncrement);
  }

  #setTouch(symbol: string, price: number, side: 'bid' | 'ask'): void {
    this.#last.set(symbol, { price, stale: false });
    const pair = this.#pair(symbol);
    const at = roundToIncrement(dec(price), pair.quoteIncrement, 'half-even');
    const width = roundToIncrement(dec(price * this.#halfSpread), pair.quoteIncrement, 'up').times(TWO);
    const bid = side === 'bid' ? at : at.minus(width);
    this.engine.market.setQuote(
      symbol,
      bid.gt(ZERO) ? bid : pair.quoteIncrement,
      side === 'ask' ? at : at.plus(width),
      pair.assetIncrement,
    );
  }

  /**
   * A real best bid/ask (tick data). Its sizes bound limit fills when a participation is set; otherwise they do not
   * matter (orders fill whole) and the quote carries the asset increment.
   */
  setQuote(symbol: string, bid: number, ask: number, bidSize?: number, askSize?: number): void {
    this.#last.set(symbol, { price: (bid + ask) / 2, stale: false });
    const pair = this.#pair(symbol);
    const last = this.#lastTick.get(symbol);
    const b = last?.bid === bid ? last.b : roundToIncrement(dec(bid), pair.quoteIncrement, 'down');
    const a = last?.ask === ask ? last.a : roundToIncrement(dec(ask), pair.quoteIncrement, 'up');
    if (last === undefined) this.#lastTick.set(symbol, { bid, ask, b, a });
    else {
      last.bid = bid;
      last.ask = ask;
      last.b = b;
      last.a = a;
    }
    const sized = this.#options.participation !== undefined;
    this.engine.market.setQuote(
      symbol,
      b.gt(ZERO) ? b : pair.quoteIncrement,
      a,
      sized ? this.#size(pair, bidSize) : pair.assetIncrement,
      sized ? this.#size(pair, askSize) : pair.assetIncrement,
    );
    this.engine.process();
  }

  /** A quoted size as the venue's decimal: rounded down to the pair's increment, at least one increment. */
  #size(pair: SimPair, size: number | undefined): Decimal {
    if (size === undefined || !(size > 0)) return pair.assetIncrement;
    const rounded = roundToIncrement(dec(size), pair.assetIncrement, 'down');
    return isPositive(rounded) ? rounded : pair.assetIncrement;
  }

  /** Processes what is due now (settled cancels) without a new quote. */
  process(): void {
    this.engine.process();
  }

  /** Venue reports of tracked orders that changed since last time; terminal ones stop being tracked. */
  changedReports(): VenueOrderReport[] {
    let out: VenueOrderReport[] | undefined;
    for (const [id, seen] of this.#tracked) {
      const o = this.engine.order(id);
      if (o === undefined) {
        this.#tracked.delete(id);
        continue;
      }
      if (o.updatedAt === seen.updatedAt && o.state === seen.state && o.executions.length === seen.executions) continue;
      (out ??= []).push(simOrderToReport(o));
      this.#countVolume(o, seen.executions);
      if (isTerminal(o)) this.#tracked.delete(id);
      else this.#tracked.set(id, { updatedAt: o.updatedAt, state: o.state, executions: o.executions.length });
    }
    return out ?? [];
  }

  get openCount(): number {
    return this.#tracked.size;
  }

  /** Keeps the account's 30-day volume rolling (the engine only adds to it): the fee tier follows the last 30 days. */
  #countVolume(order: SimOrder, counted: number): void {
    if (!('tiers' in this.#options.fees)) return;
    for (const e of order.executions.slice(counted)) {
      const notional = e.price.times(e.quantity);
      this.#volume.push({ at: e.timestamp, notional });
      this.#volumeTotal = this.#volumeTotal.plus(notional);
    }
    this.rollVolume();
  }

  /** Drops fills older than 30 days from the account's volume (before each order: its fee tier is set then). */
  rollVolume(): void {
    if (!('tiers' in this.#options.fees)) return;
    const cutoff = this.#options.now() - THIRTY_DAYS_MS;
    while (this.#volume.length > 0 && (this.#volume[0]?.at ?? 0) < cutoff) {
      this.#volumeTotal = this.#volumeTotal.minus(this.#volume.shift()?.notional ?? ZERO);
    }
    const account = this.engine.account(BACKTEST_ACCOUNT);
    if (account !== undefined) account.thirtyDayVolume = this.#volumeTotal;
  }

  #pair(symbol: string): SimPair {
    const pair = this.pairs.get(symbol);
    if (pair === undefined) throw new RangeError(`no pair for ${symbol}`);
    return pair;
  }
}

/** The SimulatedVenue, telling the market which orders to watch. */
class TrackingVenue extends SimulatedVenue {
  readonly #market: SimMarket;

  constructor(market: SimMarket) {
    super({ engine: market.engine, accountNumber: BACKTEST_ACCOUNT, apiVersion: 2 });
    this.#market = market;
  }

  override async submitOrder(request: VenueOrderRequest): Promise<VenueOrderReport> {
    this.#market.freshen(request.symbol);
    this.#market.rollVolume();
    const report = await super.submitOrder(request);
    this.#market.track(report);
    return report;
  }
}
