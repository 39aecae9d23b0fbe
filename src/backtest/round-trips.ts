// Round trips (what a trader calls "trades"): from flat to long and back to flat, per symbol, built from fills in time
// order. Exact: PnL = sell proceeds - buy cost - fees. Sells against holdings that were there at the start (no trip
// open) belong to no trip. Also the exact sum and the text forms (plain decimals, ISO times) of the result's JSON,
// which has thousands of each.
import { dec, isPositive, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
import type { Fill } from '../model/fill.ts';

export interface RoundTrip {
  readonly symbol: string;
  readonly strategyId: string;
  readonly entryTime: number;
  /** Undefined while the trip is still open at the end of the run. */
  readonly exitTime: number | undefined;
  /** Largest quantity held during the trip. */
  readonly quantity: Decimal;
  readonly entryPrice: Decimal;
  /** Average sell price (zero when nothing was sold). */
  readonly exitPrice: Decimal;
  readonly fees: Decimal;
  /** Closed trips: proceeds - cost - fees. Open trips: realized part only (sold proceeds - their cost - fees). */
  readonly pnl: Decimal;
  readonly fills: number;
}

// The fills of a trip are kept and summed when it ends: most trips are one buy and one sell, which need no sum and
// no division at all (see `averagePrice`).
interface OpenTrip {
  readonly symbol: string;
  readonly strategyId: string;
  readonly entryTime: number;
  held: Decimal;
  peak: Decimal;
  readonly buys: Fill[];
  readonly sells: Fill[];
}

export interface AttributedFill {
  readonly fill: Fill;
  readonly strategyId: string;
}

const MAX_COLUMNS = 200;

/**
 * Exact sum of many decimals, much cheaper than a chain of `plus` (which copies and aligns both operands every
 * time): the digits are added per power of ten into plain integers, and the carries are resolved once at the end.
 * Exact while no column passes 2^53, i.e. for up to ~10^14 values; values too far apart in scale fall back to `plus`.
 */
export class DecimalSum {
  /** columns[i]: the signed sum of the digits of power `top - i`. */
  private readonly columns: number[] = [];
  private top = 0;
  private slow: Decimal | undefined;

  add(x: Decimal): void {
    const digits = x.c;
    if (this.slow !== undefined) {
      this.slow = this.slow.plus(x);
      return;
    }
    if (digits[0] === 0) return;
    const cols = this.columns;
    const top = cols.length === 0 ? x.e : Math.max(this.top, x.e);
    const width = Math.max(cols.length === 0 ? 0 : top - this.top + cols.length, top - x.e + digits.length);
    if (width > MAX_COLUMNS) {
      this.slow = this.value().plus(x);
      return;
    }
    if (cols.length > 0 && top > this.top) cols.unshift(...new Array<number>(top - this.top).fill(0));
    this.top = top;
    const offset = top - x.e;
    while (cols.length < offset + digits.length) cols.push(0);
    for (let i = 0; i < digits.length; i++) {
      cols[offset + i] = (cols[offset + i] as number) + x.s * (digits[i] as number);
    }
  }

  value(): Decimal {
    if (this.slow !== undefined) return this.slow;
    if (this.columns.length === 0) return ZERO;
    const exponent = this.top - this.columns.length + 1;
    const text = settle(this.columns);
    if (text !== undefined) return dec(`${text}e${exponent}`);
    // A negative total: its negation is positive.
    return dec(`-${settle(this.columns.map((d) => -d)) ?? ''}e${exponent}`);
  }
}

/** The digits of Σ columns[i]·10^(n-1-i), or undefined when that is negative. */
function settle(columns: readonly number[]): string | undefined {
  const digits = new Array<number>(columns.length);
  let carry = 0;
  for (let i = columns.length - 1; i >= 0; i--) {
    const v = (columns[i] as number) + carry;
    const d = ((v % 10) + 10) % 10;
    digits[i] = d;
    carry = (v - d) / 10;
  }
  if (carry < 0) return undefined;
  let head = '';
  for (; carry > 0; carry = Math.floor(carry / 10)) head = String(carry % 10) + head;
  return head + digits.join('');
}

const sameDigits = (a: Decimal, b: Decimal): boolean => {
  if (a.e !== b.e || a.s !== b.s || a.c.length !== b.c.length) return false;
  for (let i = 0; i < a.c.length; i++) if (a.c[i] !== b.c[i]) return false;
  return true;
};

/**
 * Σ quantity·price / Σ quantity, exactly as `div` gives it (DP places). When every fill has the same price the
 * quotient is that price, so the 40-place long division (~7 µs) is skipped.
 */
function averagePrice(fills: readonly Fill[], quantity: Decimal, value: Decimal): Decimal {
  if (!isPositive(quantity)) return ZERO;
  const first = (fills[0] as Fill).price;
  const dp = (first.constructor as unknown as { DP: number }).DP;
  let same = first.c.length - first.e - 1 <= dp;
  for (let i = 1; same && i < fills.length; i++) same = sameDigits((fills[i] as Fill).price, first);
  return same ? first : value.div(quantity);
}

function quantityOf(fills: readonly Fill[]): Decimal {
  if (fills.length <= 1) return fills.length === 0 ? ZERO : (fills[0] as Fill).quantity;
  const sum = new DecimalSum();
  for (const f of fills) sum.add(f.quantity);
  return sum.value();
}

function valueOf(fills: readonly Fill[]): Decimal {
  if (fills.length <= 1) return fills.length === 0 ? ZERO : (fills[0] as Fill).quantity.times((fills[0] as Fill).price);
  const sum = new DecimalSum();
  for (const f of fills) sum.add(f.quantity.times(f.price));
  return sum.value();
}

function feesOf(t: OpenTrip): Decimal {
  if (t.buys.length === 1 && t.sells.length <= 1) {
    const buyFee = (t.buys[0] as Fill).fee;
    return t.sells.length === 0 ? buyFee : buyFee.plus((t.sells[0] as Fill).fee);
  }
  const sum = new DecimalSum();
  for (const f of t.buys) sum.add(f.fee);
  for (const f of t.sells) sum.add(f.fee);
  return sum.value();
}

function finish(t: OpenTrip, exitTime: number | undefined): RoundTrip {
  const boughtQty = quantityOf(t.buys);
  const boughtCost = valueOf(t.buys);
  const soldQty = quantityOf(t.sells);
  const soldProceeds = valueOf(t.sells);
  const fees = feesOf(t);
  const entryPrice = averagePrice(t.buys, boughtQty, boughtCost);
  const exitPrice = t.sells.length === 0 ? ZERO : averagePrice(t.sells, soldQty, soldProceeds);
  // An open trip counts only what it sold, against the average entry price.
  const pnl =
    exitTime === undefined
      ? soldProceeds.minus(entryPrice.times(soldQty)).minus(fees)
      : soldProceeds.minus(boughtCost).minus(fees);
  return {
    symbol: t.symbol,
    strategyId: t.strategyId,
    entryTime: t.entryTime,
    exitTime,
    quantity: t.peak,
    entryPrice,
    exitPrice,
    fees,
    pnl,
    fills: t.buys.length + t.sells.length,
  };
}

/**
 * Round trips built one fill at a time, so that a caller walking the fills anyway (the result) reads each fill
 * once: after a long run the fills are scattered in memory, and fetching them is much of the cost.
 */
export class RoundTripBuilder {
  private readonly open = new Map<string, OpenTrip>();
  private lastStrategy = '';
  private lastSymbol = '';
  private lastKey = '|';

  /** Books a fill (in time order); returns the trip it closed, if any. */
  add(fill: Fill, strategyId: string): RoundTrip | undefined {
    if (strategyId !== this.lastStrategy || fill.symbol !== this.lastSymbol) {
      this.lastStrategy = strategyId;
      this.lastSymbol = fill.symbol;
      this.lastKey = `${strategyId}|${fill.symbol}`;
    }
    const key = this.lastKey;
    let trip = this.open.get(key);
    if (fill.side === 'buy') {
      if (trip === undefined) {
        // Quantities are > 0 (createFill checks), so the first buy is the peak so far.
        trip = {
          symbol: fill.symbol,
          strategyId,
          entryTime: fill.timestamp,
          held: fill.quantity,
          peak: fill.quantity,
          buys: [fill],
          sells: [],
        };
        this.open.set(key, trip);
      } else {
        trip.held = trip.held.plus(fill.quantity);
        if (trip.held.gt(trip.peak)) trip.peak = trip.held;
        trip.buys.push(fill);
      }
    } else {
      if (trip === undefined) return undefined;
      // Selling exactly what is held (the usual exit) needs no subtraction.
      trip.held = sameDigits(trip.held, fill.quantity) ? ZERO : trip.held.minus(fill.quantity);
      trip.sells.push(fill);
    }
    if (isPositive(trip.held)) return undefined;
    this.open.delete(key);
    return finish(trip, fill.timestamp);
  }

  /** The trips still open, in the order they opened. */
  stillOpen(): RoundTrip[] {
    return [...this.open.values()].map((t) => finish(t, undefined));
  }
}

/** Round trips per symbol and strategy, closed ones in the order they closed, then the ones still open. */
export function roundTrips(fills: readonly AttributedFill[]): RoundTrip[] {
  const builder = new RoundTripBuilder();
  const trips: RoundTrip[] = [];
  for (const { fill, strategyId } of fills) {
    const closed = builder.add(fill, strategyId);
    if (closed !== undefined) trips.push(closed);
  }
  trips.push(...builder.stillOpen());
  return trips;
}

const ZEROS = '000000000';

/**
 * `toPlain(x)`, ~1.5× faster for values of up to 18 digits (prices, quantities, fees): the digits are printed as one
 * or two small integers, where big.js joins them one by one.
 */
export function plainText(x: Decimal): string {
  const digits = x.c;
  const n = digits.length;
  if (n > 18) return toPlain(x);
  const split = n > 9 ? n - 9 : n;
  let high = 0;
  for (let i = 0; i < split; i++) high = high * 10 + (digits[i] as number);
  let s = String(high);
  if (split < n) {
    let low = 0;
    for (let i = split; i < n; i++) low = low * 10 + (digits[i] as number);
    const text = String(low);
    s += ZEROS.slice(text.length) + text;
  }
  const point = x.e + 1;
  if (point <= 0) s = `0.${'0'.repeat(-point)}${s}`;
  else if (point < n) s = `${s.slice(0, point)}.${s.slice(point)}`;
  else if (point > n) s += '0'.repeat(point - n);
  return x.s < 0 && high !== 0 ? `-${s}` : s;
}

const DAY_MS = 86_400_000;
/** 10000-01-01: from there on toISOString writes a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;
const pad = (n: number, width: number): string[] => Array.from({ length: n }, (_, i) => String(i).padStart(width, '0'));
const TWO = pad(60, 2);
const THREE = pad(1000, 3);
let cachedDay = NaN;
let cachedDate = '';

/**
 * `new Date(ms).toISOString()` without a Date per call (thousands of fills and trips per result): the date part is
 * cached per day, the time of day is plain arithmetic.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= YEAR_10000_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${cachedDate}${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${THREE[milli]}Z`;
}

/** How decimals and times become text in the JSON forms. */
export interface TextFormat {
  decimal(x: Decimal): string;
  time(ms: number): string;
}

export const PLAIN_TEXT: TextFormat = { decimal: plainText, time: isoTime };

/** JSON form: decimals as plain strings, times as ISO. */
export function roundTripToJson(t: RoundTrip, text: TextFormat = PLAIN_TEXT): Record<string, string | number | null> {
  return {
    symbol: t.symbol,
    strategyId: t.strategyId,
    entryTime: text.time(t.entryTime),
    exitTime: t.exitTime === undefined ? null : text.time(t.exitTime),
    quantity: text.decimal(t.quantity),
    entryPrice: text.decimal(t.entryPrice),
    exitPrice: text.decimal(t.exitPrice),
    fees: text.decimal(t.fees),
    pnl: text.decimal(t.pnl),
    fills: t.fills,
  };
}
