// Versioned migrations, in code (no file globbing, so they ship inside any bundle). Names sort in the order they run;
// never edit a migration that has shipped: add the next one. Column types differ by dialect only where they must
// (exact decimals: TEXT on SQLite, NUMERIC on PostgreSQL; ms timestamps: INTEGER vs BIGINT); queries are the same.
import { Migrator, type CreateTableBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { PersistenceError, errorMessage } from '../core/errors.ts';
import type { SqlDriver } from './store.ts';

export const MIGRATION_TABLE = 'sherwood_migration';
export const MIGRATION_LOCK_TABLE = 'sherwood_migration_lock';

interface ColumnTypes {
  decimal: 'text' | 'numeric';
  ms: 'integer' | 'bigint';
  float: 'real' | 'double precision';
}

function columnTypes(driver: SqlDriver): ColumnTypes {
  return driver === 'sqlite'
    ? { decimal: 'text', ms: 'integer', float: 'real' }
    : { decimal: 'numeric', ms: 'bigint', float: 'double precision' };
}

// The migrations get an untyped Kysely: they describe the schema, they do not rely on it.
async function initialSchema(db: Kysely<unknown>, driver: SqlDriver): Promise<void> {
  const t = columnTypes(driver);
  const createWithId = <T extends string>(name: T): CreateTableBuilder<T, 'id'> =>
    driver === 'sqlite'
      ? db.schema.createTable(name).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : db.schema.createTable(name).addColumn('id', 'bigserial', (c) => c.primaryKey());

  await db.schema
    .createTable('orders')
    .addColumn('client_order_id', 'text', (c) => c.primaryKey())
    .addColumn('venue_order_id', 'text', (c) => c.unique())
    .addColumn('account_number', 'text', (c) => c.notNull())
    .addColumn('strategy_id', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('time_in_force', 'text', (c) => c.notNull())
    .addColumn('quantity', t.decimal)
    .addColumn('quote_amount', t.decimal)
    .addColumn('limit_price', t.decimal)
    .addColumn('stop_price', t.decimal)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('filled_quantity', t.decimal, (c) => c.notNull())
    .addColumn('average_fill_price', t.decimal)
    .addColumn('fees', t.decimal, (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', t.ms, (c) => c.notNull())
    .addColumn('updated_at', t.ms, (c) => c.notNull())
    .addColumn('submitted_at', t.ms)
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_status_idx').on('orders').column('status').execute();
  await db.schema.createIndex('orders_created_at_idx').on('orders').column('created_at').execute();
  await db.schema.createIndex('orders_strategy_symbol_idx').on('orders').columns(['strategy_id', 'symbol']).execute();

  await createWithId('order_events')
    .addColumn('client_order_id', 'text', (c) => c.notNull().references('orders.client_order_id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ms, (c) => c.notNull())
    // Two writers can never both append seq n to one order: the loser fails instead of forking the journal.
    .addUniqueConstraint('order_events_order_seq_unique', ['client_order_id', 'seq'])
    .execute();

  await db.schema
    .createTable('trades')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_order_id', 'text', (c) => c.notNull().references('orders.client_order_id'))
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('quantity', t.decimal, (c) => c.notNull())
    .addColumn('price', t.decimal, (c) => c.notNull())
    .addColumn('fee', t.decimal, (c) => c.notNull())
    .addColumn('fee_currency', 'text', (c) => c.notNull())
    .addColumn('liquidity', 'text', (c) => c.notNull())
    .addColumn('timestamp', t.ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trades_order_idx').on('trades').column('client_order_id').execute();
  await db.schema.createIndex('trades_symbol_time_idx').on('trades').columns(['symbol', 'timestamp']).execute();

  await db.schema
    .createTable('positions')
    .addColumn('strategy_id', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('quantity', t.decimal, (c) => c.notNull())
    .addColumn('average_entry_price', t.decimal, (c) => c.notNull())
    .addColumn('realized_pnl', t.decimal, (c) => c.notNull())
    .addColumn('fees', t.decimal, (c) => c.notNull())
    .addColumn('updated_at', t.ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('positions_pk', ['strategy_id', 'symbol'])
    .execute();

  await db.schema
    .createTable('equity')
    .addColumn('timestamp', t.ms, (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('equity', t.decimal, (c) => c.notNull())
    .addColumn('cash', t.decimal, (c) => c.notNull())
    .addColumn('positions_value', t.decimal, (c) => c.notNull())
    .addColumn('drawdown', t.float, (c) => c.notNull())
    .addPrimaryKeyConstraint('equity_pk', ['scope', 'scope_id', 'timestamp'])
    .execute();

  await db.schema
    .createTable('strategy_state')
    .addColumn('strategy_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.ms, (c) => c.notNull())
    .execute();

  await createWithId('events')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_type_idx').on('events').columns(['type', 'id']).execute();
  await db.schema.createIndex('events_created_at_idx').on('events').column('created_at').execute();

  await db.schema
    .createTable('kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.ms, (c) => c.notNull())
    .execute();
}

/** All migrations, by name, for one dialect. */
export function migrations(driver: SqlDriver): Record<string, Migration> {
  return {
    '0001_initial': { up: (db: Kysely<unknown>) => initialSchema(db, driver) },
  };
}

export function migrationProvider(driver: SqlDriver): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(driver)) };
}

/** Brings the schema up to date; safe to run on every start (already-applied migrations are skipped). */
export async function migrateToLatest(db: Kysely<unknown>, driver: SqlDriver, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(driver),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new PersistenceError(
      `migration ${failed ?? '(setup)'} failed: ${errorMessage(error)}`,
      { failed },
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
