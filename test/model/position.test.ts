import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, sumDec, toPlain, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { createFill, signedFillQuantity, fillNotional, type Fill } from '../../src/model/fill.ts';
import {
  applyFillToPosition,
  describePosition,
  emptyPosition,
  isFlat,
  netRealizedPnl,
  positionChangeKind,
  unrealizedPnl,
  type Position,
} from '../../src/model/position.ts';

let nextId = 0;
function fill(side: 'buy' | 'sell', quantity: string, price: string, fee = '0', timestamp = 1_000): Fill {
  return createFill({
    id: `f${nextId++}`,
    clientOrderId: 'c',
    symbol: 'BTC-USD',
    side,
    quantity,
    price,
    fee,
    timestamp,
  });
}

function applyAll(fills: readonly Fill[], start: Position = emptyPosition('BTC-USD')): Position {
  return fills.reduce(applyFillToPosition, start);
}

const plain = (d: Decimal): string => toPlain(d);

describe('applyFillToPosition', () => {
  it('opens a long at the fill price', () => {
    const p = applyAll([fill('buy', '0.5', '60000', '1', 10)]);
    expect(plain(p.quantity)).toBe('0.5');
    expect(plain(p.averageEntryPrice)).toBe('60000');
    expect(plain(p.costBasis)).toBe('30000');
    expect(plain(p.realizedPnl)).toBe('0');
    expect(plain(p.fees)).toBe('1');
    expect(p.openedAt).toBe(10);
  });

  it('averages the cost on increases', () => {
    const p = applyAll([fill('buy', '1', '100'), fill('buy', '3', '200')]);
    expect(plain(p.quantity)).toBe('4');
    expect(plain(p.averageEntryPrice)).toBe('175');
  });

  it('realizes PnL on a partial reduce and keeps the average', () => {
    const p = applyAll([fill('buy', '2', '100'), fill('sell', '0.5', '130')]);
    expect(plain(p.quantity)).toBe('1.5');
    expect(plain(p.averageEntryPrice)).toBe('100');
    expect(plain(p.realizedPnl)).toBe('15');
  });

  it('closes fully: flat, zero cost, exact realized PnL, openedAt cleared', () => {
    const p = applyAll([fill('buy', '0.1', '100'), fill('buy', '0.2', '103'), fill('sell', '0.3', '110')]);
    expect(isFlat(p)).toBe(true);
    expect(plain(p.costBasis)).toBe('0');
    expect(plain(p.averageEntryPrice)).toBe('0');
    // bought 10 + 20.6 = 30.6, sold 33
    expect(plain(p.realizedPnl)).toBe('2.4');
    expect(p.openedAt).toBeUndefined();
  });

  it('handles shorts: profit when buying back lower', () => {
    const p = applyAll([fill('sell', '2', '100'), fill('buy', '1', '90')]);
    expect(plain(p.quantity)).toBe('-1');
    expect(plain(p.averageEntryPrice)).toBe('100');
    expect(plain(p.realizedPnl)).toBe('10');
    expect(plain(unrealizedPnl(p, dec('80')))).toBe('20');
  });

  it('flips through zero: realizes the closed part and opens the rest at the fill price', () => {
    const p = applyAll([fill('buy', '1', '100', '0', 1), fill('sell', '3', '120', '0', 2)]);
    expect(plain(p.quantity)).toBe('-2');
    expect(plain(p.averageEntryPrice)).toBe('120');
    expect(plain(p.costBasis)).toBe('-240');
    expect(plain(p.realizedPnl)).toBe('20');
    expect(p.openedAt).toBe(2);
    const back = applyFillToPosition(p, fill('buy', '3', '110', '0', 3));
    expect(plain(back.quantity)).toBe('1');
    expect(plain(back.averageEntryPrice)).toBe('110');
    expect(plain(back.realizedPnl)).toBe('40'); // 20 + (120 - 110) × 2
  });

  it('tracks fees apart from the cost and includes them in net realized PnL', () => {
    const p = applyAll([fill('buy', '1', '100', '0.25'), fill('sell', '1', '110', '0.35')]);
    expect(plain(p.realizedPnl)).toBe('10');
    expect(plain(p.fees)).toBe('0.6');
    expect(plain(netRealizedPnl(p))).toBe('9.4');
  });

  it('keeps the books balanced when the average does not terminate (1/3)', () => {
    const p = applyAll([
      fill('buy', '1', '10'),
      fill('buy', '2', '11'),
      fill('sell', '1', '12'),
      fill('sell', '2', '12'),
    ]);
    // cost 32 for 3 → avg 10.666...; the partial close rounds, closing everything still realizes exactly 36 − 32
    expect(plain(p.realizedPnl)).toBe('4');
    expect(plain(p.costBasis)).toBe('0');
  });

  it('does not mutate the input and refuses another symbol', () => {
    const p = applyAll([fill('buy', '1', '100')]);
    const snapshot = JSON.stringify(p);
    applyFillToPosition(p, fill('sell', '1', '120'));
    expect(JSON.stringify(p)).toBe(snapshot);
    const eth = createFill({
      id: 'x',
      clientOrderId: 'c',
      symbol: 'ETH-USD',
      side: 'buy',
      quantity: '1',
      price: '1',
      timestamp: 0,
    });
    expect(() => applyFillToPosition(p, eth)).toThrow(ValidationError);
  });

  it('classifies changes and describes positions', () => {
    const empty = emptyPosition('BTC-USD', 's1');
    const long = applyFillToPosition(empty, fill('buy', '1', '100'));
    const more = applyFillToPosition(long, fill('buy', '1', '100'));
    const less = applyFillToPosition(more, fill('sell', '0.5', '100'));
    const flipped = applyFillToPosition(less, fill('sell', '2', '100'));
    const closed = applyFillToPosition(flipped, fill('buy', '0.5', '100'));
    expect(
      [
        [empty, long],
        [long, more],
        [more, less],
        [less, flipped],
        [flipped, closed],
        [closed, closed],
      ].map(([a, b]) => positionChangeKind(a!, b!)),
    ).toEqual(['opened', 'increased', 'reduced', 'flipped', 'closed', 'unchanged']);
    expect(long.strategyId).toBe('s1');
    expect(describePosition(long)).toBe('BTC-USD long 1 @ 100 (realized 0, fees 0)');
    expect(describePosition(closed)).toBe('BTC-USD flat (realized 0, fees 0)');
  });
});

// ---- properties ------------------------------------------------------------------------------------------------

const arbFill = fc
  .record({
    side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
    units: fc.integer({ min: 1, max: 50_000 }), // × 0.0001
    cents: fc.integer({ min: 1, max: 10_000_000 }), // price × 100
    feeCents: fc.integer({ min: 0, max: 500 }),
  })
  .map(({ side, units, cents, feeCents }) =>
    fill(
      side,
      dec(units).times(dec('0.0001')).toFixed(),
      dec(cents).times(dec('0.01')).toFixed(),
      dec(feeCents).times(dec('0.01')).toFixed(),
    ),
  );

const arbMark = fc.integer({ min: 1, max: 10_000_000 }).map((c) => dec(c).times(dec('0.01')));

describe('position properties', () => {
  it('quantity is the signed sum of the fills', () => {
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 40 }), (fills) => {
        const p = applyAll(fills);
        expect(p.quantity.eq(sumDec(fills.map(signedFillQuantity)))).toBe(true);
        expect(p.averageEntryPrice.gte(ZERO)).toBe(true);
        expect(p.fees.eq(sumDec(fills.map((f) => f.fee)))).toBe(true);
      }),
      { seed: 20260101, numRuns: 300 },
    );
  });

  it('realized + unrealized − fees equals the cash flow plus the marked holding, exactly', () => {
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 40 }), arbMark, (fills, mark) => {
        const p = applyAll(fills);
        const cash = sumDec(fills.map((f) => (f.side === 'buy' ? fillNotional(f).neg() : fillNotional(f)))).minus(
          sumDec(fills.map((f) => f.fee)),
        );
        const total = p.realizedPnl.plus(unrealizedPnl(p, mark)).minus(p.fees);
        expect(plain(total)).toBe(plain(cash.plus(p.quantity.times(mark))));
      }),
      { seed: 20260102, numRuns: 300 },
    );
  });

  it('after flattening, realized PnL is exactly the net cash of the round trip', () => {
    fc.assert(
      fc.property(fc.array(arbFill, { minLength: 1, maxLength: 30 }), arbMark, (fills, mark) => {
        const open = applyAll(fills);
        if (isFlat(open)) return;
        const flatten = fill(open.quantity.gt(ZERO) ? 'sell' : 'buy', open.quantity.abs().toFixed(), mark.toFixed());
        const all = [...fills, flatten];
        const p = applyFillToPosition(open, flatten);
        const cash = sumDec(all.map((f) => signedFillQuantity(f).times(f.price).neg()));
        expect(isFlat(p)).toBe(true);
        expect(plain(p.costBasis)).toBe('0');
        expect(plain(p.realizedPnl)).toBe(plain(cash));
      }),
      { seed: 20260103, numRuns: 300 },
    );
  });
});
