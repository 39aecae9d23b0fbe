// Market making (the seed's): when the market's spread is wide enough, quote a bid and an ask around the mid. Quotes
// lean against inventory (long inventory lowers both prices, so the ask fills sooner and the bid later), are
// canceled and replaced when the mid moves or they grow old, and stop on the bid side at the inventory limit. When
// one side fills, the other side's order may be left working as a "hanging" order (up to a limit), so that the round
// trip can still complete; a hanging order too far from the mid is canceled.
import { z } from 'zod';
import { dec, minDec, toNumber, ZERO, type Decimal } from '../../core/decimal.ts';
import type { Quote } from '../../model/market.ts';
import type { Order } from '../../model/order.ts';
import { fmt, pct } from '../indicators.ts';
import { Strategy } from '../strategy.ts';

export const MarketMakingParamsSchema = z
  .object({
    minSpread: z
      .number()
      .min(0)
      .max(1)
      .default(0.0005)
      .describe("quote only when the market's spread / mid is at least this"),
    /** Our quotes sit this fraction of the mid away from it, on each side. */
    halfSpread: z
      .number()
      .gt(0)
      .max(0.5)
      .default(0.001)
      .describe('distance of each quote from the mid, as a fraction of it'),
    orderSize: z.number().gt(0).default(0.001).describe('asset quantity per quote'),
    maxInventory: z.number().gt(0).default(0.01).describe('no bids while the position is at least this (asset units)'),
    /** 0 = no skew; 1 = at max inventory both quotes move down by a full halfSpread. */
    inventorySkew: z.number().min(0).max(1).default(0.5).describe('how far quotes lean against inventory (0–1)'),
    refreshThreshold: z
      .number()
      .gt(0)
      .max(0.5)
      .default(0.001)
      .describe('replace quotes when the mid moved this fraction'),
    refreshIntervalMs: z
      .number()
      .int()
      .min(0)
      .default(30_000)
      .describe('replace quotes this old (ms); 0 = only on moves'),
    hangingOrders: z.boolean().default(true).describe("keep the filled side's opposite order working"),
    hangingOrdersLimit: z.number().int().min(0).max(100).default(2).describe('max hanging orders kept'),
    hangingMaxDistance: z.number().gt(0).max(1).default(0.02).describe('cancel a hanging order this far from the mid'),
  })
  .superRefine((p, ctx) => {
    if (p.orderSize > p.maxInventory) {
      ctx.addIssue({
        code: 'custom',
        path: ['orderSize'],
        message: `orderSize (${p.orderSize}) exceeds maxInventory (${p.maxInventory}): a single bid would break the limit`,
      });
    }
  });

export type MarketMakingParams = z.output<typeof MarketMakingParamsSchema>;
export type MarketMakingParamsInput = z.input<typeof MarketMakingParamsSchema>;

const NONE: readonly string[] = [];

interface Book {
  bid?: string;
  ask?: string;
  quotedMid?: number;
  quotedAt?: number;
  readonly hanging: Set<string>;
}

export class MarketMakingStrategy extends Strategy<MarketMakingParams> {
  static readonly paramsSchema = MarketMakingParamsSchema;
  static readonly description = 'Two-sided quotes around the mid with inventory skew, refresh and hanging orders';
  readonly #books = new Map<string, Book>();

  constructor(params: MarketMakingParamsInput = {}) {
    super(MarketMakingParamsSchema, params);
  }

  #book(symbol: string): Book {
    let b = this.#books.get(symbol);
    if (b === undefined) {
      b = { hanging: new Set() };
      this.#books.set(symbol, b);
    }
    return b;
  }

  override onQuote(quote: Quote): void | Promise<void> {
    if (!(quote.bid > 0 && quote.ask > 0) || quote.bid > quote.ask) return; // no usable market
    const p = this.params;
    const b = this.#book(quote.symbol);
    const mid = (quote.bid + quote.ask) / 2;
    const now = this.ctx.clock.now();
    const farHanging =
      b.hanging.size === 0
        ? NONE
        : [...b.hanging].filter((id) => {
            const o = this.#working(id);
            if (o === undefined) b.hanging.delete(id);
            return o?.limitPrice !== undefined && Math.abs(toNumber(o.limitPrice) / mid - 1) > p.hangingMaxDistance;
          });
    const stale =
      b.quotedMid === undefined ||
      Math.abs(mid / b.quotedMid - 1) > p.refreshThreshold ||
      (p.refreshIntervalMs > 0 && now - (b.quotedAt ?? now) >= p.refreshIntervalMs) ||
      (b.bid === undefined && b.ask === undefined);
    if (!stale && farHanging.length === 0) return;
    return this.#requote(quote, mid, b, farHanging, stale);
  }

  #working(clientOrderId: string): Order | undefined {
    return this.ctx.orders.open().find((o) => o.clientOrderId === clientOrderId);
  }

  async #requote(quote: Quote, mid: number, b: Book, farHanging: readonly string[], stale: boolean): Promise<void> {
    const p = this.params;
    for (const id of farHanging) {
      b.hanging.delete(id);
      await this.ctx.orders.cancel(id, `hanging order more than ${pct(p.hangingMaxDistance)} from mid ${fmt(mid)}`);
    }
    if (!stale) return;
    for (const id of [b.bid, b.ask]) if (id !== undefined) await this.ctx.orders.cancel(id, 'refresh quotes');
    b.bid = b.ask = undefined;
    b.quotedMid = mid;
    b.quotedAt = this.ctx.clock.now();
    const spread = (quote.ask - quote.bid) / mid;
    if (spread < p.minSpread) return; // too tight to earn anything: stay out

    const inventory = this.ctx.portfolio.quantity(quote.symbol);
    const inv = toNumber(inventory);
    const skew = -p.inventorySkew * Math.min(1, Math.max(-1, inv / p.maxInventory)) * p.halfSpread;
    const bidPrice = mid * (1 - p.halfSpread + skew);
    const askPrice = mid * (1 + p.halfSpread + skew);
    const why = `mid ${fmt(mid)}, market spread ${pct(spread)} ≥ ${pct(p.minSpread)}, inventory ${fmt(inv)}/${fmt(p.maxInventory)}, skew ${pct(skew)}`;

    if (inv + p.orderSize <= p.maxInventory) {
      const r = await this.ctx.orders.limit(quote.symbol, 'buy', dec(p.orderSize), bidPrice, {
        reason: `bid ${pct(p.halfSpread - skew)} below ${why}`,
      });
      if (r.ok && isOpen(r.order)) b.bid = r.order.clientOrderId;
    }
    // Spot is long only: the ask sells inventory not already offered by hanging sells.
    const offered = this.ctx.orders
      .open(quote.symbol)
      .filter((o) => o.side === 'sell' && b.hanging.has(o.clientOrderId))
      .reduce((sum, o) => sum.plus((o.quantity ?? ZERO).minus(o.filledQuantity)), ZERO);
    const sellable: Decimal = minDec(dec(p.orderSize), inventory.minus(offered));
    if (sellable.gt(ZERO)) {
      const r = await this.ctx.orders.limit(quote.symbol, 'sell', sellable, askPrice, {
        reason: `ask ${pct(p.halfSpread + skew)} above ${why}`,
      });
      if (r.ok && isOpen(r.order)) b.ask = r.order.clientOrderId;
    }
  }

  override onOrderUpdate(order: Order): void {
    const b = this.#books.get(order.symbol);
    if (b === undefined) return;
    if (order.status === 'filled') {
      const other = order.clientOrderId === b.bid ? b.ask : order.clientOrderId === b.ask ? b.bid : undefined;
      if (order.clientOrderId === b.bid) b.bid = undefined;
      if (order.clientOrderId === b.ask) b.ask = undefined;
      // Keep the other side working: it completes the round trip at our price, unless the refresh would cancel it.
      if (other !== undefined && this.params.hangingOrders && b.hanging.size < this.params.hangingOrdersLimit) {
        b.hanging.add(other);
        if (other === b.bid) b.bid = undefined;
        if (other === b.ask) b.ask = undefined;
      }
    } else if (order.status === 'canceled' || order.status === 'rejected' || order.status === 'failed') {
      if (order.clientOrderId === b.bid) b.bid = undefined;
      if (order.clientOrderId === b.ask) b.ask = undefined;
      b.hanging.delete(order.clientOrderId);
    }
    if (order.status === 'filled') b.hanging.delete(order.clientOrderId);
  }

  /**
   * Quotes left working by an earlier run (a crash, a restart on a lasting venue) are canceled: this run does not
   * know them as its bid and ask, and they would fill on their own past the inventory limit.
   */
  override async onStart(): Promise<void> {
    if (this.ctx.orders.open().length > 0) await this.ctx.orders.cancelAll(undefined, 'quotes of an earlier run');
  }

  override async onStop(): Promise<void> {
    await this.ctx.orders.cancelAll(undefined, 'market making stopped');
  }
}

function isOpen(order: Order): boolean {
  return (
    order.status !== 'rejected' && order.status !== 'filled' && order.status !== 'canceled' && order.status !== 'failed'
  );
}
