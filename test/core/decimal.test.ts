import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'lossless-json';
import {
  dec,
  decimalPlaces,
  divide,
  divideToPlaces,
  isMultipleOf,
  isPositive,
  roundDown,
  roundHalfEven,
  roundToIncrement,
  toFixedPlaces,
  toNumber,
  toPlain,
} from '../../src/core/decimal.ts';
import { ValidationError } from '../../src/core/errors.ts';

describe('decimal', () => {
  it('adds 0.1 + 0.2 exactly', () => {
    expect(toPlain(dec('0.1').plus(dec('0.2')))).toBe('0.3');
    expect(dec(0.1).plus(dec(0.2)).eq(dec('0.3'))).toBe(true);
  });

  it('keeps 18-decimal strings exactly', () => {
    const s = '12345.123456789012345678';
    expect(toPlain(dec(s))).toBe(s);
    expect(toPlain(dec(s).plus(dec('0.000000000000000001')))).toBe('12345.123456789012345679');
  });

  it('parses bare JSON numbers with 18 decimals losslessly through lossless-json', () => {
    const body = parse('{"price": 0.123456789012345678, "qty": 98765432109876543210.5}') as Record<string, unknown>;
    expect(toPlain(dec(body.price as never))).toBe('0.123456789012345678');
    expect(toPlain(dec(body.qty as never))).toBe('98765432109876543210.5');
    // the same text through JSON.parse loses digits: that is why we never use it for money
    expect(String((JSON.parse('{"p":0.123456789012345678}') as { p: number }).p)).not.toBe('0.123456789012345678');
  });

  it('never formats with exponent notation', () => {
    expect(toPlain(dec('0.00000001'))).toBe('0.00000001');
    expect(toPlain(dec('1e-12'))).toBe('0.000000000001');
    expect(toPlain(dec('1e21'))).toBe('1000000000000000000000');
    expect(dec('0.0000001').toString()).toBe('0.0000001');
  });

  it('rounds down and half-even to an increment', () => {
    expect(toPlain(roundDown(dec('0.123456789'), '0.00000001'))).toBe('0.12345678');
    expect(toPlain(roundDown(dec('-0.129'), '0.01'))).toBe('-0.12');
    expect(toPlain(roundHalfEven(dec('1.005'), '0.01'))).toBe('1');
    expect(toPlain(roundHalfEven(dec('1.015'), '0.01'))).toBe('1.02');
    expect(toPlain(roundHalfEven(dec('1.025'), '0.01'))).toBe('1.02');
    expect(toPlain(roundToIncrement(dec('101.3'), '0.5', 'down'))).toBe('101');
    expect(toPlain(roundToIncrement(dec('101.3'), '0.5', 'up'))).toBe('101.5');
    expect(toPlain(roundToIncrement(dec('7'), '5', 'half-even'))).toBe('5');
  });

  it('rounds to a power-of-ten increment exactly as dividing by it would, in every mode', () => {
    const modes = ['down', 'up', 'half-even', 'half-up'] as const;
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: -3, max: 10 }),
        fc.constantFrom(...modes),
        (digits, scale, places, mode) => {
          const value = dec(digits).div(dec(10).pow(scale));
          const inc = dec(10).pow(-places);
          const rm = ({ down: 0, 'half-up': 1, 'half-even': 2, up: 3 } as const)[mode];
          const expected = value.div(inc).round(0, rm).times(inc);
          expect(roundToIncrement(value, inc, mode).eq(expected)).toBe(true);
          expect(isMultipleOf(value, inc)).toBe(value.mod(inc).eq(dec(0)));
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it('divides on BigInts exactly as big.js divides, in every mode and at any number of places', () => {
    const modes = ['down', 'up', 'half-even', 'half-up'] as const;
    const rms = { down: 0, 'half-up': 1, 'half-even': 2, up: 3 } as const;
    const Ctor = dec(0).constructor as unknown as { DP: number; RM: number };
    const scaled = (min: bigint, max: bigint) =>
      fc
        .tuple(fc.bigInt({ min, max }), fc.integer({ min: -20, max: 30 }))
        .map(([digits, scale]) => dec(digits).times(dec(10).pow(-scale)));
    const decimal = scaled(-(10n ** 30n), 10n ** 30n);
    // Short mantissas where one divides the other (the average of a single fill is its price): the exact path.
    const small = scaled(-(10n ** 8n), 10n ** 8n);
    const pair = fc.oneof(
      fc.tuple(decimal, decimal),
      fc.tuple(small, small).map(([q, b]) => [q.times(b), b] as const),
    );
    fc.assert(
      fc.property(pair, fc.integer({ min: 0, max: 45 }), fc.constantFrom(...modes), ([a, b], places, mode) => {
        if (b.eq(dec(0))) {
          expect(() => divideToPlaces(a, b, places, mode)).toThrow(/Division by zero/);
          return;
        }
        const [dp, rm] = [Ctor.DP, Ctor.RM];
        Ctor.DP = places;
        Ctor.RM = rms[mode];
        const expected = a.div(b);
        [Ctor.DP, Ctor.RM] = [dp, rm];
        const got = divideToPlaces(a, b, places, mode);
        // Same value, sign (big.js keeps -0) and normal form (no trailing zeros).
        expect([got.toFixed(), got.s, got.e, got.c]).toEqual([expected.toFixed(), expected.s, expected.e, expected.c]);
        if (places === 40 && mode === 'half-even') expect(divide(a, b).eq(expected)).toBe(true);
      }),
      { seed: 11, numRuns: 6000 },
    );
    expect(toPlain(divide(dec('1'), dec('3')))).toBe('0.' + '3'.repeat(40));
    expect(toPlain(divideToPlaces(dec('-2'), dec('3'), 2, 'half-even'))).toBe('-0.67');
    expect(toPlain(divideToPlaces(dec('-2'), dec('3'), 2, 'down'))).toBe('-0.66');
  });

  it('compares without copying exactly as big.js compares, and converts to the same double as the decimal text', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.integer({ min: -30, max: 30 }))
      .map(([digits, scale]) => dec(digits).times(dec(10).pow(-scale)));
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        // A string argument goes through big.js's own (copying) comparison.
        expect(a.cmp(b)).toBe(a.cmp(b.toFixed()));
        expect([a.eq(b), a.gt(b), a.lt(b)]).toEqual([a.eq(b.toFixed()), a.gt(b.toFixed()), a.lt(b.toFixed())]);
        expect(toNumber(a)).toBe(Number(a.toFixed()));
      }),
      { seed: 13, numRuns: 3000 },
    );
    expect(dec('-0').cmp(dec('0'))).toBe(0);
    expect(dec('0.1').cmp(dec('0.10'))).toBe(0);
    expect(toNumber(dec('0.1'))).toBe(0.1);
    expect(toNumber(dec('-123456789.12345678'))).toBe(-123456789.12345678);
  });

  it('tells a positive decimal without allocating, as gt(0) would', () => {
    for (const text of ['0', '-0', '0.00', '1', '-1', '0.00000001', '-0.00000001', '123456789.123']) {
      expect(isPositive(dec(text))).toBe(dec(text).gt(dec(0)));
    }
  });

  it('checks multiples and counts decimal places', () => {
    expect(isMultipleOf(dec('0.12345678'), '0.00000001')).toBe(true);
    expect(isMultipleOf(dec('0.123456789'), '0.00000001')).toBe(false);
    expect(decimalPlaces('0.00000001')).toBe(8);
    expect(decimalPlaces('0.01')).toBe(2);
    expect(decimalPlaces('1')).toBe(0);
    expect(toFixedPlaces(dec('1.5'), 4)).toBe('1.5000');
  });

  it('rejects garbage with a ValidationError naming the value', () => {
    expect(() => dec('abc')).toThrow(ValidationError);
    expect(() => dec('abc')).toThrow(/"abc"/);
    expect(() => dec(Number.NaN)).toThrow(ValidationError);
    expect(() => dec('')).toThrow(ValidationError);
    expect(() => roundDown(dec('1'), '0')).toThrow(/increment must be positive/);
  });
});
