// Dollar-cost averaging: buy a fixed quote amount on a schedule (every N bars, or every N ms on the clock) or on dips
// (the close X% below the highest close of the recent bars), with an optional take-profit that sells the whole
// position once the close is X% above its average entry price.
import { z } from 'zod';
import { dec, toNumber, ZERO } from '../../core/decimal.ts';
import type { Bar } from '../../model/market.ts';
import { fmt, Period, pct } from '../indicators.ts';
import { Strategy } from '../strategy.ts';
import type { JsonValue, StrategyContext } from '../types.ts';

export const DcaParamsSchema = z
  .object({
    /** 'time': on a schedule; 'dip': when the price falls from its recent high. */
    mode: z.enum(['time', 'dip']).default('time').describe("'time' (schedule) or 'dip' (drop from recent high)"),
    /** Quote currency spent per buy. */
    amount: z.number().gt(0).default(100).describe('quote currency spent per buy'),
    /** Time mode: buy every this many bars (when everyMs is 0). */
    everyBars: z.number().int().min(1).default(24).describe('time mode: buy every N bars'),
    /** Time mode: buy every this many ms on the clock instead of counting bars; 0 = count bars. */
    everyMs: z.number().int().min(0).default(0).describe('time mode: buy every N ms of clock time (0 = use everyBars)'),
    /** Dip mode: buy when the close is this fraction below the highest close of the lookback. */
    dip: z.number().gt(0).lt(1).default(0.05).describe('dip mode: fraction below the recent high that triggers a buy'),
    /** Dip mode: bars in the "recent high" window; also the minimum bars between two dip buys. */
    lookbackBars: z
      .number()
      .int()
      .min(2)
      .max(10000)
      .default(24)
      .describe('dip mode: bars in the recent-high window and between buys'),
    /** Sell everything when the close is this fraction above the average entry; 0 = never. */
    takeProfit: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe('sell all at this fraction above the average entry; 0 = off'),
    /** Stop buying after this many buys; 0 = no limit. */
    maxBuys: z.number().int().min(0).default(0).describe('stop after this many buys; 0 = no limit'),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'dip' && p.everyMs > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['everyMs'],
        message: 'everyMs is a time-mode setting; dip mode buys on dips, not on a clock',
      });
    }
  });

export type DcaParams = z.output<typeof DcaParamsSchema>;
export type DcaParamsInput = z.input<typeof DcaParamsSchema>;

const TIMER = 'dca';

export class DcaStrategy extends Strategy<DcaParams> {
  static readonly paramsSchema = DcaParamsSchema;
  static readonly description = 'Dollar-cost averaging on a schedule or on dips, optional take-profit';
  readonly #highs = new Map<string, Period>();
  /** Bars seen per symbol, and the bar count at the last buy (state across restarts). */
  #bars: Record<string, number> = {};
  #lastBuyBar: Record<string, number> = {};
  #buys = 0;

  constructor(params: DcaParamsInput = {}) {
    super(DcaParamsSchema, params);
  }

  override onStart(ctx: StrategyContext): void {
    if (this.params.mode === 'time' && this.params.everyMs > 0) ctx.setTimer(TIMER, this.params.everyMs);
  }

  get buys(): number {
    return this.#buys;
  }

  #canBuy(): boolean {
    return this.params.maxBuys === 0 || this.#buys < this.params.maxBuys;
  }

  override onBar(bar: Bar): void | Promise<void> {
    const p = this.params;
    const n = (this.#bars[bar.symbol] = (this.#bars[bar.symbol] ?? 0) + 1);
    let high = this.#highs.get(bar.symbol);
    if (high === undefined) {
      high = new Period(p.lookbackBars);
      this.#highs.set(bar.symbol, high);
    }
    high.add(bar.close);

    const position = this.ctx.portfolio.position(bar.symbol);
    if (p.takeProfit > 0 && position.quantity.gt(ZERO)) {
      const entry = toNumber(position.averageEntryPrice);
      const target = entry * (1 + p.takeProfit);
      if (bar.close >= target) {
        const reason = `close ${fmt(bar.close)} ≥ take-profit ${fmt(target)} (entry ${fmt(entry)} + ${pct(p.takeProfit)})`;
        return this.#order(bar.symbol, 'sell', reason, position.quantity.toString());
      }
    }
    if (!this.#canBuy()) return;
    if (p.mode === 'time') {
      if (p.everyMs > 0) return;
      const last = this.#lastBuyBar[bar.symbol];
      if (last !== undefined && n - last < p.everyBars) return;
      this.#lastBuyBar[bar.symbol] = n;
      const when = last === undefined ? 'first scheduled buy' : `${n - last} bars since the last buy`;
      return this.#buy(bar.symbol, `DCA every ${p.everyBars} bars: ${when}, close ${fmt(bar.close)}`);
    }
    const highest = high.highest;
    if (!high.isStable || highest === undefined) return; // warming up
    const last = this.#lastBuyBar[bar.symbol];
    if (last !== undefined && n - last < p.lookbackBars) return;
    const drop = 1 - bar.close / highest;
    if (drop < p.dip) return;
    this.#lastBuyBar[bar.symbol] = n;
    return this.#buy(
      bar.symbol,
      `close ${fmt(bar.close)} is ${pct(drop)} below the ${p.lookbackBars}-bar high ${fmt(highest)} (dip ≥ ${pct(p.dip)})`,
    );
  }

  override onTimer(name: string): void | Promise<void> {
    if (name !== TIMER || !this.#canBuy()) return;
    return this.#buyAll(`DCA every ${this.params.everyMs} ms`);
  }

  async #buyAll(why: string): Promise<void> {
    for (const symbol of this.ctx.symbols) {
      const price = this.ctx.market.price(symbol);
      if (price === undefined) continue;
      await this.#buy(symbol, `${why}: price ${fmt(price)}`);
    }
  }

  async #buy(symbol: string, reason: string): Promise<void> {
    this.#buys++;
    const amount = dec(this.params.amount);
    await this.#order(symbol, 'buy', `${reason}; buy ${fmt(this.params.amount)} worth`, { quoteAmount: amount });
  }

  async #order(
    symbol: string,
    side: 'buy' | 'sell',
    reason: string,
    size: string | { quoteAmount: ReturnType<typeof dec> },
  ): Promise<void> {
    await this.ctx.orders.market(symbol, side, size, { reason });
  }

  override saveState(): JsonValue {
    return { bars: this.#bars, lastBuyBar: this.#lastBuyBar, buys: this.#buys };
  }

  override loadState(state: JsonValue): void {
    const s = z
      .object({
        bars: z.record(z.string(), z.number()),
        lastBuyBar: z.record(z.string(), z.number()),
        buys: z.number().int().min(0),
      })
      .parse(state);
    this.#bars = s.bars;
    this.#lastBuyBar = s.lastBuyBar;
    this.#buys = s.buys;
  }
}
