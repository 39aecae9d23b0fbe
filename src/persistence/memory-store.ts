// The Store in process memory: the same contract as the SQL store without a database, for backtests, optimizer runs
// and tests, where nothing must outlive the process and a journal write must cost microseconds, not a query.
// Transactions are atomic (an undo log rolls back every write of a failed one) but not isolated: a call on the outer
// store while a transaction is open sees its writes. Writers in the engine are serialised per order already.
/* eslint-disable @typescript-eslint/require-await -- async so that every failure is a rejection, as in the SQL store */
import { ZERO } from '../core/decimal.ts';
import { PersistenceError } from '../core/errors.ts';
import { deriveFillId, sameFill } from './codec.ts';
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
  type StoreDriver,
  type StrategyStateRecord,
} from './store.ts';

type Undo = () => void;

/**
 * Payloads are kept as their JSON text, as the SQL store does: later changes to the caller's object do not leak in.
 * A database created with `copyPayloads: false` keeps journal payloads (order events, events) as the objects
 * themselves, for writers that never change one after writing it (the backtester): the copy is most of a write's cost.
 */
type Kept = string | { readonly object: JsonValue };

interface StoredEvent {
  readonly record: Omit<OrderEventRecord, 'payload'>;
  readonly payload: Kept;
}

export interface MemoryDatabaseOptions {
  /** Copy JSON payloads on write (default true). */
  readonly copyPayloads?: boolean;
}

/** The tables. Several stores may be opened on one database, like several connections to one file. */
export class MemoryDatabase {
  readonly copyPayloads: boolean;
  readonly orders = new Map<string, OrderRecord>();
  readonly byVenueId = new Map<string, string>();
  readonly orderEvents = new Map<string, StoredEvent[]>();
  readonly fills = new Map<string, FillRecord>();
  readonly fillsByOrder = new Map<string, string[]>();
  readonly positions = new Map<string, PositionRecord>();
  readonly equity = new Map<string, EquityPoint>();
  // Strategy state and key-values are always copied: their writers may keep changing the objects they saved.
  readonly strategyState = new Map<string, { state: string; updatedAt: number }>();
  readonly events: { id: number; type: string; payload: Kept; createdAt: number }[] = [];
  readonly kv = new Map<string, { value: string; updatedAt: number }>();
  nextOrderEventId = 1;

  constructor(options: MemoryDatabaseOptions = {}) {
    this.copyPayloads = options.copyPayloads ?? true;
  }

  keep(value: JsonValue): Kept {
    return this.copyPayloads ? JSON.stringify(value) : { object: value };
  }

  /** Row counts by the SQL table names (what a test reads to check that nothing half-written remains). */
  rowCount(table: string): number {
    switch (table) {
      case 'orders':
        return this.orders.size;
      case 'order_events':
        return [...this.orderEvents.values()].reduce((n, list) => n + list.length, 0);
      case 'trades':
        return this.fills.size;
      case 'positions':
        return this.positions.size;
      case 'equity':
        return this.equity.size;
      case 'strategy_state':
        return this.strategyState.size;
      case 'events':
        return this.events.length;
      case 'kv':
        return this.kv.size;
      default:
        throw new PersistenceError(`no table ${table}`, { table });
    }
  }
}

export class MemoryStore implements Store {
  readonly driver: StoreDriver = 'memory';
  readonly #db: MemoryDatabase;
  /** Set on a transaction's store: where its writes record how to undo themselves. */
  readonly #undo: Undo[] | undefined;
  #usable = true;

  constructor(db: MemoryDatabase = new MemoryDatabase(), undo?: Undo[]) {
    this.#db = db;
    this.#undo = undo;
  }

  get database(): MemoryDatabase {
    return this.#db;
  }

  async recordOrderIntent(order: NewOrder, event: Partial<OrderEventInput> = {}): Promise<OrderRecord> {
    const db = this.#use();
    if (db.orders.has(order.clientOrderId)) {
      throw failure(`order ${order.clientOrderId} already exists`, {
        reason: 'duplicate',
        clientOrderId: order.clientOrderId,
      });
    }
    const record: OrderRecord = {
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId ?? null,
      accountNumber: order.accountNumber,
      strategyId: order.strategyId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      timeInForce: order.timeInForce,
      quantity: order.quantity ?? null,
      quoteAmount: order.quoteAmount ?? null,
      limitPrice: order.limitPrice ?? null,
      stopPrice: order.stopPrice ?? null,
      status: order.status ?? 'created',
      filledQuantity: order.filledQuantity ?? ZERO,
      averageFillPrice: order.averageFillPrice ?? null,
      fees: order.fees ?? ZERO,
      reason: order.reason ?? null,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt ?? order.createdAt,
      submittedAt: order.submittedAt ?? null,
      version: 1,
    };
    this.#putOrder(record);
    this.#pushEvent(record.clientOrderId, {
      type: event.type ?? 'OrderIntent',
      fromStatus: null,
      toStatus: record.status,
      cause: event.cause ?? 'intent',
      payload: event.payload ?? null,
      createdAt: event.createdAt ?? record.createdAt,
    });
    return { ...record };
  }

  async updateOrder(
    clientOrderId: string,
    patch: OrderPatch,
    event: OrderEventInput,
    expectedVersion?: number,
  ): Promise<OrderRecord> {
    const db = this.#use();
    const current = db.orders.get(clientOrderId);
    if (current === undefined) {
      throw failure(`order ${clientOrderId} not found`, { reason: 'not_found', clientOrderId });
    }
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw failure(
        `order ${clientOrderId} changed concurrently: expected version ${expectedVersion}, found ${current.version}`,
        { reason: 'version_conflict', clientOrderId, expectedVersion, actualVersion: current.version },
      );
    }
    // Field by field (an undefined patch field keeps the current value): a spread plus keyed writes would turn the
    // record into a slow dictionary-mode object, and this runs on every order change.
    const next: OrderRecord = {
      clientOrderId: current.clientOrderId,
      venueOrderId: patch.venueOrderId !== undefined ? patch.venueOrderId : current.venueOrderId,
      accountNumber: current.accountNumber,
      strategyId: current.strategyId,
      symbol: current.symbol,
      side: current.side,
      type: current.type,
      timeInForce: current.timeInForce,
      quantity: patch.quantity !== undefined ? patch.quantity : current.quantity,
      quoteAmount: patch.quoteAmount !== undefined ? patch.quoteAmount : current.quoteAmount,
      limitPrice: patch.limitPrice !== undefined ? patch.limitPrice : current.limitPrice,
      stopPrice: patch.stopPrice !== undefined ? patch.stopPrice : current.stopPrice,
      status: patch.status ?? current.status,
      filledQuantity: patch.filledQuantity ?? current.filledQuantity,
      averageFillPrice: patch.averageFillPrice !== undefined ? patch.averageFillPrice : current.averageFillPrice,
      fees: patch.fees ?? current.fees,
      reason: patch.reason !== undefined ? patch.reason : current.reason,
      createdAt: current.createdAt,
      updatedAt: patch.updatedAt ?? event.createdAt,
      submittedAt: patch.submittedAt !== undefined ? patch.submittedAt : current.submittedAt,
      version: current.version + 1,
    };
    this.#putOrder(next, current);
    this.#pushEvent(clientOrderId, {
      type: event.type,
      fromStatus: current.status,
      toStatus: next.status,
      cause: event.cause,
      payload: event.payload ?? null,
      createdAt: event.createdAt,
    });
    return { ...next };
  }

  async getOrder(clientOrderId: string): Promise<OrderRecord | undefined> {
    const record = this.#use().orders.get(clientOrderId);
    return record === undefined ? undefined : { ...record };
  }

  async getOrderByVenueId(venueOrderId: string): Promise<OrderRecord | undefined> {
    const db = this.#use();
    const id = db.byVenueId.get(venueOrderId);
    const record = id === undefined ? undefined : db.orders.get(id);
    return record === undefined ? undefined : { ...record };
  }

  async listOrders(filter: OrderFilter = {}): Promise<OrderRecord[]> {
    const db = this.#use();
    const statuses = filter.statuses === undefined ? undefined : new Set(filter.statuses);
    const out: OrderRecord[] = [];
    for (const o of db.orders.values()) {
      if (statuses !== undefined && !statuses.has(o.status)) continue;
      if (filter.symbol !== undefined && o.symbol !== filter.symbol) continue;
      if (filter.strategyId !== undefined && o.strategyId !== filter.strategyId) continue;
      if (filter.since !== undefined && o.createdAt < filter.since) continue;
      out.push({ ...o });
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || compareText(a.clientOrderId, b.clientOrderId));
  }

  async listOpenOrders(): Promise<OrderRecord[]> {
    return this.listOrders({ statuses: OPEN_ORDER_STATUSES });
  }

  async orderEvents(clientOrderId: string): Promise<OrderEventRecord[]> {
    const list = this.#use().orderEvents.get(clientOrderId) ?? [];
    return list.map((e) => ({ ...e.record, payload: read(e.payload) }));
  }

  async recordFill(fill: NewFill): Promise<boolean> {
    const db = this.#use();
    const id = fill.id ?? deriveFillId(fill);
    const existing = db.fills.get(id);
    if (existing !== undefined) {
      // Same id seen before: a replay is fine, a different fill under the same id means our books would be wrong.
      if (!sameFill(existing, fill)) {
        throw failure(`fill ${id} is already recorded with different content`, {
          reason: 'fill_mismatch',
          id,
          clientOrderId: fill.clientOrderId,
        });
      }
      return false;
    }
    if (!db.orders.has(fill.clientOrderId)) {
      throw failure(`fill ${id} names order ${fill.clientOrderId}, which is not recorded`, {
        reason: 'foreign_key',
        id,
        clientOrderId: fill.clientOrderId,
      });
    }
    const record: FillRecord = {
      id,
      clientOrderId: fill.clientOrderId,
      symbol: fill.symbol,
      side: fill.side,
      quantity: fill.quantity,
      price: fill.price,
      fee: fill.fee,
      feeCurrency: fill.feeCurrency ?? 'USD',
      liquidity: fill.liquidity ?? 'unknown',
      timestamp: fill.timestamp,
    };
    db.fills.set(id, record);
    const ids = db.fillsByOrder.get(fill.clientOrderId) ?? [];
    ids.push(id);
    db.fillsByOrder.set(fill.clientOrderId, ids);
    this.#undo?.push(() => {
      db.fills.delete(id);
      ids.splice(ids.indexOf(id), 1);
    });
    return true;
  }

  async fillsForOrder(clientOrderId: string): Promise<FillRecord[]> {
    const db = this.#use();
    const ids = db.fillsByOrder.get(clientOrderId) ?? [];
    const fills = ids.map((id) => db.fills.get(id)).filter((f): f is FillRecord => f !== undefined);
    return fills.map((f) => ({ ...f })).sort(byTimeThenId);
  }

  async listFills(filter: FillFilter = {}): Promise<FillRecord[]> {
    const { clientOrderId, symbol, since, until } = filter;
    if (clientOrderId !== undefined && symbol === undefined && since === undefined && until === undefined) {
      return this.fillsForOrder(clientOrderId);
    }
    const out: FillRecord[] = [];
    for (const f of this.#use().fills.values()) {
      if (filter.clientOrderId !== undefined && f.clientOrderId !== filter.clientOrderId) continue;
      if (filter.symbol !== undefined && f.symbol !== filter.symbol) continue;
      if (filter.since !== undefined && f.timestamp < filter.since) continue;
      if (filter.until !== undefined && f.timestamp >= filter.until) continue;
      out.push({ ...f });
    }
    return out.sort(byTimeThenId);
  }

  async upsertPosition(position: PositionRecord): Promise<void> {
    const db = this.#use();
    const key = `${position.strategyId}\u0000${position.symbol}`;
    this.#set(db.positions, key, { ...position });
    return;
  }

  async listPositions(filter: { strategyId?: string; symbol?: string } = {}): Promise<PositionRecord[]> {
    const out: PositionRecord[] = [];
    for (const p of this.#use().positions.values()) {
      if (filter.strategyId !== undefined && p.strategyId !== filter.strategyId) continue;
      if (filter.symbol !== undefined && p.symbol !== filter.symbol) continue;
      out.push({ ...p });
    }
    return out.sort((a, b) => compareText(a.strategyId, b.strategyId) || compareText(a.symbol, b.symbol));
  }

  async appendEquity(point: EquityPoint): Promise<void> {
    const db = this.#use();
    this.#set(db.equity, `${point.scope}\u0000${point.scopeId}\u0000${point.timestamp}`, { ...point });
    return;
  }

  async equityHistory(range: EquityRange = {}): Promise<EquityPoint[]> {
    const out: EquityPoint[] = [];
    for (const p of this.#use().equity.values()) {
      if (range.scope !== undefined && p.scope !== range.scope) continue;
      if (range.scopeId !== undefined && p.scopeId !== range.scopeId) continue;
      if (range.from !== undefined && p.timestamp < range.from) continue;
      if (range.to !== undefined && p.timestamp >= range.to) continue;
      out.push({ ...p });
    }
    out.sort((a, b) => a.timestamp - b.timestamp || compareText(a.scopeId, b.scopeId));
    return range.limit === undefined ? out : out.slice(Math.max(0, out.length - range.limit));
  }

  async saveStrategyState(strategyId: string, state: JsonValue, updatedAt: number): Promise<void> {
    const db = this.#use();
    this.#set(db.strategyState, strategyId, { state: JSON.stringify(state), updatedAt });
    return;
  }

  async loadStrategyState(strategyId: string): Promise<StrategyStateRecord | undefined> {
    const row = this.#use().strategyState.get(strategyId);
    return row === undefined ? undefined : { strategyId, state: read(row.state), updatedAt: row.updatedAt };
  }

  async appendEvent(event: JournalEventInput): Promise<number> {
    const db = this.#use();
    const id = db.events.length + 1;
    db.events.push({ id, type: event.type, payload: db.keep(event.payload), createdAt: event.createdAt });
    this.#undo?.push(() => void db.events.pop());
    return id;
  }

  async listEvents(filter: EventFilter = {}): Promise<JournalEvent[]> {
    const out: JournalEvent[] = [];
    for (const e of this.#use().events) {
      if (filter.type !== undefined && e.type !== filter.type) continue;
      if (filter.afterId !== undefined && e.id <= filter.afterId) continue;
      if (filter.since !== undefined && e.createdAt < filter.since) continue;
      out.push({ id: e.id, type: e.type, payload: read(e.payload), createdAt: e.createdAt });
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
    return out;
  }

  async getKv(key: string): Promise<JsonValue | undefined> {
    const row = this.#use().kv.get(key);
    return row === undefined ? undefined : read(row.value);
  }

  async setKv(key: string, value: JsonValue, updatedAt: number): Promise<void> {
    this.#set(this.#use().kv, key, { value: JSON.stringify(value), updatedAt });
    return;
  }

  async deleteKv(key: string): Promise<void> {
    const db = this.#use();
    const before = db.kv.get(key);
    if (before !== undefined) {
      db.kv.delete(key);
      this.#undo?.push(() => db.kv.set(key, before));
    }
    return;
  }

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    this.#use();
    if (this.#undo !== undefined) return fn(this); // nested: join the caller's transaction
    const undo: Undo[] = [];
    const inner = new MemoryStore(this.#db, undo);
    try {
      return await fn(inner);
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) (undo[i] as Undo)();
      throw err;
    } finally {
      inner.#usable = false; // the transaction is over; later writes through it would escape it
    }
  }

  async close(): Promise<void> {
    if (this.#undo !== undefined) {
      throw failure('close() called on a transaction store; close the outer one', { reason: 'in_transaction' });
    }
    this.#usable = false;
    return;
  }

  #use(): MemoryDatabase {
    if (!this.#usable) {
      throw new PersistenceError(
        this.#undo !== undefined ? 'store used after its transaction ended' : 'store used after close()',
        { reason: 'unusable' },
      );
    }
    return this.#db;
  }

  #putOrder(record: OrderRecord, before?: OrderRecord): void {
    const db = this.#db;
    db.orders.set(record.clientOrderId, record);
    if (record.venueOrderId !== null) db.byVenueId.set(record.venueOrderId, record.clientOrderId);
    this.#undo?.push(() => {
      if (record.venueOrderId !== null && record.venueOrderId !== before?.venueOrderId) {
        db.byVenueId.delete(record.venueOrderId);
      }
      if (before === undefined) db.orders.delete(record.clientOrderId);
      else db.orders.set(record.clientOrderId, before);
    });
  }

  #pushEvent(clientOrderId: string, e: Omit<OrderEventRecord, 'id' | 'clientOrderId' | 'seq'>): void {
    const db = this.#db;
    let list = db.orderEvents.get(clientOrderId);
    if (list === undefined) {
      list = [];
      db.orderEvents.set(clientOrderId, list);
    }
    list.push({
      record: {
        id: db.nextOrderEventId++,
        clientOrderId,
        seq: list.length + 1,
        type: e.type,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        cause: e.cause,
        createdAt: e.createdAt,
      },
      payload: db.keep(e.payload),
    });
    const events = list;
    this.#undo?.push(() => {
      events.pop();
      if (events.length === 0) db.orderEvents.delete(clientOrderId);
    });
  }

  #set<V>(map: Map<string, V>, key: string, value: V): void {
    const before = map.get(key);
    map.set(key, value);
    this.#undo?.push(() => {
      if (before === undefined) map.delete(key);
      else map.set(key, before);
    });
  }
}

/** Opens a memory store (the `memory` driver of openStore). */
export function openMemoryStore(db?: MemoryDatabase): Store {
  return new MemoryStore(db);
}

function failure(message: string, details: Record<string, unknown>): PersistenceError {
  return new PersistenceError(message, details);
}

function read(kept: Kept): JsonValue {
  return typeof kept === 'string' ? (JSON.parse(kept) as JsonValue) : kept.object;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byTimeThenId = (a: FillRecord, b: FillRecord): number => a.timestamp - b.timestamp || compareText(a.id, b.id);
