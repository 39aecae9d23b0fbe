// Round trips (what a trader calls "trades"): from flat to long and back to flat, per symbol, built from fills in time
// order. Exact: PnL = sell proceeds - buy cost - fees. Sells against holdings that were there at the start (no trip
// open) belong to no trip.
import { divide, isPositive, sumDec, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
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

// The fills of a trip are kept and summed when it ends.
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

/** Σ quantity·price / Σ quantity (zero when nothing was traded). */
function averagePrice(quantity: Decimal, value: Decimal): Decimal {
  return isPositive(quantity) ? divide(value, quantity) : ZERO;
}

const quantityOf = (fills: readonly Fill[]): Decimal => sumDec(fills.map((f) => f.quantity));
const valueOf = (fills: readonly Fill[]): Decimal => sumDec(fills.map((f) => f.quantity.times(f.price)));

function finish(t: OpenTrip, exitTime: number | undefined): RoundTrip {
  const boughtQty = quantityOf(t.buys);
  const boughtCost = valueOf(t.buys);
  const soldQty = quantityOf(t.sells);
  const soldProceeds = valueOf(t.sells);
  const fees = sumDec([...t.buys, ...t.sells].map((f) => f.fee));
  const entryPrice = averagePrice(boughtQty, boughtCost);
  const exitPrice = averagePrice(soldQty, soldProceeds);
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
  readonly #open = new Map<string, OpenTrip>();

  /** Books a fill (in time order); returns the trip it closed, if any. */
  add(fill: Fill, strategyId: string): RoundTrip | undefined {
    const key = `${strategyId}|${fill.symbol}`;
    let trip = this.#open.get(key);
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
        this.#open.set(key, trip);
      } else {
        trip.held = trip.held.plus(fill.quantity);
        if (trip.held.gt(trip.peak)) trip.peak = trip.held;
        trip.buys.push(fill);
      }
    } else {
      if (trip === undefined) return undefined;
      trip.held = trip.held.minus(fill.quantity);
      trip.sells.push(fill);
    }
    if (isPositive(trip.held)) return undefined;
    this.#open.delete(key);
    return finish(trip, fill.timestamp);
  }

  /** The trips still open, in the order they opened. */
  stillOpen(): RoundTrip[] {
    return [...this.#open.values()].map((t) => finish(t, undefined));
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

const iso = (ms: number): string => new Date(ms).toISOString();

/** JSON form: decimals as plain strings, times as ISO. */
export function roundTripToJson(t: RoundTrip): Record<string, string | number | null> {
  return {
    symbol: t.symbol,
    strategyId: t.strategyId,
    entryTime: iso(t.entryTime),
    exitTime: t.exitTime === undefined ? null : iso(t.exitTime),
    quantity: toPlain(t.quantity),
    entryPrice: toPlain(t.entryPrice),
    exitPrice: toPlain(t.exitPrice),
    fees: toPlain(t.fees),
    pnl: toPlain(t.pnl),
    fills: t.fills,
  };
}
