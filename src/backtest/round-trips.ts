// Round trips (what a trader calls "trades"): from flat to long and back to flat, per symbol, built from fills in time
// order. Exact: PnL = sell proceeds - buy cost - fees. Sells against holdings that were there at the start (no trip
// open) belong to no trip.
import { toPlain, ZERO, type Decimal } from '../core/decimal.ts';
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

interface OpenTrip {
  symbol: string;
  strategyId: string;
  entryTime: number;
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

function finish(t: OpenTrip, exitTime: number | undefined): RoundTrip {
  const entryPrice = t.boughtQty.gt(ZERO) ? t.boughtCost.div(t.boughtQty) : ZERO;
  const exitPrice = t.soldQty.gt(ZERO) ? t.soldProceeds.div(t.soldQty) : ZERO;
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

/** Round trips per symbol and strategy, closed ones in the order they closed, then the ones still open. */
export function roundTrips(fills: readonly AttributedFill[]): RoundTrip[] {
  const open = new Map<string, OpenTrip>();
  const closed: RoundTrip[] = [];
  for (const { fill, strategyId } of fills) {
    const key = `${strategyId}|${fill.symbol}`;
    let trip = open.get(key);
    if (fill.side === 'buy') {
      if (trip === undefined) {
        trip = {
          symbol: fill.symbol,
          strategyId,
          entryTime: fill.timestamp,
          held: ZERO,
          peak: ZERO,
          boughtQty: ZERO,
          boughtCost: ZERO,
          soldQty: ZERO,
          soldProceeds: ZERO,
          fees: ZERO,
          fills: 0,
        };
        open.set(key, trip);
      }
      trip.held = trip.held.plus(fill.quantity);
      if (trip.held.gt(trip.peak)) trip.peak = trip.held;
      trip.boughtQty = trip.boughtQty.plus(fill.quantity);
      trip.boughtCost = trip.boughtCost.plus(fill.quantity.times(fill.price));
    } else {
      if (trip === undefined) continue;
      trip.held = trip.held.minus(fill.quantity);
      trip.soldQty = trip.soldQty.plus(fill.quantity);
      trip.soldProceeds = trip.soldProceeds.plus(fill.quantity.times(fill.price));
    }
    trip.fees = trip.fees.plus(fill.fee);
    trip.fills++;
    if (trip.held.lte(ZERO)) {
      closed.push(finish(trip, fill.timestamp));
      open.delete(key);
    }
  }
  return [...closed, ...[...open.values()].map((t) => finish(t, undefined))];
}

/** JSON form: decimals as plain strings, times as ISO. */
export function roundTripToJson(t: RoundTrip): Record<string, string | number | null> {
  return {
    symbol: t.symbol,
    strategyId: t.strategyId,
    entryTime: new Date(t.entryTime).toISOString(),
    exitTime: t.exitTime === undefined ? null : new Date(t.exitTime).toISOString(),
    quantity: toPlain(t.quantity),
    entryPrice: toPlain(t.entryPrice),
    exitPrice: toPlain(t.exitPrice),
    fees: toPlain(t.fees),
    pnl: toPlain(t.pnl),
    fills: t.fills,
  };
}
