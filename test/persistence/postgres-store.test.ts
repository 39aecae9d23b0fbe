// The store suite on PostgreSQL at DATABASE_URL (CI runs one); skipped only when the variable is unset.
// Each test gets its own schema, dropped afterwards, so test files and parallel runs never see each other's rows.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/persistence/index.ts';
import { describeStore, type FreshDatabase } from './store-suite.ts';

const url = process.env.DATABASE_URL;
const prefix = `sherwood_test_${process.pid}_${Date.now().toString(36)}`;
let counter = 0;

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(url === undefined)('PostgreSQL', () => {
  describeStore('PostgreSQL', () => {
    const schema = `${prefix}_${++counter}`;
    const database: FreshDatabase = {
      open: () => openStore({ driver: 'postgres', postgresUrl: url, schema, poolSize: 4 }),
      countRows: (table) =>
        withClient(async (c) => {
          const r = await c.query<{ n: string }>(`select count(*) as n from "${schema}"."${table}"`);
          return Number(r.rows[0]?.n);
        }),
      dispose: () => withClient((c) => c.query(`drop schema if exists "${schema}" cascade`).then(() => undefined)),
    };
    return Promise.resolve(database);
  });

  describe('schema', () => {
    const schema = `${prefix}_types`;
    beforeAll(async () => {
      const store = await openStore({ driver: 'postgres', postgresUrl: url, schema });
      await store.close();
    });
    afterAll(() => withClient((c) => c.query(`drop schema if exists "${schema}" cascade`)));

    it('stores decimals as NUMERIC and timestamps as BIGINT, in the requested schema only', async () => {
      const columns = await withClient((c) =>
        c.query<{ table_name: string; column_name: string; data_type: string }>(
          `select table_name, column_name, data_type from information_schema.columns where table_schema = $1`,
          [schema],
        ),
      );
      const type = (table: string, column: string): string | undefined =>
        columns.rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
      expect(type('orders', 'limit_price')).toBe('numeric');
      expect(type('trades', 'fee')).toBe('numeric');
      expect(type('orders', 'created_at')).toBe('bigint');
      expect(type('equity', 'drawdown')).toBe('double precision');
      const leaked = await withClient((c) =>
        c.query(`select 1 from information_schema.tables where table_schema = 'public' and table_name = 'orders'`),
      );
      expect(leaked.rowCount).toBe(0);
    });
  });
});
