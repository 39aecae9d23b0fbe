import { describe, expect, it } from 'vitest';
import { dec } from '../../src/core/decimal.ts';
import { EquityCurve, drawdownFrom } from '../../src/portfolio/equity-curve.ts';

describe('EquityCurve', () => {
  it('keeps the last maxPoints points and still knows the peak and the worst drawdown of the dropped ones', () => {
    const curve = new EquityCurve(100);
    for (let t = 0; t < 5000; t++) curve.record(t, t === 10 ? 2000 : t === 11 ? 500 : 1000, dec(0), 0);
    const points = curve.points();
    expect(points.length).toBe(100);
    expect(points[0]!.timestamp).toBe(4900);
    expect(points.at(-1)!.timestamp).toBe(4999);
    expect(curve.highWaterMark).toBe(2000);
    expect(curve.maxDrawdown).toBe(0.75);
    expect(curve.currentDrawdown(1000)).toBe(0.5);
    expect(curve.currentDrawdown(3000)).toBe(0);
  });

  it('forgets the peak and the drawdown of a point replaced at the same timestamp', () => {
    const curve = new EquityCurve(10);
    curve.record(1, 100, dec(0), 0);
    curve.record(2, 120, dec(0), 0);
    curve.record(2, 100, dec(0), 0); // the same instant, valued again
    expect(curve.points().map((p) => p.equity)).toEqual([100, 100]);
    expect(curve.highWaterMark).toBe(100);
    expect(curve.maxDrawdown).toBe(0);
    curve.record(3, 50, dec(0), 0);
    curve.record(3, 80, dec(0), 0);
    expect(curve.maxDrawdown).toBeCloseTo(0.2, 12);
  });

  it('has no drawdown without a positive peak', () => {
    expect(drawdownFrom(0, -5)).toBe(0);
    expect(drawdownFrom(-1, -5)).toBe(0);
    expect(drawdownFrom(100, 80)).toBeCloseTo(0.2, 12);
    expect(new EquityCurve(10).highWaterMark).toBeUndefined();
  });

  it('hands out unsaved points once, and takes back points whose save failed', () => {
    const curve = new EquityCurve(10);
    curve.record(1, 1, dec(1), 0);
    curve.record(2, 2, dec(2), 0);
    const taken = curve.takeUnsaved();
    expect(taken.map((p) => p.timestamp)).toEqual([1, 2]);
    curve.record(3, 3, dec(3), 0);
    curve.returnUnsaved(taken);
    expect(curve.takeUnsaved().map((p) => p.timestamp)).toEqual([1, 2, 3]);
    expect(curve.takeUnsaved()).toEqual([]);
  });
});
