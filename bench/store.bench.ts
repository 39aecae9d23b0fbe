// Store throughput: order intents (insert + journal, one transaction each), order updates (conditional update +
// journal), and fills (idempotent insert) on a SQLite file in WAL mode, and on PostgreSQL when DATABASE_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dec } from '../src/core/decimal.ts';
import { openStore, type Store, type StoreConfig } from '../src/persistence/index.ts';
import { measure } from './util.ts';

const ITERATIONS = 3000;

async function benchStore(label: string, store: Store): Promise<void> {
  let n = 0;
  const quantity = dec('0.00012345');
  const price = dec('65432.10');
  const ids: string[] = [];
  await measure(`${label}: order intent`, ITERATIONS, async () => {
    const clientOrderId = `bench-${n++}`;
    ids.push(clientOrderId);
    await store.recordOrderIntent({
      clientOrderId,
      accountNumber: 'ACC',
      strategyId: 'bench',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      timeInForce: 'gtc',
      quantity,
      limitPrice: price,
      createdAt: n,
    });
  });
  let u = 0;
  await measure(`${label}: order update + journal`, ITERATIONS, async () => {
    const id = ids[u++ % ids.length]!;
    await store.updateOrder(id, { status: 'open' }, { type: 'OrderAccepted', cause: 'bench', createdAt: u });
  });
  let f = 0;
  await measure(`${label}: fill`, ITERATIONS, async () => {
    const i = f++;
    await store.recordFill({
      id: `fill-${i}`,
      clientOrderId: ids[i % ids.length]!,
      symbol: 'BTC-USD',
      side: 'buy',
      quantity,
      price,
      fee: dec('0.01'),
      timestamp: i,
    });
  });
  let b = 0;
  await measure(`${label}: fills, 100 per transaction`, 30, async () => {
    const batch = b++;
    await store.transaction(async (tx) => {
      for (let i = 0; i < 100; i++) {
        await tx.recordFill({
          id: `batch-${batch}-${i}`,
          clientOrderId: ids[i]!,
          symbol: 'BTC-USD',
          side: 'buy',
          quantity,
          price,
          fee: dec('0.01'),
          timestamp: i,
        });
      }
    });
  });
  console.log(`${''.padEnd(48)} (the last line counts transactions; ×100 for fills/s)`);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sherwood-bench-'));
  try {
    for (const sqliteSynchronous of ['full', 'normal'] as const) {
      const config: StoreConfig = {
        driver: 'sqlite',
        sqlitePath: path.join(dir, `${sqliteSynchronous}.db`),
        sqliteSynchronous,
      };
      const store = await openStore(config);
      await benchStore(`sqlite WAL sync=${sqliteSynchronous}`, store);
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const url = process.env.DATABASE_URL;
  if (url === undefined) {
    console.log('postgres: skipped (DATABASE_URL is not set)');
    return;
  }
  const schema = `sherwood_bench_${process.pid}`;
  const store = await openStore({ driver: 'postgres', postgresUrl: url, schema });
  try {
    await benchStore('postgres', store);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}
