// The optimizer's parameter space: --grid parsing (ranges refused up front when they are not ranges), every
// combination, and --random draws that are seeded and distinct.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { gridPoints, parseAxes, parseAxis, randomPoints, randomSpaceSize } from '../../src/backtest/param-space.ts';

const keys = (points: ReadonlyArray<Record<string, unknown>>): string[] => points.map((p) => JSON.stringify(p));

describe('--grid parsing', () => {
  it('expands ranges and lists', () => {
    expect(parseAxis('fast=5:15:5').values).toEqual([5, 10, 15]);
    expect(parseAxis('fast=5:7').values).toEqual([5, 6, 7]);
    expect(parseAxis('k=0.1:0.3:0.1').values).toEqual([0.1, 0.2, 0.3]);
    expect(parseAxis('x=-2:2:2').values).toEqual([-2, 0, 2]);
    expect(parseAxis('mode=ema,sma').values).toEqual(['ema', 'sma']);
    // With a comma the body is a list, so a value may hold a colon.
    expect(parseAxis('at=09:30,10:00').values).toEqual(['09:30', '10:00']);
  });

  it('lists a repeated value once (it would run the same set twice)', () => {
    expect(parseAxis('fast=5,10,5,10.0').values).toEqual([5, 10]);
  });

  it.each([
    ['fast=5:20:-5', 'the step must be positive'],
    ['fast=5:20:0', 'the step must be positive'],
    ['fast=5:20:x', 'the step must be a positive number'],
    ['fast=20:5', 'the end 5 is before the start 20'],
    ['fast=a:b', 'the bounds of a range must be numbers'],
    ['fast=5:', 'the bounds of a range must be numbers'],
    ['fast=1:2:3:4', 'expected a range a:b or a:b:step'],
    ['fast=', 'no values'],
    ['=1:2', 'expected key=a:b:step or key=v1,v2'],
    ['fast', 'expected key=a:b:step or key=v1,v2'],
  ])('refuses %s naming the flag and the value', (spec, why) => {
    expect(() => parseAxis(spec)).toThrow(ConfigError);
    expect(() => parseAxis(spec)).toThrow(`--grid ${JSON.stringify(spec)}: ${why}`);
  });

  it('refuses a key given in two --grid flags', () => {
    expect(() => parseAxes(['fast=5,10', 'slow=20', 'fast=3'])).toThrow('--grid fast: given more than once');
    expect(parseAxes(['fast=5,10', 'slow=20']).map((a) => a.name)).toEqual(['fast', 'slow']);
  });
});

describe('grid points', () => {
  it('gives every combination, the first axis varying slowest', () => {
    expect(gridPoints([parseAxis('a=1:2'), parseAxis('b=x,y')])).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
  });
});

describe('--random draws', () => {
  const space = [parseAxis('a=1:10'), parseAxis('b=1:10')];

  it('are seeded and stay in range (integers stay integers)', () => {
    const axes = [parseAxis('a=1:100'), parseAxis('f=0.1:0.9:0.1')];
    const r1 = randomPoints(axes, 20, 5);
    expect(r1).toEqual(randomPoints(axes, 20, 5));
    expect(r1).not.toEqual(randomPoints(axes, 20, 6));
    for (const p of r1) {
      expect(Number.isInteger(p.a)).toBe(true);
      expect(p.a).toBeGreaterThanOrEqual(1);
      expect(p.a).toBeLessThanOrEqual(100);
      expect(p.f).toBeGreaterThanOrEqual(0.1);
      expect(p.f).toBeLessThanOrEqual(0.9);
    }
  });

  it('are distinct: 50 draws from 100 sets give 50 different sets', () => {
    for (const seed of [1, 2, 3, 7]) {
      const points = randomPoints(space, 50, seed);
      expect(points).toHaveLength(50);
      expect(new Set(keys(points)).size).toBe(50);
    }
  });

  it('give every set once when asked for as many or more than the space holds', () => {
    expect(randomPoints([parseAxis('fast=5,10')], 20, 1)).toEqual([{ fast: 5 }, { fast: 10 }]);
    const all = randomPoints(space, 100, 1);
    expect(all).toHaveLength(100);
    expect(new Set(keys(all)).size).toBe(100);
    expect(randomPoints(space, 1000, 1)).toEqual(all);
  });

  it('count the space a draw can reach: every integer of an integer range, a real range as continuous', () => {
    expect(randomSpaceSize([parseAxis('fast=5,10'), parseAxis('mode=ema,sma,wma')])).toBe(6);
    // A draw ignores the step of an integer range: 5..20 holds 16 integers.
    expect(randomSpaceSize([parseAxis('fast=5:20:5')])).toBe(16);
    expect(randomSpaceSize([parseAxis('f=0.1:0.9:0.1')])).toBe(Infinity);
    expect(randomSpaceSize([parseAxis('f=0.5:0.5'), parseAxis('fast=1:3')])).toBe(3);
    expect(randomPoints([parseAxis('f=0.5:0.5'), parseAxis('fast=1:2')], 5, 1)).toEqual([
      { f: 0.5, fast: 1 },
      { f: 0.5, fast: 2 },
    ]);
  });

  it('refuse more runs than a grid may hold', () => {
    expect(() => randomPoints(space, 100_001, 1)).toThrow('--random 100001: more than 100000 runs');
  });
});
