// Mean reversion, long only: buy when the price is stretched below its mean (RSI oversold and/or the close under the
// lower Bollinger band), sell when it is stretched above (RSI overbought and/or over the upper band) or, optionally,
// as soon as it is back at the mean (the middle band).
import { z } from 'zod';
import { ZERO, type Decimal } from '../../core/decimal.ts';
import type { Bar } from '../../model/market.ts';
import { BollingerBands, fmt, RSI } from '../indicators.ts';
import { Strategy } from '../strategy.ts';

export const MeanReversionParamsSchema = z
  .object({
    /** Use the RSI signal. */
    useRsi: z.boolean().default(true).describe('use the RSI signal'),
    rsiPeriod: z.number().int().min(2).max(500).default(14).describe('bars in the RSI'),
    oversold: z.number().gt(0).lt(100).default(30).describe('RSI below this is oversold (buy)'),
    overbought: z.number().gt(0).lt(100).default(70).describe('RSI above this is overbought (sell)'),
    /** Use the Bollinger-band signal. */
    useBollinger: z.boolean().default(true).describe('use the Bollinger-band signal'),
    bollingerPeriod: z.number().int().min(2).max(500).default(20).describe('bars in the Bollinger bands'),
    bollingerDeviations: z.number().gt(0).max(10).default(2).describe('band width in standard deviations'),
    /** With both signals on: 'all' needs both to agree, 'any' takes either. */
    combine: z.enum(['all', 'any']).default('all').describe("with both signals: 'all' must agree, 'any' takes either"),
    /** Sell when the close is back at the middle band (needs Bollinger). */
    exitAtMean: z.boolean().default(false).describe('sell when the close is back at the middle band'),
    fraction: z.number().gt(0).max(1).default(0.5).describe("fraction of the strategy's capital per entry"),
  })
  .superRefine((p, ctx) => {
    if (!p.useRsi && !p.useBollinger) {
      ctx.addIssue({ code: 'custom', path: ['useRsi'], message: 'useRsi and useBollinger are both off: no signal' });
    }
    if (p.oversold >= p.overbought) {
      ctx.addIssue({
        code: 'custom',
        path: ['oversold'],
        message: `oversold (${p.oversold}) must be below overbought (${p.overbought}): a value could be both at once`,
      });
    }
    if (p.exitAtMean && !p.useBollinger) {
      ctx.addIssue({
        code: 'custom',
        path: ['exitAtMean'],
        message: 'exitAtMean needs useBollinger (the mean is its middle band)',
      });
    }
  });

export type MeanReversionParams = z.output<typeof MeanReversionParamsSchema>;
export type MeanReversionParamsInput = z.input<typeof MeanReversionParamsSchema>;

interface SymbolState {
  readonly rsi: RSI;
  readonly bands: BollingerBands;
}

export class MeanReversionStrategy extends Strategy<MeanReversionParams> {
  static readonly paramsSchema = MeanReversionParamsSchema;
  static readonly description = 'RSI and/or Bollinger-band mean reversion, long only';
  readonly #symbols = new Map<string, SymbolState>();

  constructor(params: MeanReversionParamsInput = {}) {
    super(MeanReversionParamsSchema, params);
  }

  override onBar(bar: Bar): void | Promise<void> {
    const p = this.params;
    let s = this.#symbols.get(bar.symbol);
    if (s === undefined) {
      s = { rsi: new RSI(p.rsiPeriod), bands: new BollingerBands(p.bollingerPeriod, p.bollingerDeviations) };
      this.#symbols.set(bar.symbol, s);
    }
    const rsi = s.rsi.add(bar.close);
    const bands = s.bands.add(bar.close);
    if ((p.useRsi && rsi === null) || (p.useBollinger && bands === null)) return; // warming up

    const close = bar.close;
    const signals = (rsiSays: boolean, bandSays: boolean): boolean => {
      if (!p.useRsi) return bandSays;
      if (!p.useBollinger) return rsiSays;
      return p.combine === 'all' ? rsiSays && bandSays : rsiSays || bandSays;
    };
    const parts: string[] = [];
    if (p.useRsi && rsi !== null) parts.push(`RSI(${p.rsiPeriod})=${fmt(rsi)}`);
    if (p.useBollinger && bands !== null) {
      parts.push(
        `BB(${p.bollingerPeriod},${p.bollingerDeviations})=${fmt(bands.lower)}/${fmt(bands.middle)}/${fmt(bands.upper)}`,
      );
    }
    const values = `${parts.join(' ')} close=${fmt(close)}`;
    const position = this.ctx.portfolio.quantity(bar.symbol);

    if (position.gt(ZERO)) {
      const overbought = rsi !== null && rsi > p.overbought;
      const aboveBand = bands !== null && close > bands.upper;
      if (signals(overbought, aboveBand)) {
        return this.#order(bar.symbol, 'sell', position, `${values}: overbought, sell`);
      }
      if (p.exitAtMean && bands !== null && close >= bands.middle) {
        return this.#order(bar.symbol, 'sell', position, `${values}: back at the mean ${fmt(bands.middle)}, sell`);
      }
      return;
    }
    const oversold = rsi !== null && rsi < p.oversold;
    const belowBand = bands !== null && close < bands.lower;
    if (signals(oversold, belowBand)) {
      const quantity = this.ctx.fixedFraction(p.fraction, close);
      if (quantity.lte(ZERO)) return;
      return this.#order(bar.symbol, 'buy', quantity, `${values}: oversold, buy`);
    }
  }

  async #order(symbol: string, side: 'buy' | 'sell', quantity: Decimal, reason: string): Promise<void> {
    await this.ctx.orders.market(symbol, side, quantity, { reason });
  }
}
