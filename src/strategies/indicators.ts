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
  return kind === 'ema' ? new EMA(period) : new SMA(period);
}

/** A value for a reason string: 8 significant digits, no exponent for ordinary prices. */
export function fmt(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(8))) : String(value);
}

/** A fraction as a percentage for reasons, e.g. 0.0123 → "1.23%". */
export function pct(fraction: number): string {
  return `${fmt(fraction * 100)}%`;
}
