// The store suite on a real SQLite file, plus what only SQLite has: the file, its pragmas and reopening it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/decimal.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { openStore } from '../../src/persistence/index.ts';
import { describeStore, type FreshDatabase } from './store-suite.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sherwood-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function countRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describeStore('SQLite (file, WAL)', () => {
  const file = path.join(tempDir(), 'store.db');
  const database: FreshDatabase = {
    open: () => openStore({ driver: 'sqlite', sqlitePath: file }),
    countRows: (table) => Promise.resolve(countRows(file, table)),
    dispose: () => Promise.resolve(),
  };
  return Promise.resolve(database);
});

describe('SQLite store file', () => {
  it('creates the directory, and the file is in WAL mode with foreign keys enforced', async () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'sherwood.db');
    const store = await openStore({ driver: 'sqlite', sqlitePath: file });
    await store.close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare(`select name from sqlite_master where type = 'table' order by name`).all();
      expect(tables.map((t) => (t as { name: string }).name)).toEqual(
        expect.arrayContaining([
          'orders',
          'order_events',
          'trades',
          'positions',
          'equity',
          'strategy_state',
          'events',
          'kv',
        ]),
      );
      // Decimals are stored as text, never as floats.
      const columns = db.prepare(`select name, type from pragma_table_info('orders')`).all() as Array<{
        name: string;
        type: string;
      }>;
      expect(columns.find((c) => c.name === 'limit_price')?.type.toLowerCase()).toBe('text');
    } finally {
      db.close();
    }
  });

  it('keeps every record after close and reopen', async () => {
    const file = path.join(tempDir(), 'reopen.db');
    const first = await openStore({ driver: 'sqlite', sqlitePath: file, sqliteSynchronous: 'normal' });
    const order = await first.recordOrderIntent({
      clientOrderId: 'c0ffee00-0000-4000-8000-000000000001',
      accountNumber: 'ACC',
      strategyId: 'sma',
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'market',
      timeInForce: 'gtc',
      quantity: dec('0.12345678'),
      createdAt: 10,
    });
    await first.recordFill({
      id: 'e1',
      clientOrderId: order.clientOrderId,
      symbol: 'BTC-USD',
      side: 'sell',
      quantity: dec('0.12345678'),
      price: dec('64000.01'),
      fee: dec('0.05'),
      timestamp: 11,
    });
    await first.updateOrder(
      order.clientOrderId,
      { status: 'filled' },
      { type: 'OrderFilled', cause: 'fill', createdAt: 11 },
    );
    await first.setKv('engine', 'RUNNING', 12);
    await first.close();

    const second = await openStore({ driver: 'sqlite', sqlitePath: file });
    try {
      expect(await second.getOrder(order.clientOrderId)).toMatchObject({ status: 'filled', version: 2 });
      expect((await second.fillsForOrder(order.clientOrderId))[0]?.price.toFixed()).toBe('64000.01');
      expect(await second.getKv('engine')).toBe('RUNNING');
      expect(
        await second.recordFill({
          id: 'e1',
          clientOrderId: order.clientOrderId,
          symbol: 'BTC-USD',
          side: 'sell',
          quantity: dec('0.12345678'),
          price: dec('64000.01'),
          fee: dec('0.05'),
          timestamp: 11,
        }),
      ).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('opens a throw-away in-memory store', async () => {
    const store = await openStore({ driver: 'sqlite', sqlitePath: ':memory:' });
    await store.setKv('a', 1, 1);
    expect(await store.getKv('a')).toBe(1);
    await store.close();
  });

  it('rejects an invalid config naming the field', async () => {
    await expect(openStore({ driver: 'postgres' })).rejects.toThrow(/postgresUrl/);
    await expect(
      openStore({ driver: 'postgres', postgresUrl: 'postgres://x@127.0.0.1/db', schema: 'Robert"; drop' }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(openStore({ driver: 'sqlite', busyTimeoutMs: -1 })).rejects.toThrow(/busyTimeoutMs/);
  });
});
