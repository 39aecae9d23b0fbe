// Shared set-up for the execution tests: a simulated clock, an in-memory (or file) SQLite store, a bus that records
// everything, the fake venue and the engine.
import { SimulatedClock } from '../../src/core/clock.ts';
import { SeededIdGenerator } from '../../src/core/ids.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import { ExecutionEngine, type ExecutionEngineOptions } from '../../src/execution/execution-engine.ts';
import type { ExecutionTopics } from '../../src/execution/types.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import type { VenuePort } from '../../src/venues/venue-port.ts';
import { FakeVenue } from './fake-venue.ts';

export const T0 = 1_750_000_000_000;

export interface Recorded {
  topic: string;
  message: { type: string } & Record<string, unknown>;
}

export interface Harness {
  clock: SimulatedClock;
  store: Store;
  bus: MessageBus<ExecutionTopics>;
  events: Recorded[];
  venue: FakeVenue;
  engine: ExecutionEngine;
  types(): string[];
}

export async function harness(
  options: Partial<ExecutionEngineOptions> & { sqlitePath?: string; venue?: VenuePort; seed?: number } = {},
): Promise<Harness> {
  const clock = (options.clock as SimulatedClock | undefined) ?? new SimulatedClock(T0);
  const store = options.store ?? (await openStore({ driver: 'sqlite', sqlitePath: options.sqlitePath ?? ':memory:' }));
  const bus = new MessageBus<ExecutionTopics>();
  const events: Recorded[] = [];
  bus.subscribeAll((topic, message) => events.push({ topic, message: message as Recorded['message'] }));
  const venue = new FakeVenue(() => clock.now());
  const engine = new ExecutionEngine({
    venue: options.venue ?? venue,
    store,
    clock,
    bus,
    ids: new SeededIdGenerator(options.seed ?? 7),
    accountNumber: 'ACC',
    pollIntervalMs: 1000,
    pollMarginMs: 0,
    cancelCheckMs: 2000,
    ...options,
  });
  await engine.load();
  return { clock, store, bus, events, venue, engine, types: () => events.map((e) => e.message.type) };
}

export const limitBuy = {
  symbol: 'BTC-USD',
  side: 'buy',
  type: 'limit',
  quantity: '0.01',
  limitPrice: '60000',
  strategyId: 's1',
  reason: 'test',
} as const;
