// Stop-loss, take-profit and trailing stops, emulated from quotes: every new position gets the defaults unless its
// strategy set its own, and a quote through a level emits one exit order (a market sell of the whole position).
// Venue-side stop orders, where the pair supports them, are a later refinement. State survives restarts via store kv.
import { z } from 'zod';
import { dec, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';
import type { OrderRequest } from '../execution/types.ts';
import type { Quote } from '../model/market.ts';
import type { JsonValue, Store } from '../persistence/store.ts';

/** A strategy's own levels for its next position in a symbol (fractions of the entry price). */
export interface StopSpec {
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** Trailing distance from the highest bid since entry; the stop only moves up. */
  readonly trailing?: number;
}

export interface StopDefaults {
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly trailing?: number;
}

const StopStateSchema = z.object({
  symbol: z.string(),
  strategyId: z.string(),
  quantity: z.string(),
  entryPrice: z.number().positive(),
  stopPrice: z.number().nonnegative(),
  takeProfitPrice: z.number().positive().optional(),
  trailing: z.number().positive().optional(),
  highWater: z.number().positive(),
  triggered: z.boolean(),
});
export type StopState = z.infer<typeof StopStateSchema>;

const STOPS_KEY = 'risk.stops';
const key = (symbol: string, strategyId: string): string => `${strategyId}\u0000${symbol}`;

export class StopManager {
  readonly #defaults: StopDefaults;
  readonly #specs = new Map<string, StopSpec>();
  readonly #stops = new Map<string, StopState>();

  constructor(defaults: StopDefaults) {
    const levels: [string, number | undefined][] = [
      ['stopLoss', defaults.stopLoss],
      ['takeProfit', defaults.takeProfit],
      ['trailing', defaults.trailing],
    ];
    for (const [name, v] of levels)
      if (v !== undefined && !(v > 0 && v <= 1))
        throw new ValidationError(`stop default ${name} must be in (0, 1], got ${v}`, { [name]: v });
    this.#defaults = defaults;
  }

  /** Sets the levels a strategy wants for its position in `symbol` (applies now if one is open, else to the next). */
  setStops(symbol: string, strategyId: string, spec: StopSpec): void {
    this.#specs.set(key(symbol, strategyId), spec);
    const s = this.#stops.get(key(symbol, strategyId));
    if (s) this.#stops.set(key(symbol, strategyId), this.#levels(s, spec));
  }

  /** The stop distance (fraction of the price) a new position of this strategy would get. */
  plannedStopFraction(symbol: string, strategyId: string): number {
    return (
      this.#specs.get(key(symbol, strategyId))?.stopLoss ??
      this.#specs.get(key(symbol, strategyId))?.trailing ??
      this.#defaults.stopLoss
    );
  }

  /**
   * The largest distance from `price` down to a live stop of any strategy in `symbol`, as a fraction of `price`
   * (0 when the price is already at or under the stop); undefined when no stop is held.
   */
  stopFraction(symbol: string, price: number): number | undefined {
    let worst: number | undefined;
    for (const s of this.#stops.values()) {
      if (s.symbol !== symbol) continue;
      const f = Math.max(0, (price - s.stopPrice) / price);
      worst = worst === undefined ? f : Math.max(worst, f);
    }
    return worst;
  }

  /** Follows the position of a strategy (from 'portfolio.position' events): opens, resizes or drops its stop. */
  onPosition(symbol: string, strategyId: string, quantity: Decimal, averageEntryPrice: Decimal): void {
    const k = key(symbol, strategyId);
    if (quantity.lte(ZERO)) {
      this.#stops.delete(k);
      return;
    }
    const existing = this.#stops.get(k);
    const entryPrice = Number(averageEntryPrice.toFixed());
    if (existing) {
      // A changed size re-arms the exit. A reduction keeps the average entry and so the levels. An addition at another
      // price moves the average, and the levels follow it: a take-profit above the old entry could otherwise sell the
      // larger position at a loss. Trailing stops keep their high water.
      const resized = { ...existing, quantity: toPlain(quantity), triggered: false };
      this.#stops.set(
        k,
        entryPrice === existing.entryPrice
          ? resized
          : this.#levels(
              { ...resized, entryPrice, highWater: Math.max(existing.highWater, entryPrice) },
              this.#specs.get(k) ?? {},
            ),
      );
      return;
    }
    const base = {
      symbol,
      strategyId,
      quantity: toPlain(quantity),
      entryPrice,
      highWater: entryPrice,
      triggered: false,
    };
    this.#stops.set(k, this.#levels({ ...base, stopPrice: 0 }, this.#specs.get(k) ?? {}));
  }

  #levels(s: StopState, spec: StopSpec): StopState {
    const stopLoss = spec.stopLoss ?? (spec.trailing === undefined ? this.#defaults.stopLoss : undefined);
    const trailing = spec.trailing ?? (spec.stopLoss === undefined ? this.#defaults.trailing : undefined);
    const takeProfit = spec.takeProfit ?? this.#defaults.takeProfit;
    const fixed = stopLoss === undefined ? 0 : s.entryPrice * (1 - stopLoss);
    const trail = trailing === undefined ? 0 : s.highWater * (1 - trailing);
    const { trailing: _drop, ...rest } = s;
    return {
      ...rest,
      stopPrice: Math.max(fixed, trail),
      takeProfitPrice: s.entryPrice * (1 + takeProfit),
      ...(trailing !== undefined && { trailing }),
    };
  }

  /** Checks every stop of the quote's symbol against the bid; returns the exit orders to send (once per trigger). */
  onQuote(quote: Quote): OrderRequest[] {
    const exits: OrderRequest[] = [];
    for (const [k, s] of this.#stops) {
      if (s.symbol !== quote.symbol || s.triggered) continue;
      const bid = quote.bid;
      let stop = s.stopPrice;
      let highWater = s.highWater;
      if (s.trailing !== undefined && bid > highWater) {
        highWater = bid;
        stop = Math.max(stop, bid * (1 - s.trailing));
      }
      let reason: string | undefined;
      if (bid <= stop) {
        const kind = s.trailing !== undefined && stop > s.entryPrice * (1 - s.trailing) ? 'trailing stop' : 'stop-loss';
        reason = `${kind} hit: bid ${bid} <= stop ${round(stop)} (entry ${s.entryPrice})`;
      } else if (s.takeProfitPrice !== undefined && bid >= s.takeProfitPrice) {
        reason = `take-profit hit: bid ${bid} >= target ${round(s.takeProfitPrice)} (entry ${s.entryPrice})`;
      }
      this.#stops.set(k, { ...s, stopPrice: stop, highWater, triggered: reason !== undefined });
      if (reason !== undefined)
        exits.push({
          symbol: s.symbol,
          side: 'sell',
          type: 'market',
          quantity: dec(s.quantity),
          strategyId: s.strategyId,
          reason,
        });
    }
    return exits;
  }

  /** Whether `symbol` has a stop not yet triggered (no copy of the states: backtests ask this at every tick). */
  hasLive(symbol: string): boolean {
    for (const s of this.#stops.values()) if (s.symbol === symbol && !s.triggered) return true;
    return false;
  }

  stops(): readonly StopState[] {
    return [...this.#stops.values()];
  }

  toJson(): JsonValue {
    return this.stops().map((s) => ({ ...s }));
  }

  /** Replaces the state with a saved one (validated). */
  restore(value: unknown): void {
    const parsed = z.array(StopStateSchema).safeParse(value);
    if (!parsed.success) throw new ValidationError(`saved stops are invalid: ${z.prettifyError(parsed.error)}`);
    this.#stops.clear();
    for (const s of parsed.data) this.#stops.set(key(s.symbol, s.strategyId), s);
  }

  async save(store: Pick<Store, 'setKv'>, now: number): Promise<void> {
    await store.setKv(STOPS_KEY, this.toJson(), now);
  }

  /** Loads saved stops; returns how many. */
  async load(store: Pick<Store, 'getKv'>): Promise<number> {
    const value = await store.getKv(STOPS_KEY);
    if (value === undefined) return 0;
    this.restore(value);
    return this.#stops.size;
  }
}

function round(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}
