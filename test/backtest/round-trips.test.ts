// Round trips built one fill at a time against the straightforward computation (running big.js sums, one division
// per average): the result's JSON and fingerprints must not change by a character.
import { describe, expect, it } from 'vitest';
import { dec, toPlain, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { createFill, type Fill } from '../../src/model/fill.ts';
import { roundTrips, roundTripToJson, type AttributedFill, type RoundTrip } from '../../src/backtest/round-trips.ts';

/** Seeded PRNG (mulberry32), so that a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A decimal of up to `digits` significant digits at a random scale, maybe negative. */
function randomDecimal(next: () => number, digits = 20, signed = true): Decimal {
  const n = 1 + Math.floor(next() * digits);
  let text = '';
  for (let i = 0; i < n; i++) text += String(Math.floor(next() * 10));
  const places = Math.floor(next() * 30) - 8;
  const sign = signed && next() < 0.4 ? '-' : '';
  return dec(`${sign}${text}e${-places}`);
}

/**
 * The straightforward computation the builder must match: each trip's fills kept, and summed when it closes (big.js
 * sums, one big.js division per average), independent of the builder's running sums.
 */
function reference(fills: readonly AttributedFill[]): RoundTrip[] {
  const sum = (xs: readonly Decimal[]): Decimal => xs.reduce((s, x) => s.plus(x), ZERO);
  const signed = (f: Fill): Decimal => (f.side === 'buy' ? f.quantity : f.quantity.neg());
  const finish = (strategyId: string, trip: readonly Fill[], exitTime: number | undefined): RoundTrip => {
    const buys = trip.filter((f) => f.side === 'buy');
    const sells = trip.filter((f) => f.side === 'sell');
    const boughtQty = sum(buys.map((f) => f.quantity));
    const boughtCost = sum(buys.map((f) => f.quantity.times(f.price)));
    const soldQty = sum(sells.map((f) => f.quantity));
    const soldProceeds = sum(sells.map((f) => f.quantity.times(f.price)));
    const fees = sum(trip.map((f) => f.fee));
    let held = ZERO;
    let peak = ZERO;
    for (const f of trip) {
      held = held.plus(signed(f));
      if (held.gt(peak)) peak = held;
    }
    const entryPrice = boughtQty.gt(ZERO) ? boughtCost.div(boughtQty) : ZERO;
    const exitPrice = soldQty.gt(ZERO) ? soldProceeds.div(soldQty) : ZERO;
    const pnl =
      exitTime === undefined
        ? soldProceeds.minus(entryPrice.times(soldQty)).minus(fees)
        : soldProceeds.minus(boughtCost).minus(fees);
    const first = trip[0] as Fill;
    return {
      symbol: first.symbol,
      strategyId,
      entryTime: first.timestamp,
      exitTime,
      quantity: peak,
      entryPrice,
      exitPrice,
      fees,
      pnl,
      fills: trip.length,
    };
  };
  const open = new Map<string, { readonly strategyId: string; readonly fills: Fill[] }>();
  const out: RoundTrip[] = [];
  for (const { fill, strategyId } of fills) {
    const key = `${strategyId}|${fill.symbol}`;
    let trip = open.get(key);
    if (trip === undefined) {
      if (fill.side === 'sell') continue; // a sell of holdings from before the run belongs to no trip
      trip = { strategyId, fills: [] };
      open.set(key, trip);
    }
    trip.fills.push(fill);
    if (sum(trip.fills.map(signed)).lte(ZERO)) {
      out.push(finish(strategyId, trip.fills, fill.timestamp));
      open.delete(key);
    }
  }
  return [...out, ...[...open.values()].map((t) => finish(t.strategyId, t.fills, undefined))];
}

describe('roundTrips', () => {
  it('match running sums and divisions exactly, whatever the mix of fills', () => {
    const next = random(4);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    for (let round = 0; round < 200; round++) {
      const held = new Map<string, Decimal>();
      const fills: AttributedFill[] = [];
      for (let i = 0; i < 30; i++) {
        const symbol = pick(['BTC-USD', 'ETH-USD']);
        const strategyId = pick(['a', 'b']);
        const key = `${strategyId}|${symbol}`;
        const have = held.get(key) ?? ZERO;
        // Often the same price and the whole position, as real strategies do; sometimes neither.
        const price = next() < 0.5 ? '100.25' : randomDecimal(next, 10, false).plus('0.01').toFixed();
        const sell = have.gt(ZERO) && next() < 0.5;
        const quantity = sell && next() < 0.6 ? have : randomDecimal(next, 8, false).plus('0.00000001');
        held.set(key, sell ? have.minus(quantity) : have.plus(quantity));
        const fee = next() < 0.2 ? '0' : randomDecimal(next, 14, false).toFixed();
        const side = sell ? 'sell' : next() < 0.15 ? 'sell' : 'buy';
        const fill = createFill({
          id: `f${i}`,
          clientOrderId: `c${i}`,
          symbol,
          side,
          quantity,
          price,
          fee,
          timestamp: i,
        });
        fills.push({ fill, strategyId });
      }
      expect(roundTrips(fills).map((t) => roundTripToJson(t))).toEqual(reference(fills).map((t) => roundTripToJson(t)));
    }
  });

  it('an average is rounded as big.js division rounds it, even for a price with more places than it keeps', () => {
    const price = `1.${'3'.repeat(45)}`; // beyond the 40 places of a division: the division's rounding applies
    const fills = [
      {
        fill: createFill({
          id: '1',
          clientOrderId: '1',
          symbol: 'X-USD',
          side: 'buy',
          quantity: '3',
          price,
          timestamp: 1,
        }),
        strategyId: 's',
      },
      {
        fill: createFill({
          id: '2',
          clientOrderId: '2',
          symbol: 'X-USD',
          side: 'buy',
          quantity: '7',
          price,
          timestamp: 2,
        }),
        strategyId: 's',
      },
    ];
    const [trip] = roundTrips(fills);
    expect(toPlain(trip!.entryPrice)).toBe(toPlain(reference(fills)[0]!.entryPrice));
  });
});
