// Round trips built one fill at a time against the straightforward computation (running big.js sums, one division
// per average): the result's JSON and fingerprints must not change by a character.
import { describe, expect, it } from 'vitest';
import { dec, toPlain, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { createFill } from '../../src/model/fill.ts';
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

/** The straightforward computation (running big.js sums, one division per average) the builder must match. */
function reference(fills: readonly AttributedFill[]): RoundTrip[] {
  interface Open {
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
  const finish = (t: Open, exitTime: number | undefined): RoundTrip => {
    const entryPrice = t.boughtQty.gt(ZERO) ? t.boughtCost.div(t.boughtQty) : ZERO;
    const exitPrice = t.soldQty.gt(ZERO) ? t.soldProceeds.div(t.soldQty) : ZERO;
    const pnl =
      exitTime === undefined
        ? t.soldProceeds.minus(entryPrice.times(t.soldQty)).minus(t.fees)
        : t.soldProceeds.minus(t.boughtCost).minus(t.fees);
    return { ...t, exitTime, quantity: t.peak, entryPrice, exitPrice, pnl };
  };
  const open = new Map<string, Open>();
  const out: RoundTrip[] = [];
  for (const { fill, strategyId } of fills) {
    const key = `${strategyId}|${fill.symbol}`;
    let t = open.get(key);
    if (fill.side === 'buy') {
      if (t === undefined) {
        t = {
          symbol: fill.symbol,
          strategyId,
          entryTime: fill.timestamp,
          ...{ held: ZERO, peak: ZERO, boughtQty: ZERO, boughtCost: ZERO, soldQty: ZERO, soldProceeds: ZERO },
          fees: ZERO,
          fills: 0,
        };
        open.set(key, t);
      }
      t.held = t.held.plus(fill.quantity);
      if (t.held.gt(t.peak)) t.peak = t.held;
      t.boughtQty = t.boughtQty.plus(fill.quantity);
      t.boughtCost = t.boughtCost.plus(fill.quantity.times(fill.price));
    } else {
      if (t === undefined) continue;
      t.held = t.held.minus(fill.quantity);
      t.soldQty = t.soldQty.plus(fill.quantity);
      t.soldProceeds = t.soldProceeds.plus(fill.quantity.times(fill.price));
    }
    t.fees = t.fees.plus(fill.fee);
    t.fills++;
    if (t.held.lte(ZERO)) {
      out.push(finish(t, fill.timestamp));
      open.delete(key);
    }
  }
  return [...out, ...[...open.values()].map((t) => finish(t, undefined))];
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
