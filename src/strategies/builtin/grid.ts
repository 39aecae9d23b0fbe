// Grid trading on one symbol, long only. Price levels are spread between `lower` and `upper` (equal steps, or equal
// ratios when geometric). Every level below the price gets a buy limit; when the buy at level i fills, a sell limit
// goes to level i+1; when that sell fills, level i is free and re-armed with a buy on the next price update.
import { z } from 'zod';
import { dec, ZERO } from '../../core/decimal.ts';
import type { Bar, Quote } from '../../model/market.ts';
import type { Order } from '../../model/order.ts';
import { fmt } from '../indicators.ts';
import { Strategy } from '../strategy.ts';
import type { JsonValue, StrategyContext } from '../types.ts';

export const GridParamsSchema = z
  .object({
    lower: z.number().gt(0).describe('lowest grid price'),
    upper: z.number().gt(0).describe('highest grid price'),
    levels: z.number().int().min(2).max(500).default(10).describe('number of price levels, both ends included'),
    spacing: z.enum(['arithmetic', 'geometric']).default('arithmetic').describe('equal steps or equal ratios'),
    /** Asset quantity bought at each level. */
    quantityPerLevel: z.number().gt(0).describe('asset quantity bought at each level'),
  })
  .superRefine((p, ctx) => {
    if (p.lower >= p.upper) {
      ctx.addIssue({
        code: 'custom',
        path: ['lower'],
        message: `lower (${p.lower}) must be below upper (${p.upper}): the grid would be empty`,
      });
    }
  });

export type GridParams = z.output<typeof GridParamsSchema>;
export type GridParamsInput = z.input<typeof GridParamsSchema>;

/** The level prices, lowest first. */
export function gridLevels(p: Pick<GridParams, 'lower' | 'upper' | 'levels' | 'spacing'>): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.levels; i++) {
    const t = i / (p.levels - 1);
    out.push(p.spacing === 'arithmetic' ? p.lower + (p.upper - p.lower) * t : p.lower * (p.upper / p.lower) ** t);
  }
  return out;
}

interface LevelOrder {
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  readonly level: number;
}

export class GridStrategy extends Strategy<GridParams> {
  static readonly paramsSchema = GridParamsSchema;
  static readonly description = 'Grid of buy limits below the price and sells one level above each filled buy';
  readonly levels: readonly number[];
  /** Working grid orders by client order id. */
  #orders = new Map<string, LevelOrder>();
  #symbol = '';

  constructor(params: GridParamsInput) {
    super(GridParamsSchema, params);
    this.levels = gridLevels(this.params);
  }

  override onStart(ctx: StrategyContext): void {
    if (ctx.symbols.length !== 1) throw new Error(`grid trades exactly one symbol, got ${ctx.symbols.join(', ')}`);
    this.#symbol = ctx.symbols[0]!;
    // Orders restored from state that finished while we were down are forgotten; their levels re-arm.
    const open = new Set(ctx.orders.open(this.#symbol).map((o) => o.clientOrderId));
    for (const id of [...this.#orders.keys()]) if (!open.has(id)) this.#orders.delete(id);
  }

  override onBar(bar: Bar): void | Promise<void> {
    return this.#arm(bar.close);
  }
  override onQuote(quote: Quote): void | Promise<void> {
    if (quote.bid > 0 && quote.ask > 0) return this.#arm((quote.bid + quote.ask) / 2);
  }

  /** Buy limits at every free level below the price whose sell (one level up) is not working. */
  #arm(price: number): void | Promise<void> {
    const busy = new Set<number>();
    for (const o of this.#orders.values()) busy.add(o.side === 'buy' ? o.level : o.level - 1);
    const toPlace: number[] = [];
    for (let i = 0; i < this.levels.length - 1; i++) if (this.levels[i]! < price && !busy.has(i)) toPlace.push(i);
    if (toPlace.length === 0) return;
    return this.#placeBuys(toPlace, price);
  }

  async #placeBuys(levels: number[], price: number): Promise<void> {
    for (const i of levels) {
      const at = this.levels[i]!;
      const reason = `grid level ${i + 1}/${this.levels.length} buy at ${fmt(at)} (price ${fmt(price)}, grid ${fmt(this.params.lower)}–${fmt(this.params.upper)})`;
      await this.#place('buy', i, dec(this.params.quantityPerLevel).toString(), reason);
    }
  }

  async #place(side: 'buy' | 'sell', level: number, quantity: string, reason: string): Promise<void> {
    const result = await this.ctx.orders.limit(this.#symbol, side, quantity, this.levels[level]!, { reason });
    if (result.ok && result.order.status !== 'rejected' && result.order.status !== 'filled') {
      this.#orders.set(result.order.clientOrderId, { clientOrderId: result.order.clientOrderId, side, level });
    } else if (result.ok && result.order.status === 'filled') {
      await this.#filled({ clientOrderId: result.order.clientOrderId, side, level }, result.order);
    }
  }

  override onOrderUpdate(order: Order): void | Promise<void> {
    const mine = this.#orders.get(order.clientOrderId);
    if (mine === undefined) return;
    if (order.status === 'filled') {
      this.#orders.delete(order.clientOrderId);
      return this.#filled(mine, order);
    }
    if (order.status === 'canceled' || order.status === 'rejected' || order.status === 'failed') {
      this.#orders.delete(order.clientOrderId);
    }
  }

  /** A filled buy at level i re-sells one level up; a filled sell frees its buy level (re-armed on the next price). */
  async #filled(o: LevelOrder, order: Order): Promise<void> {
    if (o.side !== 'buy') return;
    const up = o.level + 1;
    const reason = `grid buy at level ${o.level + 1} (${fmt(this.levels[o.level]!)}) filled: sell ${order.filledQuantity.toString()} one level up at ${fmt(this.levels[up]!)}`;
    if (order.filledQuantity.gt(ZERO)) await this.#place('sell', up, order.filledQuantity.toString(), reason);
  }

  override async onStop(): Promise<void> {
    await this.ctx.orders.cancelAll(undefined, 'grid stopped');
  }

  override saveState(): JsonValue {
    return [...this.#orders.values()].map((o) => ({ clientOrderId: o.clientOrderId, side: o.side, level: o.level }));
  }

  override loadState(state: JsonValue): void {
    const list = z
      .array(z.object({ clientOrderId: z.string(), side: z.enum(['buy', 'sell']), level: z.number().int().min(0) }))
      .parse(state);
    this.#orders = new Map(list.filter((o) => o.level < this.levels.length).map((o) => [o.clientOrderId, o]));
  }
}
