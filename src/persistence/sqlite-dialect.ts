// kysely's SQLite dialect with two changes that matter for a trading journal:
// - transactions start with BEGIN IMMEDIATE, taking the write lock up front. A plain (deferred) BEGIN that reads and
//   then writes can fail with SQLITE_BUSY when another process wrote in between, without waiting for busy_timeout.
// - prepared statements are cached: kysely prepares every query anew, which costs more than running it.
import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';

// Queries differ only by their number of IN (...) parameters, so a few hundred cover them; past that, start afresh.
const MAX_CACHED_STATEMENTS = 500;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class SherwoodSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;

  constructor(database: Database.Database) {
    const cached = cachingDatabase(database);
    super({ database: cached });
    this.#database = cached;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

function cachingDatabase(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare: (sql: string): SqliteStatement => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
