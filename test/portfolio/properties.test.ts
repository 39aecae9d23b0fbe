// Property tests: the portfolio fed shuffled and duplicated fills keeps its books consistent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, sumDec, toNumber, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { createRandom } from '../../src/core/random.ts';
import { createFill, fillNotional, signedFillQuantity, type Fill } from '../../src/model/fill.ts';
import { Portfolio } from '../../src/portfolio/portfolio.ts';

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD'] as const;
const STRATEGIES = ['a', 'b', 'c', undefined] as const;
const START = dec('100000');

interface Tagged {
  readonly fill: Fill;
  readonly strategyId: string | undefined;
}

const arbDecimal = (maxUnits: number, places: number): fc.Arbitrary<Decimal> =>
  fc.integer({ min: 1, max: maxUnits * 10 ** places }).map((n) => dec(n).div(dec(10 ** places)));

const arbFills: fc.Arbitrary<Tagged[]> = fc
  .array(
    fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      symbol: fc.constantFrom(...SYMBOLS),
      strategy: fc.constantFrom(...STRATEGIES),
      quantity: arbDecimal(5, 8),
      price: arbDecimal(70_000, 2),
      fee: fc.integer({ min: 0, max: 500 }).map((n) => dec(n).div(dec(100))),
      timestamp: fc.integer({ min: 0, max: 1_000_000 }),
    }),
    { maxLength: 60 },
  )
  .map((rows) =>
    rows.map((r, i) => ({
      fill: createFill({
        id: `f${i}`,
        clientOrderId: `c${i}`,
        symbol: r.symbol,
        side: r.side,
        quantity: r.quantity,
        price: r.price,
        fee: r.fee,
        timestamp: r.timestamp,
      }),
      strategyId: r.strategy,
    })),
  );

/** The fills in a seeded shuffled order, some of them delivered two or three times. */
function shuffledWithDuplicates(fills: readonly Tagged[], seed: number): Tagged[] {
  const random = createRandom(seed);
  const out = [...fills];
  for (const f of fills) if (random.chance(0.3)) out.push(f);
  for (const f of fills) if (random.chance(0.1)) out.push(f);
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function feed(sequence: readonly Tagged[]): Portfolio {
  const portfolio = new Portfolio({
    clock: new SimulatedClock(0),
    config: { startingCash: START.toFixed(), allowShort: true, equitySampling: { mode: 'manual' } },
  });
  for (const t of sequence) portfolio.applyFill(t.fill, t.strategyId);
  return portfolio;
}

const cashFlow = (f: Fill): Decimal =>
  f.side === 'buy' ? fillNotional(f).plus(f.fee).neg() : fillNotional(f).minus(f.fee);

const params = { seed: 20_240_601, numRuns: 150 };

describe('Portfolio properties (shuffled and duplicated fills)', () => {
  it('position quantity = Σ of the unique fills, per symbol, in the account and per strategy', () => {
    fc.assert(
      fc.property(arbFills, fc.integer(), (fills, seed) => {
        const portfolio = feed(shuffledWithDuplicates(fills, seed));
        for (const symbol of SYMBOLS) {
          const mine = fills.filter((t) => t.fill.symbol === symbol);
          expect(portfolio.position(symbol).quantity.eq(sumDec(mine.map((t) => signedFillQuantity(t.fill))))).toBe(
            true,
          );
          for (const s of ['a', 'b', 'c']) {
            const theirs = mine.filter((t) => t.strategyId === s).map((t) => signedFillQuantity(t.fill));
            expect(portfolio.position(symbol, s).quantity.eq(sumDec(theirs))).toBe(true);
          }
        }
      }),
      params,
    );
  });

  it('realized PnL and fees of a valuation are the sums over its positions, read between any two fills', () => {
    fc.assert(
      fc.property(arbFills, fc.integer(), (fills, seed) => {
        const portfolio = feed([]);
        const check = (strategyId?: string): void => {
          const v = portfolio.valuation(strategyId);
          const positions = portfolio.positions(strategyId);
          expect(v.realizedPnl.eq(sumDec(positions.map((p) => p.realizedPnl)))).toBe(true);
          expect(v.fees.eq(sumDec(positions.map((p) => p.fees)))).toBe(true);
        };
        // Read after some fills and not others, so a stale total would show.
        const random = createRandom(seed);
        for (const t of shuffledWithDuplicates(fills, seed)) {
          portfolio.applyFill(t.fill, t.strategyId);
          if (random.chance(0.5)) check();
          if (random.chance(0.5)) check(t.strategyId ?? portfolio.config.unattributedStrategyId);
        }
        check();
        for (const s of portfolio.strategyIds()) check(s);
        // The account's fees are every unique fill's fee.
        expect(portfolio.valuation().fees.eq(sumDec(fills.map((t) => t.fill.fee)))).toBe(true);
      }),
      params,
    );
  });

  it('per-strategy positions and cash flows add up to the account', () => {
    fc.assert(
      fc.property(arbFills, fc.integer(), (fills, seed) => {
        const portfolio = feed(shuffledWithDuplicates(fills, seed));
        for (const symbol of SYMBOLS) {
          const sum = sumDec(portfolio.strategyIds().map((s) => portfolio.position(symbol, s).quantity));
          expect(sum.eq(portfolio.position(symbol).quantity)).toBe(true);
        }
        const flows = sumDec(portfolio.strategyIds().map((s) => portfolio.valuation(s).cash));
        expect(flows.eq(portfolio.cash.minus(START))).toBe(true);
      }),
      params,
    );
  });

  it('cash = start + Σ cash flows of the unique fills, and cash + cost basis − realized + fees = start', () => {
    fc.assert(
      fc.property(arbFills, fc.integer(), (fills, seed) => {
        const portfolio = feed(shuffledWithDuplicates(fills, seed));
        expect(portfolio.cash.eq(START.plus(sumDec(fills.map((t) => cashFlow(t.fill)))))).toBe(true);
        const positions = portfolio.positions();
        const cost = sumDec(positions.map((p) => p.costBasis));
        const realized = sumDec(positions.map((p) => p.realizedPnl));
        const fees = sumDec(positions.map((p) => p.fees));
        expect(portfolio.cash.plus(cost).minus(realized).plus(fees).eq(START)).toBe(true);
      }),
      params,
    );
  });

  it('equity = cash + Σ quantity × mark exactly when marks are decimal; the float equity agrees', () => {
    const arbMarks = fc.tuple(arbDecimal(70_000, 2), arbDecimal(70_000, 2), arbDecimal(70_000, 2));
    fc.assert(
      fc.property(arbFills, fc.integer(), arbMarks, (fills, seed, marks) => {
        const portfolio = feed(shuffledWithDuplicates(fills, seed));
        SYMBOLS.forEach((s, i) => portfolio.mark(s, marks[i]!));
        const expected = portfolio.cash.plus(
          sumDec(SYMBOLS.map((s, i) => portfolio.position(s).quantity.times(marks[i]!))),
        );
        expect(portfolio.exactEquity().eq(expected)).toBe(true);
        const exact = toNumber(expected);
        expect(Math.abs(portfolio.equity() - exact)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(exact)));
        // unrealized = Σ (quantity × mark − cost basis), also per strategy
        for (const s of portfolio.strategyIds()) {
          const v = portfolio.exactEquity(s);
          const byHand = portfolio
            .valuation(s)
            .cash.plus(sumDec(SYMBOLS.map((sym, i) => portfolio.position(sym, s).quantity.times(marks[i]!))));
          expect(v.eq(byHand)).toBe(true);
        }
      }),
      params,
    );
  });

  it('long-only: a sequence that never oversells is booked whole, and equity is unchanged by a re-delivery', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbDecimal(2, 8), arbDecimal(70_000, 2)), { maxLength: 30 }), (buys) => {
        const portfolio = new Portfolio({ clock: new SimulatedClock(0), config: { startingCash: '0' } });
        const fills = buys.map(([q, p], i) =>
          createFill({
            id: `b${i}`,
            clientOrderId: 'c',
            symbol: 'BTC-USD',
            side: 'buy',
            quantity: q,
            price: p,
            timestamp: i,
          }),
        );
        for (const f of fills) portfolio.applyFill(f);
        const held = portfolio.position('BTC-USD').quantity;
        if (held.gt(ZERO)) {
          portfolio.applyFill(
            createFill({
              id: 'close',
              clientOrderId: 'c',
              symbol: 'BTC-USD',
              side: 'sell',
              quantity: held,
              price: '1',
              timestamp: 99,
            }),
          );
        }
        const cash = portfolio.cash;
        for (const f of fills) expect(portfolio.applyFill(f).applied).toBe(false);
        expect(portfolio.cash.eq(cash)).toBe(true);
        expect(portfolio.position('BTC-USD').quantity.eq(ZERO)).toBe(true);
      }),
      params,
    );
  });
});
