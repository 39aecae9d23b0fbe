// Indicators come from trading-signals (streaming, textbook values); this file only picks the moving-average kind by
// name and formats indicator values for order reasons.
import { ATR, BollingerBands, EMA, MACD, Period, RSI, SMA } from 'trading-signals';

export { ATR, BollingerBands, EMA, MACD, Period, RSI, SMA };

export type MovingAverageKind = 'ema' | 'sma';

/** The streaming moving average both kinds share: `add(price)` returns the value once warm, else null. */
export interface StreamingAverage {
  add(price: number): number | null;
  readonly isStable: boolean;
}

export function movingAverage(kind: MovingAverageKind, period: number): StreamingAverage {
  return kind === 'ema' ? new WarmEma(period) : new SMA(period);
}

/**
 * trading-signals' EMA returns a value from its first price on (seeded with it) and is stable only after `period`
 * prices; its SMA returns null until then. Wrapped so that both kinds answer null while warming up, and a crossover
 * never trades on an average of two or three prices.
 */
class WarmEma implements StreamingAverage {
  readonly #ema: EMA;
  readonly #period: number;
  #seen = 0;

  constructor(period: number) {
    this.#ema = new EMA(period);
    this.#period = period;
  }

  add(price: number): number | null {
    const value = this.#ema.add(price);
    if (this.#seen < this.#period) this.#seen++;
    return this.#seen >= this.#period ? value : null;
  }

  get isStable(): boolean {
    return this.#seen >= this.#period;
  }
}

/** A value for a reason string: 8 significant digits, no exponent for ordinary prices. */
export function fmt(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(8))) : String(value);
}

/** A fraction as a percentage for reasons, e.g. 0.0123 → "1.23%". */
export function pct(fraction: number): string {
  return `${fmt(fraction * 100)}%`;
}
