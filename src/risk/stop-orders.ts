// Stops on the venue where it can hold them. Robinhood takes `stop_loss` sell orders but has no OCO, and a resting
// stop sell reserves the holdings, so:
// - the stop-loss leg of every StopManager stop rests on the venue as a stop_loss sell of the position, sent through
//   the execution port (journaled and reconciled like any order) under a tagged strategy id (`<owner>#stop`) so the
//   owner's own order accounting (open orders, cancels, budget) never sees it;
// - take-profit stays emulated from quotes: when it triggers, the venue stop is cancelled first (and its end
//   awaited), then the exit is sent for what the stop did not fill;
// - a trailing stop moves the venue order by cancel/replace only when the level rose by `trailStep` (rate budget);
// - a position change (partial sell, add) resizes the venue stop; a fill of the venue stop ends the stop state (the
//   portfolio books it under the owner, see `stopOwner`, and StopManager drops the flat position);
// - a sell by the owner first releases its venue stop (`release`), as the venue would refuse it otherwise.
// With `venueStops: false`, or for a pair that cannot take the order, every level is emulated from quotes.
// Which venue order protects which position is saved in the store's kv and re-linked to the reconciled open orders
// on start, so a restart neither forgets nor duplicates a venue stop.
import { z } from 'zod';
import { dec, type Decimal, divide, ONE, roundToIncrement, toPlain, ZERO } from '../core/decimal.ts';
import { errorMessage } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import type { ExecutionLogger, OrderRequest } from '../execution/types.ts';
import type { Quote } from '../model/market.ts';
import { isTerminalStatus, type Order } from '../model/order.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import type { Store } from '../persistence/store.ts';
import type { StopManager, StopState } from './stops.ts';

export const STOP_TAG = '#stop';
export const STOP_ORDERS_KEY = 'risk.stop_orders';

/** The strategy id venue stop orders of `owner` carry. */
export const stopStrategyId = (owner: string): string => `${owner}${STOP_TAG}`;

/** The owning strategy of an order's strategy id (itself when it is not a venue stop's). */
export function stopOwner(strategyId: string): string;
export function stopOwner(strategyId: string | undefined): string | undefined;
export function stopOwner(strategyId: string | undefined): string | undefined {
  return strategyId?.endsWith(STOP_TAG) ? strategyId.slice(0, -STOP_TAG.length) : strategyId;
}

/** What the executor needs of the execution engine (ExecutionEngine fits). */
export interface StopExecutionPort {
  submit(request: OrderRequest): Promise<Order>;
  cancel(clientOrderId: string, reason?: string): Promise<boolean>;
  getOrder(clientOrderId: string): Order | undefined;
  openOrders(): readonly Order[];
}

export interface StopOrdersOptions {
  readonly execution: StopExecutionPort;
  readonly stops: StopManager;
  readonly clock: Clock;
  readonly logger: ExecutionLogger;
  /** Place stop-loss legs on the venue (config risk.venue_stops); false = emulate everything from quotes. */
  readonly venueStops: boolean;
  /** Pairs (increments, minimum size); a symbol without a pair is emulated. */
  readonly pairs: (symbol: string) => TradingPair | undefined;
  /** Least relative rise of a trailing stop before the venue order is replaced (default 0.005 = 0.5%). */
  readonly trailStep?: number;
  /** Where the links are kept (kv key 'risk.stop_orders'). */
  readonly store?: Pick<Store, 'getKv' | 'setKv'>;
}

const LinkSchema = z.object({
  symbol: z.string(),
  strategyId: z.string(),
  clientOrderId: z.string(),
  stopPrice: z.string(),
  quantity: z.string(),
});
/** A venue stop order protecting one strategy's position in one symbol. */
export type StopLink = z.infer<typeof LinkSchema>;

export interface StopOrders {
  /** After the portfolio booked a fill of `strategyId` (the owner): places, resizes or drops its venue stop. */
  onPosition(symbol: string, strategyId: string): void;
  /**
   * Every quote, after the cache: emulated exits (take-profit; stop-loss where no venue stop rests), trailing moves.
   * Returns the stops that triggered (the StopManager state changed: save it).
   */
  onQuote(quote: Quote): OrderRequest[];
  /** Every order event: a venue stop that ended (filled, canceled, rejected) is unlinked. */
  onOrderEvent(clientOrderId: string): void;
  /** Cancels the owner's venue stop in `symbol` (before the owner sells) and resolves once it ended. */
  release(symbol: string, strategyId: string): Promise<void>;
  /** Lets a released stop be placed again (the owner's sell ended). */
  resume(symbol: string, strategyId: string): void;
  /** Restores the links and re-links them to the open orders (call after the engine loaded and reconciled). */
  load(): Promise<void>;
  links(): readonly StopLink[];
  /** Resolves when queued venue work and writes are done. */
  idle(): Promise<void>;
  /** Stops sending: wakes work waiting for a cancel's confirmation and drops what is queued (shutdown). */
  close(): Promise<void>;
}

const keyOf = (symbol: string, strategyId: string): string => `${strategyId}\u0000${symbol}`;

export function attachStopOrders(options: StopOrdersOptions): StopOrders {
  const { execution, stops, logger } = options;
  const trailStep = options.trailStep ?? 0.005;
  const links = new Map<string, StopLink>();
  const released = new Set<string>();
  const queues = new Map<string, Promise<void>>();
  const waiters = new Map<string, Array<() => void>>();
  let saving: Promise<void> = Promise.resolve();
  let closed = false;

  const stateOf = (key: string): StopState | undefined =>
    stops.stops().find((s) => keyOf(s.symbol, s.strategyId) === key);

  /** One venue operation at a time per position, in order. */
  const enqueue = (key: string, work: () => Promise<void>): Promise<void> => {
    const next = (queues.get(key) ?? Promise.resolve())
      .then(() => (closed ? undefined : work()))
      .catch((err: unknown) => {
        logger.error({ err: errorMessage(err), key }, 'venue stop operation failed');
      });
    queues.set(key, next);
    return next;
  };

  const save = (): void => {
    const store = options.store;
    if (!store) return;
    const value = [...links.values()].map((l) => ({ ...l }));
    saving = saving
      .then(() => store.setKv(STOP_ORDERS_KEY, value, options.clock.now()))
      .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'saving venue stops failed'));
  };

  const ended = (cid: string): boolean => {
    const o = execution.getOrder(cid);
    return o === undefined || isTerminalStatus(o.status);
  };

  /** Resolves when the order reached a terminal status (order events wake it up). */
  const untilEnded = (cid: string): Promise<void> =>
    ended(cid) ? Promise.resolve() : new Promise((resolve) => waiters.set(cid, [...(waiters.get(cid) ?? []), resolve]));

  const remaining = (link: StopLink): Decimal => {
    const o = execution.getOrder(link.clientOrderId);
    return o?.quantity === undefined ? dec(link.quantity) : o.quantity.minus(o.filledQuantity);
  };

  /** The venue stop a stop state wants: quantity and price rounded to the pair, or undefined to emulate. */
  const desired = (s: StopState): { quantity: Decimal; stopPrice: Decimal } | undefined => {
    const pair = options.pairs(s.symbol);
    if (!options.venueStops || pair === undefined || pair.status === 'untradable' || !(s.stopPrice > 0)) return;
    // The owner's own resting sells already hold part of the position: the stop covers the rest, or the two could
    // sell the same holdings twice.
    let quantity = dec(s.quantity);
    for (const o of execution.openOrders())
      if (o.strategyId === s.strategyId && o.symbol === s.symbol && o.side === 'sell' && o.quantity !== undefined)
        quantity = quantity.minus(o.quantity.minus(o.filledQuantity));
    if (quantity.lt(pair.minOrderSize) || quantity.gt(pair.maxOrderSize)) return;
    const stopPrice = roundToIncrement(dec(Number(s.stopPrice.toPrecision(15))), pair.quoteIncrement, 'down');
    return stopPrice.gt(ZERO) ? { quantity, stopPrice } : undefined;
  };

  const cancelLink = async (key: string, reason: string): Promise<Order | undefined> => {
    const link = links.get(key);
    if (!link) return undefined;
    await execution.cancel(link.clientOrderId, reason);
    await untilEnded(link.clientOrderId);
    if (!ended(link.clientOrderId)) return undefined; // closing: the link stays for the next start
    links.delete(key);
    save();
    return execution.getOrder(link.clientOrderId);
  };

  const place = async (key: string, s: StopState, want: { quantity: Decimal; stopPrice: Decimal }): Promise<void> => {
    const order = await execution.submit({
      symbol: s.symbol,
      side: 'sell',
      type: 'stop_loss',
      quantity: want.quantity,
      stopPrice: want.stopPrice,
      timeInForce: 'gtc',
      strategyId: stopStrategyId(s.strategyId),
      reason: `venue stop-loss for ${s.strategyId}: stop ${toPlain(want.stopPrice)} (entry ${s.entryPrice})`,
    });
    if (isTerminalStatus(order.status) && order.filledQuantity.eq(ZERO)) {
      logger.warn({ symbol: s.symbol, status: order.status, reason: order.statusReason }, 'venue stop not placed');
      return; // refused: the stop stays emulated from quotes
    }
    links.set(key, {
      symbol: s.symbol,
      strategyId: s.strategyId,
      clientOrderId: order.clientOrderId,
      stopPrice: toPlain(want.stopPrice),
      quantity: toPlain(want.quantity),
    });
    save();
  };

  /** Brings the venue in line with the stop state of one position. */
  const sync = async (key: string): Promise<void> => {
    const s = stateOf(key);
    const link = links.get(key);
    if (link && ended(link.clientOrderId)) {
      links.delete(key);
      save();
      return sync(key);
    }
    if (s?.triggered && link) return; // crossed: the resting venue order is the exit
    const want = s && !s.triggered && !released.has(key) ? desired(s) : undefined;
    if (want === undefined) {
      if (link) await cancelLink(key, s ? 'stop emulated or released' : 'position closed');
      return;
    }
    if (link) {
      const resized = !remaining(link).eq(want.quantity);
      const trailed =
        want.stopPrice.gt(link.stopPrice) && divide(want.stopPrice, dec(link.stopPrice)).minus(ONE).gte(dec(trailStep));
      if (!resized && !trailed) return;
      await cancelLink(key, resized ? 'position changed: resize' : 'trailing stop moved');
      if (links.has(key)) return;
    }
    // The old order may have filled while being cancelled: the position (and stop state) then changed, re-read it.
    const now = stateOf(key);
    const again = now && !now.triggered && !released.has(key) ? desired(now) : undefined;
    if (now && again) await place(key, now, again);
  };

  const exit = async (key: string, request: OrderRequest): Promise<void> => {
    let quantity = dec(request.quantity ?? '0');
    const cancelled = await cancelLink(key, 'take-profit: cancel the venue stop first');
    if (closed || links.has(key)) return; // shutting down before the cancel was confirmed: the next start resyncs
    if (cancelled) quantity = quantity.minus(cancelled.filledQuantity);
    if (quantity.lte(ZERO)) return; // the venue stop sold everything first
    logger.warn({ symbol: request.symbol, strategyId: request.strategyId, reason: request.reason }, 'stop exit');
    await execution.submit({ ...request, quantity });
  };

  return {
    onPosition(symbol, strategyId) {
      const key = keyOf(symbol, strategyId);
      released.delete(key);
      void enqueue(key, () => sync(key));
    },
    onQuote(quote) {
      const triggered = stops.onQuote(quote);
      for (const request of triggered) {
        const key = keyOf(request.symbol, request.strategyId);
        // A crossed stop-loss with a venue order resting is the venue's to fill; anything else is sent from here.
        if (links.has(key) && !request.reason.startsWith('take-profit')) continue;
        void enqueue(key, () => exit(key, request));
      }
      for (const s of stops.stops())
        if (s.symbol === quote.symbol && links.has(keyOf(s.symbol, s.strategyId))) {
          const key = keyOf(s.symbol, s.strategyId);
          void enqueue(key, () => sync(key));
        }
      return triggered;
    },
    onOrderEvent(clientOrderId) {
      if (!ended(clientOrderId)) return;
      for (const wake of waiters.get(clientOrderId) ?? []) wake();
      waiters.delete(clientOrderId);
    },
    release(symbol, strategyId) {
      const key = keyOf(symbol, strategyId);
      released.add(key);
      return enqueue(key, async () => {
        await cancelLink(key, `released: ${strategyId} sells ${symbol}`);
      });
    },
    resume(symbol, strategyId) {
      const key = keyOf(symbol, strategyId);
      if (released.delete(key)) void enqueue(key, () => sync(key));
    },
    async load() {
      const saved = options.store ? await options.store.getKv(STOP_ORDERS_KEY) : undefined;
      const parsed = z.array(LinkSchema).safeParse(saved ?? []);
      if (!parsed.success) logger.error({ err: z.prettifyError(parsed.error) }, 'saved venue stops are invalid');
      for (const l of parsed.success ? parsed.data : [])
        if (!ended(l.clientOrderId)) links.set(keyOf(l.symbol, l.strategyId), l);
      // Tagged open orders the links do not know (e.g. a crash between submit and save): adopt one per position,
      // cancel any extra, so a restart never leaves two stops on one position.
      for (const o of execution.openOrders()) {
        if (o.strategyId === undefined || !o.strategyId.endsWith(STOP_TAG) || o.type !== 'stop_loss') continue;
        const owner = stopOwner(o.strategyId);
        const key = keyOf(o.symbol, owner);
        const linked = links.get(key);
        if (linked?.clientOrderId === o.clientOrderId) continue;
        if (linked === undefined && o.quantity !== undefined && o.stopPrice !== undefined)
          links.set(key, {
            symbol: o.symbol,
            strategyId: owner,
            clientOrderId: o.clientOrderId,
            stopPrice: toPlain(o.stopPrice),
            quantity: toPlain(o.quantity),
          });
        else void execution.cancel(o.clientOrderId, 'duplicate venue stop after restart');
      }
      save();
      logger.info({ links: links.size }, 'venue stops re-linked');
      for (const s of stops.stops()) {
        const key = keyOf(s.symbol, s.strategyId);
        void enqueue(key, () => sync(key));
      }
      // Links without a stop state any more (position closed while down): cancel them.
      for (const key of [...links.keys()]) if (!stateOf(key)) void enqueue(key, () => sync(key));
    },
    links: () => [...links.values()],
    async close() {
      closed = true;
      for (const wakes of waiters.values()) for (const wake of wakes) wake();
      waiters.clear();
      await this.idle();
    },
    async idle() {
      let before: Promise<void>[];
      do {
        before = [...queues.values()];
        await Promise.all(before);
      } while ([...queues.values()].some((q, i) => q !== before[i]));
      await saving;
    },
  };
}
