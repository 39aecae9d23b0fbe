// Shared set-up for the client → simulator integration tests: a simulator on 127.0.0.1 port 0 with a fixed seed, a
// RobinhoodClient pointed at it, a clock both can share (so tests move time instead of sleeping), and a request log
// fed by the client's hooks.
import { afterEach } from 'vitest';
import {
  RobinhoodClient,
  type RequestEvent,
  type RobinhoodClientOptions,
  type RobinhoodOrder,
  type Timers,
} from '../../src/venues/robinhood/index.ts';
import {
  generateCredential,
  startSimulator,
  type GeneratedCredential,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../src/venues/simulator/index.ts';
import { untilValue } from '../support/until.ts';

/** Wall time plus an offset the test moves forward; shared by the simulator and the client. */
export class SharedClock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /** Real timers, this clock's time. */
  timers(): Timers {
    return {
      now: this.now,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
  }
}

/** Every request the client sent and every answer (or failure) it got, in order. */
export class RequestLog {
  readonly sent: RequestEvent[] = [];
  readonly answered: RequestEvent[] = [];
  onAnswer: ((event: RequestEvent) => void) | undefined;
  readonly hooks = {
    onRequest: (e: RequestEvent): void => void this.sent.push(e),
    onResponse: (e: RequestEvent): void => {
      this.answered.push(e);
      this.onAnswer?.(e);
    },
  };
  sentTo(endpoint: string): RequestEvent[] {
    return this.sent.filter((e) => e.endpoint === endpoint);
  }
  answersFrom(endpoint: string): RequestEvent[] {
    return this.answered.filter((e) => e.endpoint === endpoint);
  }
}

export interface Harness {
  sim: SimulatorHandle;
  credential: GeneratedCredential;
  clock: SharedClock;
  log: RequestLog;
  /** A client on the harness account (v2 unless told); closed after the test. */
  client(options?: Partial<RobinhoodClientOptions>): RobinhoodClient;
}

const cleanups: Array<() => Promise<void>> = [];

/** Registers the after-each clean-up of simulators and clients started through `startHarness`. */
export function useHarnessCleanup(): void {
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
}

export const ACCOUNT_NUMBER = '500100200';

/**
 * A simulator with one account (no replay: prices move only when a test sets them; short cancel delay; no rate
 * limit unless asked) and a client factory. BTC-USD is quoted 65000 / 65001.
 */
export async function startHarness(
  options: Partial<SimulatorOptions> = {},
  account: { buyingPower?: string; holdings?: Record<string, string> } = {},
): Promise<Harness> {
  const clock = new SharedClock();
  const credential = generateCredential(account.buyingPower ?? '100000');
  credential.account_number = ACCOUNT_NUMBER;
  if (account.holdings !== undefined) credential.holdings = account.holdings;
  const sim = await startSimulator({
    data: 'none',
    speed: 0,
    seed: 11,
    rateLimit: false,
    cancelDelayMs: 100,
    now: clock.now,
    ...options,
    accounts: [credential, ...(options.accounts ?? [])],
  });
  cleanups.push(() => sim.close());
  sim.setQuote('BTC-USD', '65000', '65001', '2');
  const log = new RequestLog();
  let ids = 0;
  const client = (extra: Partial<RobinhoodClientOptions> = {}): RobinhoodClient => {
    const c = new RobinhoodClient({
      apiKey: credential.api_key,
      privateKey: credential.private_key,
      baseUrl: sim.url,
      timers: clock.timers(),
      random: seededUniform(5),
      newClientOrderId: () => uuid(++ids),
      hooks: log.hooks,
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
      bucket: { capacity: 1000, refillAmount: 1000, refillIntervalMs: 1000 },
      ...extra,
    });
    cleanups.push(() => c.close());
    return c;
  };
  return { sim, credential, clock, log, client };
}

/** Deterministic client order ids. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A small seeded uniform generator (mulberry32) for back-off jitter. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls until `check` returns a value, or fails after `ms` of wall time. */
export function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  return untilValue(what, check, ms, 10);
}

/** Polls getOrder until the order is in `state`. */
export function untilState(client: RobinhoodClient, id: string, state: string, ms = 5000): Promise<RobinhoodOrder> {
  return until(
    `order ${id} ${state}`,
    async () => {
      const order = await client.getOrder(id);
      return order.state === state ? order : undefined;
    },
    ms,
  );
}

/** Resolves with the error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
