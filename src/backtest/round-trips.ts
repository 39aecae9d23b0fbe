// Round trips (what a trader calls "trades"): from flat to long and back to flat, per symbol, built from fills in time
// order. Exact: PnL = sell proceeds - buy cost - fees. Sells against holdings that were there at the start (no trip
// open) belong to no trip.
import { divide, isPositive, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
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

// A trip keeps running sums: exact, so the same totals as summing its fills at the end, without keeping them.
interface OpenTrip {
  readonly symbol: string;
  readonly strategyId: string;
  readonly entryTime: number;
  held: Decimal;
  peak: Decimal;
  boughtQty: Decimal;
  boughtCost: Decimal;
  soldQty: Decimal;
  soldProceeds: Decimal;
  fees: Decimal;
  fills: number;
}

export interface AttributedFill {
  readonly fill: Fill;
  readonly strategyId: string;
}

/** Σ quantity·price / Σ quantity (zero when nothing was traded). */
function averagePrice(quantity: Decimal, value: Decimal): Decimal {
  return isPositive(quantity) ? divide(value, quantity) : ZERO;
}

function finish(t: OpenTrip, exitTime: number | undefined): RoundTrip {
  const entryPrice = averagePrice(t.boughtQty, t.boughtCost);
  const exitPrice = averagePrice(t.soldQty, t.soldProceeds);
  // An open trip counts only what it sold, against the average entry price.
  const pnl =
    exitTime === undefined
      ? t.soldProceeds.minus(entryPrice.times(t.soldQty)).minus(t.fees)
      : t.soldProceeds.minus(t.boughtCost).minus(t.fees);
  return {
    symbol: t.symbol,
    strategyId: t.strategyId,
    entryTime: t.entryTime,
    exitTime,
    quantity: t.peak,
    entryPrice,
    exitPrice,
    fees: t.fees,
    pnl,
    fills: t.fills,
  };
}

/** Round trips built one fill at a time, so that a caller walking the fills anyway (the result) reads each once. */
export class RoundTripBuilder {
  readonly #open = new Map<string, OpenTrip>();

  /** Books a fill (in time order); returns the trip it closed, if any. */
  add(fill: Fill, strategyId: string): RoundTrip | undefined {
    const key = `${strategyId}|${fill.symbol}`;
    let trip = this.#open.get(key);
    const value = fill.quantity.times(fill.price);
    if (fill.side === 'buy') {
      if (trip === undefined) {
        // Quantities are > 0 (createFill checks), so the first buy is the peak so far.
        trip = {
          symbol: fill.symbol,
          strategyId,
          entryTime: fill.timestamp,
          held: fill.quantity,
          peak: fill.quantity,
          boughtQty: fill.quantity,
          boughtCost: value,
          soldQty: ZERO,
          soldProceeds: ZERO,
          fees: fill.fee,
          fills: 1,
        };
        this.#open.set(key, trip);
        return undefined;
      }
      trip.held = trip.held.plus(fill.quantity);
      if (trip.held.gt(trip.peak)) trip.peak = trip.held;
      trip.boughtQty = trip.boughtQty.plus(fill.quantity);
      trip.boughtCost = trip.boughtCost.plus(value);
    } else {
      if (trip === undefined) return undefined;
      trip.held = trip.held.minus(fill.quantity);
      trip.soldQty = trip.soldQty.plus(fill.quantity);
      trip.soldProceeds = trip.soldProceeds.plus(value);
    }
    trip.fees = trip.fees.plus(fill.fee);
    trip.fills++;
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
