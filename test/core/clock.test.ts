import { afterEach, describe, expect, it } from 'vitest';
import { LiveClock, SimulatedClock } from '../../src/core/clock.ts';
import { SherwoodError, ValidationError } from '../../src/core/errors.ts';

describe('SimulatedClock', () => {
  it('starts at the given time and only moves when advanced', () => {
    const clock = new SimulatedClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advanceBy(500);
    expect(clock.now()).toBe(1_500);
    clock.advanceTo(2_000);
    expect(clock.now()).toBe(2_000);
  });

  it('fires due timers in time order, each with now() at its due time', () => {
    const clock = new SimulatedClock(0);
    const seen: Array<[string, number, number]> = [];
    clock.setTimer(300, (t) => seen.push(['c', t, clock.now()]));
    clock.setTimer(100, (t) => seen.push(['a', t, clock.now()]));
    clock.setTimer(200, (t) => seen.push(['b', t, clock.now()]));
    clock.setTimer(400, (t) => seen.push(['late', t, clock.now()]));
    clock.advanceTo(300);
    expect(seen).toEqual([
      ['a', 100, 100],
      ['b', 200, 200],
      ['c', 300, 300],
    ]);
    expect(clock.now()).toBe(300);
    expect(clock.pendingTimers).toBe(1);
  });

  it('breaks ties in scheduling order', () => {
    const clock = new SimulatedClock(0);
    const seen: string[] = [];
    for (const name of ['first', 'second', 'third', 'fourth', 'fifth']) clock.setTimer(50, () => seen.push(name));
    clock.setTimer(10, () => seen.push('early'));
    clock.advanceBy(100);
    expect(seen).toEqual(['early', 'first', 'second', 'third', 'fourth', 'fifth']);
  });

  it('fires timers scheduled by callbacks in the same advance when they are due by the target', () => {
    const clock = new SimulatedClock(0);
    const seen: Array<[string, number]> = [];
    clock.setTimer(100, () => {
      seen.push(['outer', clock.now()]);
      clock.setTimer(150, () => seen.push(['nested', clock.now()]));
      clock.setTimer(100, () => seen.push(['same-time', clock.now()]));
      clock.setTimer(250, () => seen.push(['beyond', clock.now()]));
    });
    clock.setTimer(120, () => seen.push(['sibling', clock.now()]));
    clock.advanceTo(200);
    expect(seen).toEqual([
      ['outer', 100],
      ['same-time', 100],
      ['sibling', 120],
      ['nested', 150],
    ]);
    clock.advanceTo(250);
    expect(seen.at(-1)).toEqual(['beyond', 250]);
  });

  it('cancels timers and intervals, including from inside callbacks', () => {
    const clock = new SimulatedClock(0);
    const seen: string[] = [];
    const a = clock.setTimer(100, () => seen.push('a'));
    const b = clock.setTimer(200, () => seen.push('b'));
    clock.setTimer(150, () => clock.cancel(b));
    clock.cancel(a);
    clock.cancel(a); // twice is harmless
    clock.advanceTo(300);
    expect(seen).toEqual([]);
    expect(clock.pendingTimers).toBe(0);

    let ticks = 0;
    const interval = clock.setInterval(10, () => {
      ticks++;
      if (ticks === 3) clock.cancel(interval);
    });
    clock.advanceBy(1_000);
    expect(ticks).toBe(3);
  });

  it('runs intervals at fixed steps from startAtMs or now + period', () => {
    const clock = new SimulatedClock(1_000);
    const a: number[] = [];
    const b: number[] = [];
    clock.setInterval(100, (t) => a.push(t));
    clock.setInterval(250, (t) => b.push(t), 1_000);
    clock.advanceTo(1_500);
    expect(a).toEqual([1_100, 1_200, 1_300, 1_400, 1_500]);
    expect(b).toEqual([1_000, 1_250, 1_500]);
  });

  it('interleaves intervals and timers by time, then by scheduling order', () => {
    const clock = new SimulatedClock(0);
    const seen: string[] = [];
    clock.setInterval(10, (t) => seen.push(`i${t}`));
    clock.setTimer(20, () => seen.push('t20'));
    clock.advanceTo(30);
    // the interval's tick at 20 was re-queued after t20 was scheduled, so t20 goes first
    expect(seen).toEqual(['i10', 't20', 'i20', 'i30']);
  });

  it('refuses to go backwards and leaves time unchanged', () => {
    const clock = new SimulatedClock(1_000);
    expect(() => clock.advanceTo(999)).toThrow(SherwoodError);
    expect(() => clock.advanceTo(999)).toThrow(/backwards/);
    expect(() => clock.advanceBy(-1)).toThrow(/backwards/);
    expect(clock.now()).toBe(1_000);
  });

  it('treats a timer set in the past as due now, never moving time back', () => {
    const clock = new SimulatedClock(1_000);
    const seen: number[] = [];
    clock.setTimer(500, (t) => seen.push(t));
    clock.advanceBy(0);
    expect(seen).toEqual([1_000]);
  });

  it('reports the next due time of a live timer', () => {
    const clock = new SimulatedClock(0);
    expect(clock.nextTimerAt()).toBeUndefined();
    const h = clock.setTimer(50, () => undefined);
    clock.setTimer(80, () => undefined);
    expect(clock.nextTimerAt()).toBe(50);
    clock.cancel(h);
    expect(clock.nextTimerAt()).toBe(80);
  });

  it('propagates a throwing callback, stopping at its due time with the rest still queued', () => {
    const clock = new SimulatedClock(0);
    const seen: number[] = [];
    clock.setTimer(10, () => {
      throw new Error('boom');
    });
    clock.setTimer(20, (t) => seen.push(t));
    expect(() => clock.advanceTo(100)).toThrow('boom');
    expect(clock.now()).toBe(10);
    clock.advanceTo(100);
    expect(seen).toEqual([20]);
    expect(clock.now()).toBe(100);
  });

  it('rejects re-entrant advances and bad arguments', () => {
    const clock = new SimulatedClock(0);
    clock.setTimer(10, () => clock.advanceTo(50));
    expect(() => clock.advanceTo(20)).toThrow(/inside a timer callback/);
    expect(() => clock.setInterval(0, () => undefined)).toThrow(ValidationError);
    expect(() => clock.setTimer(Number.NaN, () => undefined)).toThrow(ValidationError);
  });

  it('handles many timers in order (heap correctness)', () => {
    const clock = new SimulatedClock(0);
    const fired: Array<[number, number]> = [];
    // a deterministic shuffle of due times with many ties
    for (let i = 0; i < 500; i++) {
      const due = (i * 7919) % 97;
      clock.setTimer(due, () => fired.push([due, i]));
    }
    clock.advanceTo(100);
    const expected = [...fired].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(fired).toEqual(expected);
    expect(fired).toHaveLength(500);
  });
});

describe('LiveClock', () => {
  let clock: LiveClock | undefined;
  afterEach(() => clock?.cancelAll());

  async function waitFor(condition: () => boolean, deadlineMs = 5_000): Promise<void> {
    const start = Date.now();
    while (!condition()) {
      if (Date.now() - start > deadlineMs) throw new Error('condition not met before the deadline');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('reads the injected time source', () => {
    let t = 42;
    clock = new LiveClock({ now: () => t });
    expect(clock.now()).toBe(42);
    t = 43;
    expect(clock.now()).toBe(43);
  });

  it('fires a timer and an interval in real time, and cancels', async () => {
    clock = new LiveClock();
    let fired = 0;
    let ticks = 0;
    let canceledFired = false;
    clock.setTimer(clock.now() + 5, () => fired++);
    const interval = clock.setInterval(5, () => ticks++);
    const canceled = clock.setTimer(clock.now() + 5, () => (canceledFired = true));
    clock.cancel(canceled);
    await waitFor(() => fired === 1 && ticks >= 3);
    clock.cancel(interval);
    const after = ticks;
    expect(canceledFired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    // a sentinel timer due after several periods: once it fired, a live interval would have ticked again
    let sentinel = false;
    clock.setTimer(clock.now() + 25, () => (sentinel = true));
    await waitFor(() => sentinel);
    expect(ticks).toBe(after);
  });
});
