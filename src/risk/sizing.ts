// Position-sizing helpers for strategies: how much to buy so that the loss at the stop is a chosen fraction of
// equity. Quantities come back as exact Decimals, rounded down to the pair's increment when one is given, so that a
// sized order never risks more than asked.
import { dec, type Decimal, type DecimalInput, divide, roundDown, ZERO } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';
import type { Bar } from '../model/market.ts';

function positive(name: string, v: Decimal): Decimal {
  if (v.lte(ZERO))
    throw new ValidationError(`${name} must be greater than 0, got ${v.toFixed()}`, { [name]: v.toFixed() });
  return v;
}

/** Equity to size from: negative equity sizes nothing (it is not an error: an account can be under water). */
function sizingEquity(v: DecimalInput): Decimal {
  const equity = dec(v);
  return equity.lt(ZERO) ? ZERO : equity;
}

function fraction(name: string, v: number): Decimal {
  if (!(v >= 0 && v <= 1)) throw new ValidationError(`${name} must be in [0, 1], got ${v}`, { [name]: v });
  return dec(v);
}

function finish(quantity: Decimal, increment?: DecimalInput): Decimal {
  return increment === undefined ? quantity : roundDown(quantity, increment);
}

export interface FixedFractionInput {
  readonly equity: DecimalInput;
  /** Fraction of equity lost if the stop is hit, e.g. 0.01. */
  readonly riskFraction: number;
  readonly entryPrice: DecimalInput;
  readonly stopPrice: DecimalInput;
  readonly assetIncrement?: DecimalInput;
}

/** Fixed-fractional sizing: quantity = equity × f / |entry − stop|. */
export function fixedFractionSize(input: FixedFractionInput): Decimal {
  const distance = positive('stop distance', dec(input.entryPrice).minus(dec(input.stopPrice)).abs());
  const budget = sizingEquity(input.equity).times(fraction('riskFraction', input.riskFraction));
  return finish(divide(budget, distance), input.assetIncrement);
}

export interface VolatilitySizeInput {
  readonly equity: DecimalInput;
  readonly riskFraction: number;
  /** Average true range (price units per bar). */
  readonly atr: number;
  /** Stop distance in ATRs (default 2). */
  readonly atrMultiple?: number;
  readonly assetIncrement?: DecimalInput;
}

/** Volatility sizing: the stop sits `atrMultiple` ATRs away, so quantity = equity × f / (ATR × multiple). */
export function volatilitySize(input: VolatilitySizeInput): Decimal {
  const distance = positive('ATR × multiple', dec(input.atr).times(dec(input.atrMultiple ?? 2)));
  const budget = sizingEquity(input.equity).times(fraction('riskFraction', input.riskFraction));
  return finish(divide(budget, distance), input.assetIncrement);
}

/** Wilder's average true range over `period` bars (the first value is the plain mean of the first `period` TRs). */
export function averageTrueRange(bars: readonly Bar[], period = 14): number | undefined {
  if (!Number.isInteger(period) || period < 1)
    throw new ValidationError(`period must be a whole number ≥ 1, got ${period}`, { period });
  if (bars.length < period + 1) return undefined;
  let atr = 0;
  for (let i = 1; i < bars.length; i++) {
    const b = bars[i] as Bar;
    const prevClose = (bars[i - 1] as Bar).close;
    const tr = Math.max(b.high - b.low, Math.abs(b.high - prevClose), Math.abs(b.low - prevClose));
    if (i <= period) atr += tr / period;
    else atr = (atr * (period - 1) + tr) / period;
  }
  return atr;
}

export interface KellyInput {
  /** Probability of a winning trade, in [0, 1]. */
  readonly winRate: number;
  /** Average win / average loss, > 0. */
  readonly payoffRatio: number;
  /** Largest fraction returned (default 0.25: full Kelly is too aggressive for estimated inputs). */
  readonly cap?: number;
}

/** Kelly fraction f* = p − (1 − p) / b, clamped to [0, cap]; 0 when the edge is negative. */
export function kellyFraction(input: KellyInput): number {
  const { winRate: p, payoffRatio: b } = input;
  if (!(p >= 0 && p <= 1)) throw new ValidationError(`winRate must be in [0, 1], got ${p}`, { winRate: p });
  if (!(b > 0)) throw new ValidationError(`payoffRatio must be greater than 0, got ${b}`, { payoffRatio: b });
  const cap = input.cap ?? 0.25;
  if (!(cap >= 0 && cap <= 1)) throw new ValidationError(`cap must be in [0, 1], got ${cap}`, { cap });
  // Rounded to 12 places: p − (1 − p) / b in doubles is 0.19999999999999996 for p 0.6, b 1, and a quantity sized from
  // it would come out one increment short of the 0.2 meant.
  const f = Number((p - (1 - p) / b).toFixed(12));
  return Math.min(Math.max(0, f), cap);
}

/** Quantity for putting a Kelly fraction of equity into the asset at `price`. */
export function kellySize(
  input: KellyInput & { equity: DecimalInput; price: DecimalInput; assetIncrement?: DecimalInput },
): Decimal {
  const f = kellyFraction(input);
  const price = positive('price', dec(input.price));
  return finish(divide(sizingEquity(input.equity).times(dec(f)), price), input.assetIncrement);
}
