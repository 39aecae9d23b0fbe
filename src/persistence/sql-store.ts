// The Store over kysely: one set of queries for SQLite and PostgreSQL. Every multi-row write runs in a transaction;
// a store handed to `transaction(fn)` runs its writes in the caller's transaction instead of opening its own.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import { PersistenceError } from '../core/errors.ts';
import {
  decimalText,
  deriveFillId,
  jsonText,
  optionalDecimalText,
  patchRow,
  readJson,
  sameFill,
  readMs,
  toEquityPoint,
  toFillRecord,
  toJournalEvent,
  toOrderEventRecord,
  toOrderRecord,
  toPositionRecord,
} from './codec.ts';
import type { Database, OrdersTable } from './schema.ts';
import {
  OPEN_ORDER_STATUSES,
  type EquityPoint,
  type EquityRange,
  type EventFilter,
  type FillFilter,
  type FillRecord,
  type JournalEvent,
  type JournalEventInput,
  type JsonValue,
  type NewFill,
  type NewOrder,
  type OrderEventInput,
  type OrderEventRecord,
  type OrderFilter,
  type OrderPatch,
  type OrderRecord,
  type PositionRecord,
  type Store,
  type SqlDriver,
  type StrategyStateRecord,
} from './store.ts';

type Db = Kysely<Database>;

// Belt and braces: the row lock (pg) or the write lock (SQLite) already serialises writers, but should a version still
// move between read and write, updateOrder without expectedVersion re-reads and retries this many times.
const MAX_UPDATE_ATTEMPTS = 5;

interface Scope {
  /**
   * In fn's async context while a `transaction(fn)` of the root store runs. A flag object rather than a bare value:
   * timers or listeners created inside fn keep the context, and must not count as inside once it has ended.
   */
  readonly active: AsyncLocalStorage<{ open: boolean }>;
  /** Called once, by the root store's close(). */
  readonly destroy: () => Promise<void>;
}

export class SqlStore implements Store {
  readonly driver: SqlDriver;
  readonly #db: Db;
  readonly #scope: Scope;
  readonly #inTransaction: boolean;
  #usable = true;

  private constructor(driver: SqlDriver, db: Db, scope: Scope, inTransaction: boolean) {
    this.driver = driver;
    this.#db = db;
    this.#scope = scope;
    this.#inTransaction = inTransaction;
  }

  /** Wraps an open, migrated database. `destroy` releases it (closes the file or ends the pool). */
  static create(driver: SqlDriver, db: Db, destroy: () => Promise<void>): SqlStore {
    return new SqlStore(driver, db, { active: new AsyncLocalStorage<{ open: boolean }>(), destroy }, false);
  }

  async recordOrderIntent(order: NewOrder, event: Partial<OrderEventInput> = {}): Promise<OrderRecord> {
    const db = this.#use();
    const row: OrdersTable = {
      client_order_id: order.clientOrderId,
      venue_order_id: order.venueOrderId ?? null,
      account_number: order.accountNumber,
      strategy_id: order.strategyId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      time_in_force: order.timeInForce,
      quantity: optionalDecimalText(order.quantity),
      quote_amount: optionalDecimalText(order.quoteAmount),
      limit_price: optionalDecimalText(order.limitPrice),
      stop_price: optionalDecimalText(order.stopPrice),
      status: order.status ?? 'created',
      filled_quantity: optionalDecimalText(order.filledQuantity) ?? '0',
      average_fill_price: optionalDecimalText(order.averageFillPrice),
      fees: optionalDecimalText(order.fees) ?? '0',
      reason: order.reason ?? null,
      created_at: order.createdAt,
      updated_at: order.updatedAt ?? order.createdAt,
      submitted_at: order.submittedAt ?? null,
      version: 1,
    };
    return this.#atomically(db, async (trx) => {
      const inserted = await trx.insertInto('orders').values(row).returningAll().executeTakeFirstOrThrow();
      await trx
        .insertInto('order_events')
        .values({
          client_order_id: row.client_order_id,
          seq: 1,
          type: event.type ?? 'OrderIntent',
          from_status: null,
          to_status: row.status,
          cause: event.cause ?? 'intent',
          payload: jsonText(event.payload ?? null),
          created_at: event.createdAt ?? row.created_at,
        })
        .execute();
      return toOrderRecord(inserted);
    });
  }

  async updateOrder(
    clientOrderId: string,
    patch: OrderPatch,
    event: OrderEventInput,
    expectedVersion?: number,
  ): Promise<OrderRecord> {
    const db = this.#use();
    const changes = patchRow(patch);
    for (let attempt = 1; ; attempt++) {
      const updated = await this.#atomically(db, async (trx) => {
        const current = await trx
          .selectFrom('orders')
          .select(['status', 'version'])
          .where('client_order_id', '=', clientOrderId)
          // PostgreSQL: lock the row so concurrent writers queue instead of racing. SQLite has no FOR UPDATE and needs
          // none: BEGIN IMMEDIATE already holds the database's single write lock.
          .$if(this.driver === 'postgres', (q) => q.forUpdate())
          .executeTakeFirst();
        if (current === undefined) {
          throw new PersistenceError(`order ${clientOrderId} not found`, { reason: 'not_found', clientOrderId });
        }
        const version = Number(current.version);
        if (expectedVersion !== undefined && version !== expectedVersion) {
          throw versionConflict(clientOrderId, expectedVersion, version);
        }
        // The version in the WHERE makes the write conditional: a concurrent writer makes it match no row.
        const row = await trx
          .updateTable('orders')
          .set({ ...changes, updated_at: patch.updatedAt ?? event.createdAt, version: version + 1 })
          .where('client_order_id', '=', clientOrderId)
          .where('version', '=', version)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) return undefined;
        await trx
          .insertInto('order_events')
          .values({
            client_order_id: clientOrderId,
            seq: version + 1,
            type: event.type,
            from_status: current.status,
            to_status: row.status,
            cause: event.cause,
            payload: jsonText(event.payload ?? null),
            created_at: event.createdAt,
          })
          .execute();
        return toOrderRecord(row);
      });
      if (updated !== undefined) return updated;
      if (expectedVersion !== undefined || attempt >= MAX_UPDATE_ATTEMPTS) {
        const now = await this.getOrder(clientOrderId);
        throw versionConflict(clientOrderId, expectedVersion, now?.version);
      }
    }
  }

  async getOrder(clientOrderId: string): Promise<OrderRecord | undefined> {
    const row = await this.#use()
      .selectFrom('orders')
      .selectAll()
      .where('client_order_id', '=', clientOrderId)
      .executeTakeFirst();
    return row === undefined ? undefined : toOrderRecord(row);
  }

  async getOrderByVenueId(venueOrderId: string): Promise<OrderRecord | undefined> {
    const row = await this.#use()
      .selectFrom('orders')
      .selectAll()
      .where('venue_order_id', '=', venueOrderId)
      .executeTakeFirst();
    return row === undefined ? undefined : toOrderRecord(row);
  }

  async listOrders(filter: OrderFilter = {}): Promise<OrderRecord[]> {
    let query = this.#use().selectFrom('orders').selectAll();
    if (filter.statuses !== undefined) {
      if (filter.statuses.length === 0) return [];
      query = query.where('status', 'in', [...filter.statuses]);
    }
    if (filter.symbol !== undefined) query = query.where('symbol', '=', filter.symbol);
    if (filter.strategyId !== undefined) query = query.where('strategy_id', '=', filter.strategyId);
    if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
    const rows = await query.orderBy('created_at').orderBy('client_order_id').execute();
    return rows.map(toOrderRecord);
  }

  listOpenOrders(): Promise<OrderRecord[]> {
    return this.listOrders({ statuses: OPEN_ORDER_STATUSES });
  }

  async orderEvents(clientOrderId: string): Promise<OrderEventRecord[]> {
    const rows = await this.#use()
      .selectFrom('order_events')
      .selectAll()
      .where('client_order_id', '=', clientOrderId)
      .orderBy('seq')
      .execute();
    return rows.map(toOrderEventRecord);
  }

  async recordFill(fill: NewFill): Promise<boolean> {
    const db = this.#use();
    const id = fill.id ?? deriveFillId(fill);
    const row = {
      id,
      client_order_id: fill.clientOrderId,
      symbol: fill.symbol,
      side: fill.side,
      quantity: decimalText(fill.quantity),
      price: decimalText(fill.price),
      fee: decimalText(fill.fee),
      fee_currency: fill.feeCurrency ?? 'USD',
      liquidity: fill.liquidity ?? 'unknown',
      timestamp: fill.timestamp,
    };
    const inserted = await db
      .insertInto('trades')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted !== undefined) return true;
    // Same id seen before: a replay is fine, a different fill under the same id means our books would be wrong.
    const existing = await db.selectFrom('trades').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (!sameFill(toFillRecord(existing), fill)) {
      throw new PersistenceError(`fill ${id} is already recorded with different content`, {
        reason: 'fill_mismatch',
        id,
        clientOrderId: fill.clientOrderId,
      });
    }
    return false;
  }

  fillsForOrder(clientOrderId: string): Promise<FillRecord[]> {
    return this.listFills({ clientOrderId });
  }

  async listFills(filter: FillFilter = {}): Promise<FillRecord[]> {
    let query = this.#use().selectFrom('trades').selectAll();
    if (filter.clientOrderId !== undefined) query = query.where('client_order_id', '=', filter.clientOrderId);
    if (filter.symbol !== undefined) query = query.where('symbol', '=', filter.symbol);
    if (filter.since !== undefined) query = query.where('timestamp', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('timestamp', '<', filter.until);
    const rows = await query.orderBy('timestamp').orderBy('id').execute();
    return rows.map(toFillRecord);
  }

  async upsertPosition(position: PositionRecord): Promise<void> {
    const values = {
      quantity: decimalText(position.quantity),
      average_entry_price: decimalText(position.averageEntryPrice),
      realized_pnl: decimalText(position.realizedPnl),
      fees: decimalText(position.fees),
      updated_at: position.updatedAt,
    };
    await this.#use()
      .insertInto('positions')
      .values({ strategy_id: position.strategyId, symbol: position.symbol, ...values })
      .onConflict((oc) => oc.columns(['strategy_id', 'symbol']).doUpdateSet(values))
      .execute();
  }

  async listPositions(filter: { strategyId?: string; symbol?: string } = {}): Promise<PositionRecord[]> {
    let query = this.#use().selectFrom('positions').selectAll();
    if (filter.strategyId !== undefined) query = query.where('strategy_id', '=', filter.strategyId);
    if (filter.symbol !== undefined) query = query.where('symbol', '=', filter.symbol);
    const rows = await query.orderBy('strategy_id').orderBy('symbol').execute();
    return rows.map(toPositionRecord);
  }

  async appendEquity(point: EquityPoint): Promise<void> {
    const values = {
      equity: decimalText(point.equity),
      cash: decimalText(point.cash),
      positions_value: decimalText(point.positionsValue),
      drawdown: point.drawdown,
    };
    await this.#use()
      .insertInto('equity')
      .values({ timestamp: point.timestamp, scope: point.scope, scope_id: point.scopeId, ...values })
      .onConflict((oc) => oc.columns(['scope', 'scope_id', 'timestamp']).doUpdateSet(values))
      .execute();
  }

  async equityHistory(range: EquityRange = {}): Promise<EquityPoint[]> {
    let query = this.#use().selectFrom('equity').selectAll();
    if (range.scope !== undefined) query = query.where('scope', '=', range.scope);
    if (range.scopeId !== undefined) query = query.where('scope_id', '=', range.scopeId);
    if (range.from !== undefined) query = query.where('timestamp', '>=', range.from);
    if (range.to !== undefined) query = query.where('timestamp', '<', range.to);
    if (range.limit !== undefined) {
      const rows = await query.orderBy('timestamp', 'desc').orderBy('scope_id', 'desc').limit(range.limit).execute();
      return rows.reverse().map(toEquityPoint);
    }
    const rows = await query.orderBy('timestamp').orderBy('scope_id').execute();
    return rows.map(toEquityPoint);
  }

  async saveStrategyState(strategyId: string, state: JsonValue, updatedAt: number): Promise<void> {
    const values = { state: jsonText(state), updated_at: updatedAt };
    await this.#use()
      .insertInto('strategy_state')
      .values({ strategy_id: strategyId, ...values })
      .onConflict((oc) => oc.column('strategy_id').doUpdateSet(values))
      .execute();
  }

  async loadStrategyState(strategyId: string): Promise<StrategyStateRecord | undefined> {
    const row = await this.#use()
      .selectFrom('strategy_state')
      .selectAll()
      .where('strategy_id', '=', strategyId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return { strategyId, state: readJson(row.state, 'strategy_state.state'), updatedAt: readMs(row.updated_at) };
  }

  async appendEvent(event: JournalEventInput): Promise<number> {
    const row = await this.#use()
      .insertInto('events')
      .values({ type: event.type, payload: jsonText(event.payload), created_at: event.createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async listEvents(filter: EventFilter = {}): Promise<JournalEvent[]> {
    let query = this.#use().selectFrom('events').selectAll();
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
    if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
    query = query.orderBy('id');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toJournalEvent);
  }

  async getKv(key: string): Promise<JsonValue | undefined> {
    const row = await this.#use().selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : readJson(row.value, 'kv.value');
  }

  async setKv(key: string, value: JsonValue, updatedAt: number): Promise<void> {
    const values = { value: jsonText(value), updated_at: updatedAt };
    await this.#use()
      .insertInto('kv')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  }

  async deleteKv(key: string): Promise<void> {
    await this.#use().deleteFrom('kv').where('key', '=', key).execute();
  }

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const db = this.#use();
    if (this.#inTransaction) return fn(this); // nested: join the caller's transaction
    return db.transaction().execute(async (trx) => {
      const inner = new SqlStore(this.driver, trx, this.#scope, true);
      const marker = { open: true };
      try {
        return await this.#scope.active.run(marker, () => fn(inner));
      } finally {
        marker.open = false;
        inner.#usable = false; // the transaction is over; later writes through it would escape it
      }
    });
  }

  async close(): Promise<void> {
    if (this.#inTransaction) throw new PersistenceError('close() called on a transaction store; close the outer one');
    if (!this.#usable) return;
    this.#usable = false;
    await this.#scope.destroy();
  }

  /** The connection to use, after refusing calls that would escape or deadlock a transaction. */
  #use(): Db {
    if (!this.#usable) {
      throw new PersistenceError(
        this.#inTransaction ? 'store used after its transaction ended' : 'store used after close()',
        { reason: 'unusable' },
      );
    }
    if (!this.#inTransaction && this.#scope.active.getStore()?.open === true) {
      throw new PersistenceError('the outer store was called inside transaction(fn); use the store passed to fn', {
        reason: 'outside_transaction',
      });
    }
    return this.#db;
  }

  /** Runs `fn` in the current transaction, or in a new one. */
  #atomically<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return fn(db);
    return db.transaction().execute((trx: Transaction<Database>) => fn(trx));
  }
}

function versionConflict(clientOrderId: string, expected: number | undefined, actual: number | undefined) {
  return new PersistenceError(
    `order ${clientOrderId} changed concurrently: expected version ${expected ?? '(latest)'}, found ${actual ?? '(none)'}`,
    { reason: 'version_conflict', clientOrderId, expectedVersion: expected, actualVersion: actual },
  );
}
