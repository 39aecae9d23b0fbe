// Time, injected. Engines take a `Clock` and never call Date.now() or setTimeout themselves: a backtest hands them a
// SimulatedClock, live trading a LiveClock, and the same code runs in both.
import { SherwoodError, ValidationError } from './errors.ts';

/** Opaque handle returned by `setTimer`/`setInterval`, passed back to `cancel`. */
export interface TimerHandle {
  readonly id: number;
}

/** Called with the clock's time at the moment the timer fires (its due time, on a simulated clock). */
export type TimerCallback = (nowMs: number) => void;

export interface Clock {
  /** Milliseconds since the epoch (UTC). */
  now(): number;
  /** Fires once at `atMs` (or as soon as possible if that is already past). */
  setTimer(atMs: number, callback: TimerCallback): TimerHandle;
  /** Fires every `periodMs`, first at `startAtMs` (default: now + period). */
  setInterval(periodMs: number, callback: TimerCallback, startAtMs?: number): TimerHandle;
  /** Cancels a timer or interval; cancelling twice or after it fired is harmless. */
  cancel(handle: TimerHandle): void;
}

function checkPeriod(periodMs: number): void {
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new ValidationError(`interval period must be a positive number of ms, got ${periodMs}`, { periodMs });
  }
}

function checkTime(name: string, ms: number): void {
  if (!Number.isFinite(ms)) throw new ValidationError(`${name} must be a finite time in ms, got ${ms}`, { [name]: ms });
}

// ---------------------------------------------------------------------------------------------------------------
// SimulatedClock

interface SimTimer {
  readonly id: number;
  dueMs: number;
  /** Scheduling order: breaks ties between timers due at the same time. */
  seq: number;
  readonly periodMs: number | undefined;
  readonly callback: TimerCallback;
  canceled: boolean;
}

function before(a: SimTimer, b: SimTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}

/**
 * A clock that only moves when told to. `advanceTo`/`advanceBy` fire every due timer in time order (ties in the order
 * they were scheduled), with now() equal to each timer's due time; timers that callbacks schedule within the target
 * fire in the same advance. Time never goes backwards. A callback that throws stops the advance at its due time and
 * the error propagates: the deterministic core does not hide failures; the remaining timers stay queued.
 */
export class SimulatedClock implements Clock {
  #now: number;
  #nextId = 1;
  #nextSeq = 0;
  readonly #heap: SimTimer[] = [];
  readonly #byId = new Map<number, SimTimer>();
  #advancing = false;

  constructor(startMs = 0) {
    checkTime('startMs', startMs);
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** A timer due in the past is due now: it fires at the next advance (even `advanceBy(0)`). */
  setTimer(atMs: number, callback: TimerCallback): TimerHandle {
    checkTime('atMs', atMs);
    return this.#schedule(Math.max(atMs, this.#now), undefined, callback);
  }

  setInterval(periodMs: number, callback: TimerCallback, startAtMs?: number): TimerHandle {
    checkPeriod(periodMs);
    if (startAtMs !== undefined) checkTime('startAtMs', startAtMs);
    const first = startAtMs === undefined ? this.#now + periodMs : Math.max(startAtMs, this.#now);
    return this.#schedule(first, periodMs, callback);
  }

  cancel(handle: TimerHandle): void {
    const timer = this.#byId.get(handle.id);
    if (!timer) return;
    timer.canceled = true; // removed lazily from the heap
    this.#byId.delete(handle.id);
  }

  /** Number of live (not canceled, not yet fired) timers and intervals. */
  get pendingTimers(): number {
    return this.#byId.size;
  }

  /** Due time of the next live timer, or undefined: lets a backtest jump straight to the next event. */
  nextTimerAt(): number | undefined {
    this.#dropCanceledTop();
    return this.#heap[0]?.dueMs;
  }

  advanceBy(ms: number): void {
    checkTime('ms', ms);
    if (ms < 0) throw new SherwoodError(`time cannot go backwards: advanceBy(${ms})`, 'CLOCK_BACKWARDS', { ms });
    this.advanceTo(this.#now + ms);
  }

  advanceTo(targetMs: number): void {
    checkTime('targetMs', targetMs);
    if (targetMs < this.#now) {
      throw new SherwoodError(
        `time cannot go backwards: now is ${this.#now}, asked to advance to ${targetMs}`,
        'CLOCK_BACKWARDS',
        { now: this.#now, targetMs },
      );
    }
    if (this.#advancing) {
      throw new SherwoodError('advanceTo called from inside a timer callback', 'CLOCK_REENTRANT', { targetMs });
    }
    this.#advancing = true;
    try {
      for (;;) {
        this.#dropCanceledTop();
        const top = this.#heap[0];
        if (!top || top.dueMs > targetMs) break;
        this.#pop();
        this.#now = top.dueMs;
        if (top.periodMs === undefined) {
          this.#byId.delete(top.id);
        } else {
          // Re-queue before the callback so that a throwing callback does not silently kill its interval.
          top.dueMs += top.periodMs;
          top.seq = this.#nextSeq++;
          this.#push(top);
        }
        top.callback(this.#now);
      }
      this.#now = targetMs;
    } finally {
      this.#advancing = false;
    }
  }

  #schedule(dueMs: number, periodMs: number | undefined, callback: TimerCallback): TimerHandle {
    const timer: SimTimer = { id: this.#nextId++, dueMs, seq: this.#nextSeq++, periodMs, callback, canceled: false };
    this.#byId.set(timer.id, timer);
    this.#push(timer);
    return { id: timer.id };
  }

  #dropCanceledTop(): void {
    while (this.#heap[0]?.canceled) this.#pop();
  }

  // A binary min-heap on (dueMs, seq).
  #push(timer: SimTimer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && before(heap[l]!, heap[smallest]!)) smallest = l;
      if (r < heap.length && before(heap[r]!, heap[smallest]!)) smallest = r;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LiveClock

export interface LiveClockOptions {
  /** When true (default), pending timers never keep the process alive. */
  unref?: boolean;
  /** Source of time, for tests; defaults to Date.now. */
  now?: () => number;
}

const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Real time and real timers. Intervals are scheduled from their due times, not from when the callback ran, so they do
 * not drift; an interval that falls behind (a blocked event loop) skips the missed ticks rather than bursting.
 */
export class LiveClock implements Clock {
  readonly #unref: boolean;
  readonly #nowFn: () => number;
  readonly #timers = new Map<number, NodeJS.Timeout>();
  #nextId = 1;

  constructor(options: LiveClockOptions = {}) {
    this.#unref = options.unref ?? true;
    this.#nowFn = options.now ?? Date.now;
  }

  now(): number {
    return this.#nowFn();
  }

  setTimer(atMs: number, callback: TimerCallback): TimerHandle {
    checkTime('atMs', atMs);
    const id = this.#nextId++;
    this.#arm(id, atMs, () => {
      this.#timers.delete(id);
      callback(this.now());
    });
    return { id };
  }

  setInterval(periodMs: number, callback: TimerCallback, startAtMs?: number): TimerHandle {
    checkPeriod(periodMs);
    if (startAtMs !== undefined) checkTime('startAtMs', startAtMs);
    const id = this.#nextId++;
    const tick = (dueMs: number): void => {
      this.#arm(id, dueMs, () => {
        const now = this.now();
        let next = dueMs + periodMs;
        if (next <= now) next = now + periodMs - ((now - dueMs) % periodMs); // skip missed ticks
        tick(next); // re-arm first: a throwing callback must not stop the interval
        callback(now);
      });
    };
    tick(startAtMs ?? this.now() + periodMs);
    return { id };
  }

  cancel(handle: TimerHandle): void {
    const timer = this.#timers.get(handle.id);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(handle.id);
  }

  /** Cancels every pending timer (graceful shutdown). */
  cancelAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  #arm(id: number, dueMs: number, fire: () => void): void {
    const delay = Math.max(0, dueMs - this.now());
    // Node fires at once for delays past 2^31-1 ms (~24.8 days): wait in steps instead.
    const timer =
      delay > MAX_TIMEOUT_MS ? setTimeout(() => this.#arm(id, dueMs, fire), MAX_TIMEOUT_MS) : setTimeout(fire, delay);
    if (this.#unref) timer.unref();
    this.#timers.set(id, timer);
  }
}
