// Opens the store chosen by config, applies the connection settings that make it safe, and runs the migrations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { ConfigError, PersistenceError, errorMessage } from '../core/errors.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';
import { openMemoryStore } from './memory-store.ts';
import { SqlStore } from './sql-store.ts';
import { SherwoodSqliteDialect } from './sqlite-dialect.ts';
import type { Store } from './store.ts';

export const DEFAULT_SQLITE_PATH = './data/sherwood.db';

export const StoreConfigSchema = z
  .object({
    /**
     * 'sqlite' (default: one file, nothing to install), 'postgres' (several processes, scale-out) or 'memory'
     * (nothing kept after the process: backtests and tests).
     */
    driver: z.enum(['sqlite', 'postgres', 'memory']).default('sqlite'),
    /** SQLite file; its directory is created if missing. ':memory:' for a throw-away store. */
    sqlitePath: z.string().min(1).default(DEFAULT_SQLITE_PATH),
    /**
     * 'full' syncs the WAL on every commit, so a committed intent survives a power cut; 'normal' survives a crash of
     * the process (not of the machine) and is faster.
     */
    sqliteSynchronous: z.enum(['full', 'normal']).default('full'),
    /** How long a write waits for another connection's lock before failing (ms). */
    busyTimeoutMs: z.number().int().min(0).default(5000),
    /** postgres://user:password@host:port/database */
    postgresUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    /** PostgreSQL schema (search_path) holding the tables; created if missing. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, _)')
      .optional(),
    /** Connections in the PostgreSQL pool. */
    poolSize: z.number().int().min(1).max(100).default(10),
  })
  .refine((c) => c.driver !== 'postgres' || c.postgresUrl !== undefined, {
    message: 'postgresUrl is required when driver is postgres',
    path: ['postgresUrl'],
  });

export type StoreConfig = z.input<typeof StoreConfigSchema>;

/** Opens (creating if needed) and migrates the store. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const parsed = StoreConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ConfigError(`invalid store config: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues });
  }
  const c = parsed.data;
  if (c.driver === 'memory') return openMemoryStore();
  return c.driver === 'sqlite' ? openSqlite(c) : openPostgres(c);
}

type ParsedConfig = z.output<typeof StoreConfigSchema>;

async function openSqlite(c: ParsedConfig): Promise<Store> {
  let database: BetterSqlite3.Database;
  try {
    if (c.sqlitePath !== ':memory:') mkdirSync(path.dirname(path.resolve(c.sqlitePath)), { recursive: true });
    database = new BetterSqlite3(c.sqlitePath);
    // WAL: readers never block the writer and a commit is one append. foreign_keys is per connection, off by default.
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${c.sqliteSynchronous.toUpperCase()}`);
    database.pragma(`busy_timeout = ${c.busyTimeoutMs}`);
    database.pragma('foreign_keys = ON');
  } catch (err) {
    throw new PersistenceError(
      `cannot open SQLite file ${c.sqlitePath}: ${errorMessage(err)}`,
      {
        path: c.sqlitePath,
      },
      { cause: err },
    );
  }
  const db = new Kysely<Database>({ dialect: new SherwoodSqliteDialect(database) });
  return migrateAndWrap('sqlite', db, undefined);
}

// int8 (ms timestamps, bigserial ids) as numbers: both stay far below 2^53. numeric stays text, for dec().
const PG_INT8_OID = 20;
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === PG_INT8_OID) return (text: string): number => Number(text);
    return pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

async function openPostgres(c: ParsedConfig): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: c.postgresUrl,
    max: c.poolSize,
    types: pgTypes,
    // Every connection of the pool resolves table names in our schema first.
    ...(c.schema === undefined ? {} : { options: `-c search_path=${c.schema}` }),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (c.schema !== undefined) {
    try {
      await db.schema.createSchema(c.schema).ifNotExists().execute();
    } catch (err) {
      await db.destroy();
      throw new PersistenceError(
        `cannot create schema ${c.schema}: ${errorMessage(err)}`,
        { schema: c.schema },
        {
          cause: err,
        },
      );
    }
  }
  return migrateAndWrap('postgres', db, c.schema);
}

async function migrateAndWrap(driver: 'sqlite' | 'postgres', db: Kysely<Database>, schema?: string): Promise<Store> {
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, driver, schema);
    // A cheap query proves the connection and the schema before anyone writes an order.
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    if (err instanceof PersistenceError) throw err;
    throw new PersistenceError(`cannot open the ${driver} store: ${errorMessage(err)}`, { driver }, { cause: err });
  }
  return SqlStore.create(driver, db, () => db.destroy());
}
