// Orders per second through the execution engine to the in-process SimulatedVenue: round, journal the intent,
// submit, apply the answer, poll the fill. Stores: memory, SQLite in memory and SQLite on a file (synchronous=full and
// normal).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimulatedClock } from '../src/core/clock.ts';
import { SeededIdGenerator } from '../src/core/ids.ts';
import { MessageBus } from '../src/core/message-bus.ts';
import { createRandom } from '../src/core/random.ts';
import { ExecutionEngine } from '../src/execution/execution-engine.ts';
import type { ExecutionTopics } from '../src/execution/types.ts';
import { openStore, type StoreConfig } from '../src/persistence/open-store.ts';
import { MatchingEngine } from '../src/venues/simulator/engine.ts';
import { MarketState } from '../src/venues/simulator/market.ts';
import { DEFAULT_PRICES, defaultPairs } from '../src/venues/simulator/pairs.ts';
import { SimulatedVenue } from '../src/venues/simulator/venue.ts';
import { measure } from './util.ts';

async function bench(name: string, config: StoreConfig, orders: number): Promise<void> {
  const clock = new SimulatedClock(1_750_000_000_000);
  const pairs = defaultPairs();
  const market = new MarketState(pairs, DEFAULT_PRICES, createRandom(1));
  const matching = new MatchingEngine({ pairs, market, now: () => clock.now(), random: createRandom(2) });
  matching.addAccount({ accountNumber: 'ACC', buyingPower: '1000000000', feeRatio: '0.001' });
  const venue = new SimulatedVenue({ engine: matching, accountNumber: 'ACC' });
  const store = await openStore(config);
  const bus = new MessageBus<ExecutionTopics>();
  let fills = 0;
  bus.subscribe('fill', () => fills++);
  const engine = new ExecutionEngine({ venue, store, clock, bus, ids: new SeededIdGenerator(1), accountNumber: 'ACC' });
  await engine.load();
  const request = {
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'market',
    quantity: '0.0001',
    strategyId: 'bench',
    reason: 'bench',
    referencePrice: '65000',
  } as const;
  await measure(`execution: market order → fill, ${name}`, orders, async (i) => {
    await engine.submit(request);
    market.setPrice('BTC-USD', String(65000 + (i % 10)));
    clock.advanceBy(1000); // one poll a second, the margin (5 s) brings recent orders back every time
    await engine.pollOnce();
  });
  console.log(`  → ${fills} fills published; open orders left: ${engine.openOrders().length}`);
  engine.stop();
  await store.close();
}

export async function run(): Promise<void> {
  await bench('memory store (backtests)', { driver: 'memory' }, 5000);
  await bench('SQLite :memory:', { driver: 'sqlite', sqlitePath: ':memory:' }, 2000);
  for (const sync of ['normal', 'full'] as const) {
    const file = path.join(tmpdir(), `sherwood-exec-bench-${process.pid}-${sync}.db`);
    try {
      await bench(
        `SQLite file, synchronous=${sync}`,
        { driver: 'sqlite', sqlitePath: file, sqliteSynchronous: sync },
        1000,
      );
    } finally {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    }
  }
}
