// Trend following: a fast/slow moving-average crossover, long only. It buys when the fast average crosses above the
// slow one and sells when it crosses back below, with an optional ATR trailing-free stop set at entry.
import { z } from 'zod';
import { isPositive, ZERO, type Decimal } from '../../core/decimal.ts';
import type { Bar } from '../../model/market.ts';
import { ATR, fmt, movingAverage, type StreamingAverage } from '../indicators.ts';
import { Strategy } from '../strategy.ts';
import type { JsonValue } from '../types.ts';

export const TrendParamsSchema = z
  .object({
    /** Bars in the fast average. */
    fast: z.number().int().min(1).max(1000).default(12).describe('bars in the fast average'),
    /** Bars in the slow average. */
    slow: z.number().int().min(2).max(5000).default(26).describe('bars in the slow average'),
    /** Kind of moving average. */
    average: z.enum(['ema', 'sma']).default('ema').describe('kind of moving average'),
    /** Fraction of the strategy's capital put into each entry. */
    fraction: z.number().gt(0).max(1).default(0.5).describe("fraction of the strategy's capital per entry"),
    /** Stop distance in ATRs below the entry close; 0 turns the stop off. */
    atrStop: z.number().min(0).max(20).default(0).describe('stop distance in ATRs below entry; 0 = no stop'),
    /** Bars in the ATR (Wilder's smoothing). */
    atrPeriod: z.number().int().min(1).max(500).default(14).describe("bars in the ATR (Wilder's)"),
  })
  .superRefine((p, ctx) => {
    if (p.fast === p.slow) {
      ctx.addIssue({
        code: 'custom',
        path: ['fast'],
        message: `fast (${p.fast}) equals slow: the averages would be identical and never cross`,
      });
    } else if (p.fast > p.slow) {
      ctx.addIssue({
        code: 'custom',
        path: ['fast'],
        message: `fast (${p.fast}) must be shorter than slow (${p.slow}): otherwise "fast" lags "slow" and the signals invert`,
      });
    }
  });

export type TrendParams = z.output<typeof TrendParamsSchema>;
export type TrendParamsInput = z.input<typeof TrendParamsSchema>;

type Relation = 'above' | 'below';

interface SymbolState {
  readonly fast: StreamingAverage;
  readonly slow: StreamingAverage;
  readonly atr: ATR;
  /** The fast average's side of the slow one on the previous warm bar. */
  relation?: Relation;
  /** Stop level for the open position, when the ATR stop is on. */
  stop?: number;
}

export class TrendStrategy extends Strategy<TrendParams> {
  static readonly paramsSchema = TrendParamsSchema;
  static readonly description = 'Moving-average crossover (EMA or SMA), long only, optional ATR stop';
  readonly #symbols = new Map<string, SymbolState>();

  constructor(params: TrendParamsInput = {}) {
    super(TrendParamsSchema, params);
  }

  #state(symbol: string): SymbolState {
    let s = this.#symbols.get(symbol);
    if (s === undefined) {
      const p = this.params;
      s = { fast: movingAverage(p.average, p.fast), slow: movingAverage(p.average, p.slow), atr: new ATR(p.atrPeriod) };
      this.#symbols.set(symbol, s);
    }
    return s;
  }

  override onBar(bar: Bar): void | Promise<void> {
    const s = this.#state(bar.symbol);
    const fast = s.fast.add(bar.close);
    const slow = s.slow.add(bar.close);
    const atr = this.params.atrStop > 0 ? s.atr.add(bar) : null;
    if (fast === null || slow === null) return; // warming up
    const previous = s.relation;
    // A cross needs the previous bar's relation: it fires once, on the bar where the relation flips.
    const relation: Relation | undefined = fast > slow ? 'above' : fast < slow ? 'below' : previous;
    s.relation = relation;
    const position = this.ctx.portfolio.quantity(bar.symbol);
    const long = isPositive(position);

    if (long && s.stop !== undefined && bar.low <= s.stop) {
      const stop = s.stop;
      s.stop = undefined;
      return this.#sell(
        bar,
        position,
        `ATR stop: low ${fmt(bar.low)} reached stop ${fmt(stop)} (${this.#values(fast, slow)})`,
      );
    }
    if (previous === undefined || relation === previous) return;
    if (relation === 'above' && !long) {
      const quantity = this.ctx.fixedFraction(this.params.fraction, bar.close);
      if (quantity.lte(ZERO)) return;
      if (atr !== null) s.stop = bar.close - this.params.atrStop * atr;
      const stop = s.stop === undefined ? '' : `, stop ${fmt(s.stop)} (${this.params.atrStop}×ATR ${fmt(atr ?? 0)})`;
      return this.#buy(
        bar,
        quantity,
        `${this.#values(fast, slow)}: fast crossed above slow at close ${fmt(bar.close)}${stop}`,
      );
    }
    if (relation === 'below' && long) {
      s.stop = undefined;
      return this.#sell(
        bar,
        position,
        `${this.#values(fast, slow)}: fast crossed below slow at close ${fmt(bar.close)}`,
      );
    }
  }

  /** The averages for an order's reason; built only for an order, formatting every bar would cost more than them. */
  #values(fast: number, slow: number): string {
    const name = this.params.average.toUpperCase();
    return `${name}(${this.params.fast})=${fmt(fast)} ${name}(${this.params.slow})=${fmt(slow)}`;
  }

  async #buy(bar: Bar, quantity: Decimal, reason: string): Promise<void> {
    await this.ctx.orders.market(bar.symbol, 'buy', quantity, { reason });
  }

  async #sell(bar: Bar, quantity: Decimal, reason: string): Promise<void> {
    await this.ctx.orders.market(bar.symbol, 'sell', quantity, { reason });
  }

  override saveState(): JsonValue {
    const out: Record<string, JsonValue> = {};
    for (const [symbol, s] of this.#symbols) {
      out[symbol] = { relation: s.relation ?? null, stop: s.stop ?? null };
    }
    return out;
  }

  /** Restores the stops and last relations; the averages warm up again from the next bars. */
  override loadState(state: JsonValue): void {
    const parsed = z
      .record(z.string(), z.object({ relation: z.enum(['above', 'below']).nullable(), stop: z.number().nullable() }))
      .parse(state ?? {});
    for (const [symbol, v] of Object.entries(parsed)) {
      const s = this.#state(symbol);
      if (v.relation !== null) s.relation = v.relation;
      if (v.stop !== null) s.stop = v.stop;
    }
  }
}
