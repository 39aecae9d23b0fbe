// Time at the edge, injectable: the client reads the clock and waits only through this, so tests drive it.
/** Node's Timeout object, or whatever a test clock hands out. */
export type TimerHandle = object | number;

export interface Timers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  // Not unref'd: a caller awaiting a back-off or a refill must keep the process alive (the CLI would exit mid-call).
  // Timers exist only while someone is waiting.
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function sleep(timers: Timers, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => timers.setTimeout(resolve, ms));
}
