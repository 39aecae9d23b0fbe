// Exact decimals for money. A thin wrapper over big.js: add/sub/mul are always exact, and an isolated
// constructor in strict mode refuses JS numbers passed by accident (use `dec()` which converts them losslessly).
import BigLib from 'big.js';
import type { Big } from 'big.js';
import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { ValidationError } from './errors.ts';

const DecimalCtor = BigLib();
// Our own prototype layer over big.js's (other users of big.js keep theirs): comparisons (eq, gt, lt…, which all
// call cmp) read a Big argument in place instead of copying it into a new Big first — the engine compares on every
// order, fill and position change.
const layered = DecimalCtor as unknown as { prototype: { cmp: (this: Big, y: unknown) => -1 | 0 | 1 } };
const copyingCmp = layered.prototype.cmp;
layered.prototype = Object.create(layered.prototype, {
  cmp: {
    value(this: Big, y: unknown): -1 | 0 | 1 {
      return y instanceof DecimalCtor ? compareBig(this, y) : copyingCmp.call(this, y);
    },
    writable: true,
    configurable: true,
  },
}) as typeof layered.prototype;
DecimalCtor.strict = true;
DecimalCtor.DP = 40; // division precision, in decimal places
DecimalCtor.RM = BigLib.roundHalfEven;
DecimalCtor.NE = -1_000_000; // never switch to exponent notation in toString()
DecimalCtor.PE = 1_000_000;

/** What a Decimal combines with: another Decimal or decimal text. */
export type Operand = Decimal | string;

/**
 * A big.js number whose operations take only a Decimal or decimal text. The strict constructor refuses a JS number at
 * run time (`x.minus(1)` throws); this type refuses it at compile time, so such a call cannot reach an order path.
 */
export interface Decimal extends Big {
  abs(): Decimal;
  cmp(n: Operand): -1 | 0 | 1;
  div(n: Operand): Decimal;
  eq(n: Operand): boolean;
  gt(n: Operand): boolean;
  gte(n: Operand): boolean;
  lt(n: Operand): boolean;
  lte(n: Operand): boolean;
  minus(n: Operand): Decimal;
  mod(n: Operand): Decimal;
  neg(): Decimal;
  plus(n: Operand): Decimal;
  pow(exp: number): Decimal;
  round(dp?: number, rm?: Big.RoundingMode): Decimal;
  sqrt(): Decimal;
  times(n: Operand): Decimal;
  add(n: Operand): Decimal;
  sub(n: Operand): Decimal;
  mul(n: Operand): Decimal;
}
export type DecimalInput = string | number | bigint | Big | LosslessNumber;

export const ZERO: Decimal = new DecimalCtor('0');
export const ONE: Decimal = new DecimalCtor('1');

const DECIMAL_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Parses a decimal losslessly: strings as written, numbers by their shortest round-trip text, lossless-json numbers by their source text. */
export function dec(value: DecimalInput): Decimal {
  if (isDecimal(value)) return value;
  if (typeof value === 'object' && value !== null && 'c' in value && 'e' in value && 's' in value) {
    return new DecimalCtor(value as unknown as Big); // a Big from another constructor
  }
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ValidationError(`not a finite decimal: ${String(value)}`, { value: String(value) });
    // A finite number's shortest text is always a valid decimal (big.js reads its exponent form too).
    return new DecimalCtor(String(value));
  } else if (typeof value === 'bigint') text = value.toString();
  else if (isLosslessNumber(value)) text = value.value;
  else throw new ValidationError(`not a decimal: ${String(value)}`, { value: String(value) });
  if (!DECIMAL_RE.test(text)) throw new ValidationError(`not a decimal: "${text}"`, { value: text });
  return new DecimalCtor(text);
}

/** Like `dec` but returns undefined instead of throwing. */
export function tryDec(value: unknown): Decimal | undefined {
  try {
    return dec(value as DecimalInput);
  } catch {
    return undefined;
  }
}

export function isDecimal(value: unknown): value is Decimal {
  return value instanceof DecimalCtor;
}

export type RoundingMode = 'down' | 'up' | 'half-even' | 'half-up';

const BIG_RM: Record<RoundingMode, 0 | 1 | 2 | 3> = { down: 0, 'half-up': 1, 'half-even': 2, up: 3 };

/**
 * Rounds to a multiple of `increment` (e.g. 0.00000001 or 0.01). 'down' and 'up' are toward and away from zero,
 * which is what exchanges mean for quantities.
 */
export function roundToIncrement(value: Decimal, increment: DecimalInput, mode: RoundingMode = 'down'): Decimal {
  const inc = dec(increment);
  if (inc.lte(ZERO))
    throw new ValidationError(`increment must be positive, got ${inc.toFixed()}`, { increment: inc.toFixed() });
  // Increments are nearly always powers of ten (0.01, 0.00000001): rounding to places is exact and avoids a 40-digit
  // division, the most expensive operation on the order path.
  const places = powerOfTenPlaces(inc);
  // A value already on the grid is its own rounding (most order-path values are rounded already): no new Big.
  if (places !== undefined) return placesOf(value) <= places ? value : value.round(places, BIG_RM[mode]);
  return divideToPlaces(value, inc, 0, mode).times(inc);
}

/**
 * The decimal places a value needs (negative for an integer's trailing zeros: -2 for 500; -Infinity for zero).
 * big.js keeps its digits without trailing zeros, so this is read off the digits and the exponent.
 */
function placesOf(value: Decimal): number {
  const digits = digitsOf(value);
  return digits[0] === 0 ? -Infinity : digits.length - 1 - value.e;
}

/** n when `inc` is 10^-n (n may be negative: 10, 100…), else undefined. */
function powerOfTenPlaces(inc: Decimal): number | undefined {
  const digits = (inc as unknown as { c: number[] }).c;
  return digits.length === 1 && digits[0] === 1 ? -(inc as unknown as { e: number }).e : undefined;
}

export const roundDown = (value: Decimal, increment: DecimalInput): Decimal =>
  roundToIncrement(value, increment, 'down');
export const roundHalfEven = (value: Decimal, increment: DecimalInput): Decimal =>
  roundToIncrement(value, increment, 'half-even');

/**
 * `a / b` rounded to `places` decimals with `mode`: one rounding of the true quotient, the same result as big.js's
 * `div` at DP = places. Computed on scaled BigInts: big.js divides digit by digit, ~7 µs at 40 places, and averages
 * (fill prices, entry prices) are divided on every fill.
 */
export function divideToPlaces(a: Decimal, b: Decimal, places: number, mode: RoundingMode = 'half-even'): Decimal {
  const bc = digitsOf(b);
  if (bc.length === 1 && bc[0] === 0) throw new Error('[big.js] Division by zero');
  const ac = digitsOf(a);
  const negative = a.s !== b.s;
  if (ac.length === 1 && ac[0] === 0) return negative ? new DecimalCtor('-0') : new DecimalCtor('0');
  // a = A × 10^ea and b = B × 10^eb with integers A, B: a / b × 10^places = A × 10^(ea - eb + places) / B.
  const shift = a.e - (ac.length - 1) - (b.e - (bc.length - 1));
  const exact = ac.length <= 15 && bc.length <= 15 ? exactQuotient(ac, bc, shift, places, negative) : undefined;
  if (exact !== undefined) return exact;
  const k = shift + places;
  let num = mantissa(ac);
  let den = mantissa(bc);
  if (k >= 0) num *= pow10(k);
  else den *= pow10(-k);
  let q = num / den;
  const r = num - q * den;
  if (r !== 0n) {
    const twice = r * 2n;
    if (
      mode === 'up' ||
      (mode === 'half-up' && twice >= den) ||
      (mode === 'half-even' && (twice > den || (twice === den && (q & 1n) === 1n)))
    )
      q += 1n;
  }
  const out = new DecimalCtor(q);
  if (q !== 0n) out.e -= places;
  if (negative) out.s = -1;
  return out;
}

/**
 * A × 10^shift / B when B divides A and the quotient needs at most `places` decimals, else undefined. Both mantissas
 * are exact doubles (≤ 15 digits), so the remainder and the quotient are exact: the average of a single fill (its
 * notional over its quantity) is its price, found without BigInts or text — averages are taken on every fill.
 */
function exactQuotient(
  ac: readonly number[],
  bc: readonly number[],
  shift: number,
  places: number,
  negative: boolean,
): Decimal | undefined {
  const a = digitsToNumber(ac);
  const b = digitsToNumber(bc);
  if (a % b !== 0) return undefined;
  let q = a / b;
  let e = shift;
  while (q % 10 === 0) {
    q /= 10;
    e++;
  }
  if (-e > places) return undefined;
  const digits: number[] = [];
  for (; q > 0; q = Math.floor(q / 10)) digits.push(q % 10);
  digits.reverse();
  const out = new DecimalCtor(ONE); // a copy, for the shape every Big has; its fields are replaced
  out.s = negative ? -1 : 1;
  out.e = e + digits.length - 1;
  (out as unknown as { c: number[] }).c = digits;
  return out;
}

function digitsToNumber(c: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < c.length; i++) n = n * 10 + c[i]!;
  return n;
}

/** `a / b` exactly as big.js's `a.div(b)` rounds it (40 places, half-even), at a fraction of the cost. */
export function divide(a: Decimal, b: Decimal): Decimal {
  return divideToPlaces(a, b, DecimalCtor.DP, 'half-even');
}

function digitsOf(x: Decimal): number[] {
  return (x as unknown as { c: number[] }).c;
}

/** The digits as one integer: through a double while it is exact (15 digits), else through text. */
function mantissa(c: readonly number[]): bigint {
  if (c.length <= 15) return BigInt(digitsToNumber(c));
  return BigInt(c.join(''));
}

const POW10: bigint[] = [];
function pow10(n: number): bigint {
  if (n < 128) return (POW10[n] ??= 10n ** BigInt(n));
  return 10n ** BigInt(n);
}

/** True when `value` is an exact multiple of `increment`. */
export function isMultipleOf(value: Decimal, increment: DecimalInput): boolean {
  const inc = dec(increment);
  const places = powerOfTenPlaces(inc);
  if (places !== undefined) return placesOf(value) <= places;
  return value.mod(inc).eq(ZERO);
}

/**
 * `value > 0` without allocating: big.js comparisons copy their argument into a new Big every time, which shows in
 * loops that ask this of every bar.
 */
export function isPositive(value: Decimal): boolean {
  const digits = (value as unknown as { c: number[] }).c;
  return value.s === 1 && !(digits.length === 1 && digits[0] === 0);
}

/** Plain decimal text, never exponent notation; trailing zeros dropped. */
export function toPlain(value: Decimal): string {
  return value.toFixed();
}

/** Fixed number of decimal places (pads with zeros, rounds half-even). */
export function toFixedPlaces(value: Decimal, places: number): string {
  return value.toFixed(places, BIG_RM['half-even']);
}

/** Number of decimal places of an increment such as 0.00000001 → 8. */
export function decimalPlaces(increment: DecimalInput): number {
  const d = dec(increment);
  return Math.max(0, d.c.length - d.e - 1);
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lt(b) ? a : b;
}
export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.gt(b) ? a : b;
}
export function sumDec(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}
/** For floats in indicators and valuations only — never for orders or ledgers. */
export function toNumber(value: Decimal): number {
  // Up to 15 digits and a power of ten that is exact as a double: one multiplication or division of two exact
  // doubles is correctly rounded, so this equals parsing the decimal text, without building it.
  const digits = digitsOf(value);
  const shift = value.e - digits.length + 1;
  if (digits.length <= 15 && shift >= -22 && shift <= 22) {
    let n = 0;
    for (const d of digits) n = n * 10 + d;
    const abs = shift >= 0 ? n * EXACT_POW10[shift]! : n / EXACT_POW10[-shift]!;
    return value.s < 0 ? -abs : abs;
  }
  return Number(value.toFixed());
}

const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** a <=> b for two Bigs, as big.js's cmp but without copying b. */
function compareBig(a: Big, b: Big): -1 | 0 | 1 {
  const ac = digitsOf(a);
  const bc = digitsOf(b);
  const aZero = ac[0] === 0;
  const bZero = bc[0] === 0;
  if (aZero || bZero) return aZero ? (bZero ? 0 : b.s > 0 ? -1 : 1) : a.s > 0 ? 1 : -1;
  if (a.s !== b.s) return a.s > 0 ? 1 : -1;
  // Same sign: the larger magnitude is the larger number when positive, the smaller when negative.
  const sign = a.s > 0 ? 1 : -1;
  if (a.e !== b.e) return a.e > b.e ? sign : (-sign as -1 | 1);
  const n = Math.min(ac.length, bc.length);
  for (let i = 0; i < n; i++) if (ac[i] !== bc[i]) return (ac[i]! > bc[i]! ? sign : -sign) as -1 | 1;
  return ac.length === bc.length ? 0 : ac.length > bc.length ? sign : (-sign as -1 | 1);
}
