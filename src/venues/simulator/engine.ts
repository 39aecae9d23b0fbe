// The matching engine: accounts, orders, fills against the simulator's market. Deterministic: time comes from an
// injected `now()`, randomness from a seeded generator, and nothing happens between calls — `process()` applies
// whatever is due (fills on new quotes, settled cancels, expiries) and the HTTP layer calls it before every answer.
import {
  dec,
  divideToPlaces,
  maxDec,
  minDec,
  ONE,
  roundToIncrement,
  toNumber,
  ZERO,
  type Decimal,
} from '../../core/decimal.ts';
import { seededUuid, type Random } from '../../core/random.ts';
import { clientError, notFound, validationError } from './errors.ts';
import {
  adjustHolding,
  adjustReservedAsset,
  availableQuantity,
  buyingPower,
  createAccount,
  DEFAULT_FEE_TIERS,
  feeStatus,
  type FeeTier,
  type NewAccount,
  type SimAccount,
} from './ledger.ts';
import { ChangeLog } from './change-log.ts';
import type { MarketState, SimQuote } from './market.ts';
import {
  isTerminal,
  orderFingerprint,
  remainingQuantity,
  type ApiVersion,
  type OrderRequest,
  type SimOrder,
} from './order.ts';
import { checkMinAmount, checkPairTradable, checkPrices, expiryTime, resolveQuantity } from './order-rules.ts';
import type { SimPair } from './pairs.ts';

export interface FillModel {
  /** Ms after placement before a market order (or a marketable limit) can fill. */
  fillDelayMs: number;
  /** Market orders: slippage in bps for an order as large as the quoted size (linear in size). */
  slippageBps: number;
  maxSlippageBps: number;
  /** Limit orders: share of the quoted size they can take per quote. */
  participation: number;
  /** v1 routes through market makers: prices carry this spread (a ratio) and no fee. */
  v1SpreadRatio: Decimal;
  /** Market buys hold back this much more buying power than the current ask implies. */
  marketBuyCollar: Decimal;
}

export const DEFAULT_FILL_MODEL: FillModel = {
  fillDelayMs: 0,
  slippageBps: 10,
  maxSlippageBps: 200,
  participation: 0.5,
  v1SpreadRatio: dec('0.0025'),
  marketBuyCollar: dec('0.01'),
};

export interface EngineOptions {
  readonly pairs: readonly SimPair[];
  readonly market: MarketState;
  readonly now: () => number;
  readonly random: Random;
  readonly cancelDelayMs?: number;
  readonly failOrderChance?: number;
  readonly fill?: Partial<FillModel>;
  readonly feeTiers?: readonly FeeTier[];
  /**
   * The fee tier's volume counts only fills younger than this (ms): 30 days on the HTTP simulator. Unset, the volume
   * only grows (the backtester keeps its own rolling window and sets it before each order).
   */
  readonly volumeWindowMs?: number;
}

/** The fee tiers' window: Robinhood's "30-day volume". */
export const THIRTY_DAYS_MS = 30 * 24 * 3_600_000;

export interface PlaceResult {
  readonly order: SimOrder;
  /** False when the client_order_id was already used and the original order is returned. */
  readonly created: boolean;
}

export class MatchingEngine {
  readonly market: MarketState;
  readonly pairs: ReadonlyMap<string, SimPair>;
  readonly #accounts = new Map<string, SimAccount>();
  readonly #orders = new Map<string, SimOrder>();
  readonly #open = new Map<string, SimOrder>();
  readonly #byClientId = new Map<string, SimOrder>();
  /** Every order change in time order: a poll for "updated since" reads only the recent ones. */
  readonly #changes = new ChangeLog<SimOrder>();
  readonly #now: () => number;
  readonly #random: Random;
  readonly #fill: FillModel;
  readonly #feeTiers: readonly FeeTier[];
  readonly #volumeWindowMs: number | undefined;
  /** Per account, the v2 fills still inside the volume window, oldest first. */
  readonly #volume = new Map<string, Array<{ readonly at: number; readonly notional: Decimal }>>();
  cancelDelayMs: number;
  failOrderChance: number;

  constructor(options: EngineOptions) {
    this.market = options.market;
    this.pairs = new Map(options.pairs.map((p) => [p.symbol, p]));
    this.#now = options.now;
    this.#random = options.random;
    this.#fill = { ...DEFAULT_FILL_MODEL, ...options.fill };
    this.#feeTiers = options.feeTiers ?? DEFAULT_FEE_TIERS;
    this.#volumeWindowMs = options.volumeWindowMs;
    this.cancelDelayMs = options.cancelDelayMs ?? 1000;
    this.failOrderChance = options.failOrderChance ?? 0;
  }

  now(): number {
    return this.#now();
  }

  addAccount(spec: NewAccount): SimAccount {
    const account = createAccount(spec);
    this.#accounts.set(account.accountNumber, account);
    return account;
  }

  account(accountNumber: string): SimAccount | undefined {
    return this.#accounts.get(accountNumber);
  }

  accounts(): SimAccount[] {
    return [...this.#accounts.values()];
  }

  feeStatus(account: SimAccount): ReturnType<typeof feeStatus> {
    this.#rollVolume(account);
    return feeStatus(account, this.#feeTiers);
  }

  /** Drops fills older than the window from the account's volume, so that its tier can go down as well as up. */
  #rollVolume(account: SimAccount): void {
    const list = this.#volume.get(account.accountNumber);
    if (this.#volumeWindowMs === undefined || list === undefined) return;
    const cutoff = this.#now() - this.#volumeWindowMs;
    let dropped = 0;
    for (; dropped < list.length && (list[dropped]?.at ?? 0) < cutoff; dropped++) {
      account.thirtyDayVolume = account.thirtyDayVolume.minus(list[dropped]?.notional ?? ZERO);
    }
    if (dropped > 0) list.splice(0, dropped);
  }

  /** Sets cash (buying power before reservations) and, optionally, holdings. */
  setBalance(accountNumber: string, cash?: Decimal | string, holdings?: Record<string, Decimal | string>): SimAccount {
    const account = this.#requireAccount(accountNumber);
    if (cash !== undefined) account.cash = dec(cash).plus(account.reservedCash);
    for (const [asset, qty] of Object.entries(holdings ?? {})) account.holdings.set(asset, dec(qty));
    return account;
  }

  order(id: string): SimOrder | undefined {
    return this.#orders.get(id);
  }

  /** Orders of one account (or all), newest first. */
  orders(accountNumber?: string): SimOrder[] {
    const all = [...this.#orders.values()].filter(
      (o) => accountNumber === undefined || o.accountNumber === accountNumber,
    );
    return all.reverse();
  }

  /** Orders of one account updated at or after `since`, newest first: `orders(account)` filtered, read from the log. */
  ordersUpdatedSince(accountNumber: string, since: number): SimOrder[] {
    const changed = this.#changes.since(since);
    if (changed === undefined) return this.orders(accountNumber).filter((o) => o.updatedAt >= since);
    return changed.filter((o) => o.accountNumber === accountNumber).sort((a, b) => b.seq - a.seq);
  }

  placeOrder(accountNumber: string, version: ApiVersion, request: OrderRequest): PlaceResult {
    this.process();
    const account = this.#requireAccount(accountNumber);
    // v1 and v2 orders are apart (each version lists, reads and cancels only its own), and so are their ids.
    const dupKey = `${accountNumber}:${version}:${request.clientOrderId}`;
    const existing = this.#byClientId.get(dupKey);
    if (existing !== undefined) {
      // Fingerprints only for a re-sent id (rare): building them for every order would cost more than placing it.
      if (orderFingerprint(existing.request) !== orderFingerprint(request))
        throw validationError(
          'An order with this client_order_id already exists with different parameters.',
          'client_order_id',
        );
      return { order: existing, created: false };
    }
    if (account.status === 'deactivated') throw clientError(403, 'The account is deactivated.');
    if (account.status === 'sell_only' && request.side === 'buy') throw clientError(403, 'The account is sell only.');
    const pair = checkPairTradable(this.pairs.get(request.symbol), request, version);
    checkPrices(pair, request);
    const quote = this.#quote(pair.symbol);
    const touch = this.#touch(quote, request.side, version);
    const reference = request.limitPrice ?? request.stopPrice ?? touch;
    const quantity = resolveQuantity(pair, request, reference, version);
    const feeRatio = version === 2 ? this.feeStatus(account).feeRatio : ZERO;
    if (version === 2) checkMinAmount(pair, quantity, reference, request);

    let reservedCash = ZERO;
    let reservedAsset = ZERO;
    if (request.side === 'buy') {
      const price =
        request.limitPrice ?? maxDec(touch, request.stopPrice ?? ZERO).times(this.#fill.marketBuyCollar.plus(ONE));
      reservedCash = quantity.times(price).times(feeRatio.plus(ONE));
      if (reservedCash.gt(buyingPower(account)))
        throw validationError('Insufficient buying power.', 'non_field_errors');
    } else {
      reservedAsset = quantity;
      if (quantity.gt(availableQuantity(account, pair.assetCode)))
        throw validationError(`Insufficient ${pair.assetCode} holdings.`, 'non_field_errors');
    }
    const now = this.#now();
    const expiresAt = expiryTime(request.timeInForce, now);
    const order: SimOrder = {
      id: seededUuid(this.#random),
      seq: this.#orders.size + 1,
      accountNumber,
      version,
      request,
      assetCode: pair.assetCode,
      quantity,
      feeRatio,
      createdAt: now,
      expiresAt, // undefined for gtc: a conditional spread would build the order in a slow shape
      state: 'open',
      updatedAt: now,
      executions: [],
      filledQuantity: ZERO,
      filledNotional: ZERO,
      feeCharged: ZERO,
      triggered: false,
      failInjected: this.failOrderChance > 0 && this.#random.chance(this.failOrderChance),
      // Fills start from the next process(), never inside the placing request.
      lastQuoteSeq: -1,
      reservedCash,
      reservedAsset,
    };
    account.reservedCash = account.reservedCash.plus(reservedCash);
    adjustReservedAsset(account, pair.assetCode, reservedAsset);
    this.#orders.set(order.id, order);
    this.#changes.record(order);
    this.#open.set(order.id, order);
    this.#byClientId.set(dupKey, order);
    return { order, created: true };
  }

  /** Accepts a cancel; the order turns `canceled` `cancelDelayMs` later (fills may land until then). */
  requestCancel(id: string, accountNumber?: string, delayMs = this.cancelDelayMs): SimOrder {
    this.process();
    const order = this.#orders.get(id);
    if (order === undefined || (accountNumber !== undefined && order.accountNumber !== accountNumber)) throw notFound();
    if (isTerminal(order))
      throw validationError(`Order is already ${order.state} and cannot be canceled.`, 'non_field_errors');
    order.cancelAt ??= this.#now() + delayMs;
    return order;
  }

  /** Applies everything due at `now()`: failures, expiries, settled cancels and fills on the current quotes. */
  process(): void {
    const now = this.#now();
    for (const order of this.#open.values()) {
      if (order.failInjected) {
        this.#finish(order, 'failed', now);
        continue;
      }
      if (order.expiresAt !== undefined && now >= order.expiresAt) {
        this.#finish(order, 'canceled', now);
        continue;
      }
      const quote = this.market.quote(order.request.symbol);
      if (quote !== undefined && quote.seq !== order.lastQuoteSeq && now >= order.createdAt + this.#fill.fillDelayMs) {
        this.#match(order, quote, now);
      }
      if (!isTerminal(order) && order.cancelAt !== undefined && now >= order.cancelAt)
        this.#finish(order, 'canceled', now);
    }
  }

  /** Advances the market by `ticks` and processes fills on each new quote. */
  step(ticks = 1): void {
    for (let i = 0; i < ticks; i++) {
      this.market.step(1);
      this.process();
    }
  }

  /** The price a market order of `quantity` would get now (v2 partner price, or v1 spread-inclusive). */
  marketPrice(symbol: string, side: 'buy' | 'sell', quantity: Decimal, version: ApiVersion): Decimal {
    const pair = this.pairs.get(symbol);
    const quote = this.#quote(symbol);
    if (pair === undefined) throw notFound();
    const touch = this.#touch(quote, side, version);
    const mode = side === 'buy' ? 'up' : 'down';
    // No slippage configured (backtests by default): the touch itself, without the size arithmetic.
    if (this.#fill.slippageBps === 0 || this.#fill.maxSlippageBps === 0)
      return roundToIncrement(touch, pair.quoteIncrement, mode);
    const size = side === 'buy' ? quote.askSize : quote.bidSize;
    const bps = Math.min(
      this.#fill.maxSlippageBps,
      this.#fill.slippageBps * toNumber(divideToPlaces(quantity, size, 8)),
    );
    const factor = dec(bps.toFixed(6)).times(BASIS_POINT);
    const price = side === 'buy' ? touch.times(factor.plus(ONE)) : touch.times(ONE.minus(factor));
    return roundToIncrement(price, pair.quoteIncrement, mode);
  }

  #match(order: SimOrder, quote: SimQuote, now: number): void {
    const { request } = order;
    order.lastQuoteSeq = quote.seq;
    if (request.stopPrice !== undefined && !order.triggered) {
      const crossed = request.side === 'sell' ? quote.mid.lte(request.stopPrice) : quote.mid.gte(request.stopPrice);
      if (!crossed) return;
      order.triggered = true;
    }
    if (request.limitPrice === undefined) {
      const remaining = remainingQuantity(order);
      this.#applyFill(order, this.marketPrice(request.symbol, request.side, remaining, order.version), remaining, now);
      return;
    }
    const touch = this.#touch(quote, request.side, order.version);
    const marketable = request.side === 'buy' ? touch.lte(request.limitPrice) : touch.gte(request.limitPrice);
    // A resting limit is checked on every quote; what is left of it matters only once it can fill.
    if (!marketable) return;
    const remaining = remainingQuantity(order);
    const pair = this.pairs.get(request.symbol);
    const increment = pair?.assetIncrement ?? dec('0.00000001');
    const size = request.side === 'buy' ? quote.askSize : quote.bidSize;
    const share = roundToIncrement(size.times(dec(this.#fill.participation.toString())), increment, 'down');
    this.#applyFill(order, touch, minDec(remaining, maxDec(share, increment)), now);
  }

  #applyFill(order: SimOrder, price: Decimal, quantity: Decimal, now: number): void {
    const account = this.#requireAccount(order.accountNumber);
    const notional = price.times(quantity);
    const fee = notional.times(order.feeRatio);
    if (order.request.side === 'buy') {
      const cost = notional.plus(fee);
      if (cost.gt(buyingPower(account).plus(order.reservedCash))) {
        this.#finish(order, 'failed', now); // the market ran away from a market buy's collar
        return;
      }
      const release = minDec(order.reservedCash, cost);
      order.reservedCash = order.reservedCash.minus(release);
      account.reservedCash = account.reservedCash.minus(release);
      account.cash = account.cash.minus(cost);
      adjustHolding(account, order.assetCode, quantity);
    } else {
      order.reservedAsset = order.reservedAsset.minus(quantity);
      adjustReservedAsset(account, order.assetCode, quantity.neg());
      adjustHolding(account, order.assetCode, quantity.neg());
      account.cash = account.cash.plus(notional).minus(fee);
    }
    if (order.version === 2) {
      account.thirtyDayVolume = account.thirtyDayVolume.plus(notional);
      if (this.#volumeWindowMs !== undefined) {
        const list = this.#volume.get(account.accountNumber) ?? [];
        list.push({ at: now, notional });
        this.#volume.set(account.accountNumber, list);
      }
    }
    order.executions.push({ price, quantity, fee, timestamp: now });
    order.filledQuantity = order.filledQuantity.plus(quantity);
    order.filledNotional = order.filledNotional.plus(notional);
    order.feeCharged = order.feeCharged.plus(fee);
    order.updatedAt = now;
    this.#changes.record(order);
    if (order.filledQuantity.gte(order.quantity)) this.#finish(order, 'filled', now);
    else order.state = 'partially_filled';
  }

  #finish(order: SimOrder, state: 'filled' | 'canceled' | 'failed', now: number): void {
    const account = this.#requireAccount(order.accountNumber);
    account.reservedCash = account.reservedCash.minus(order.reservedCash);
    adjustReservedAsset(account, order.assetCode, order.reservedAsset.neg());
    order.reservedCash = ZERO;
    order.reservedAsset = ZERO;
    order.state = state;
    order.updatedAt = now;
    this.#changes.record(order);
    this.#open.delete(order.id);
  }

  #touch(quote: SimQuote, side: 'buy' | 'sell', version: ApiVersion): Decimal {
    const pair = this.pairs.get(quote.symbol);
    const inc = pair?.quoteIncrement ?? dec('0.01');
    if (version === 2) return side === 'buy' ? quote.ask : quote.bid;
    const s = this.#fill.v1SpreadRatio;
    return side === 'buy'
      ? roundToIncrement(quote.ask.times(s.plus(ONE)), inc, 'up')
      : roundToIncrement(quote.bid.times(ONE.minus(s)), inc, 'down');
  }

  #quote(symbol: string): SimQuote {
    const quote = this.market.quote(symbol);
    if (quote === undefined) throw validationError(`Invalid symbol: ${symbol}.`, 'symbol');
    return quote;
  }

  #requireAccount(accountNumber: string): SimAccount {
    const account = this.#accounts.get(accountNumber);
    if (account === undefined) throw notFound();
    return account;
  }

  /** Drops all orders and accounts (control surface reset). */
  reset(): void {
    this.#accounts.clear();
    this.#volume.clear();
    this.#orders.clear();
    this.#changes.clear();
    this.#open.clear();
    this.#byClientId.clear();
  }
}

const BASIS_POINT = dec('0.0001');
