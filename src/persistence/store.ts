// The port the engines write through: orders and their journal, fills, positions, equity, strategy state,
// generic events and a small key-value space. Implemented once over kysely for SQLite and PostgreSQL.
// Record types are the store's own (the engines map their model objects onto them); money is always Decimal.
import type { Decimal } from '../core/decimal.ts';
import { PersistenceError } from '../core/errors.ts';

// Same string unions as the model contract (src/model/order.ts); kept here so the store does not depend on the model.
export type StoredOrderSide = 'buy' | 'sell';
export type StoredOrderType = 'market' | 'limit' | 'stop_loss' | 'stop_limit';
export type StoredTimeInForce = 'gtc' | 'ioc' | 'fok' | 'gfd';
export type StoredOrderStatus =
  'created' | 'submitted' | 'open' | 'partially_filled' | 'filled' | 'canceled' | 'failed' | 'rejected' | 'unknown';

export const ORDER_SIDES = ['buy', 'sell'] as const satisfies readonly StoredOrderSide[];
export const ORDER_TYPES = ['market', 'limit', 'stop_loss', 'stop_limit'] as const satisfies readonly StoredOrderType[];
export const TIME_IN_FORCES = ['gtc', 'ioc', 'fok', 'gfd'] as const satisfies readonly StoredTimeInForce[];
export const ORDER_STATUSES = [
  'created',
  'submitted',
  'open',
  'partially_filled',
  'filled',
  'canceled',
  'failed',
  'rejected',
  'unknown',
] as const satisfies readonly StoredOrderStatus[];
/** Statuses from which an order never moves again. Everything else counts as open (the venue may still act on it). */
export const TERMINAL_ORDER_STATUSES = [
  'filled',
  'canceled',
  'failed',
  'rejected',
] as const satisfies readonly StoredOrderStatus[];
export const OPEN_ORDER_STATUSES = [
  'created',
  'submitted',
  'open',
  'partially_filled',
  'unknown',
] as const satisfies readonly StoredOrderStatus[];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface OrderRecord {
  clientOrderId: string;
  venueOrderId: string | null;
  accountNumber: string;
  strategyId: string;
  symbol: string;
  side: StoredOrderSide;
  type: StoredOrderType;
  timeInForce: StoredTimeInForce;
  /** Asset quantity; null for an order sized by `quoteAmount` only. */
  quantity: Decimal | null;
  quoteAmount: Decimal | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  status: StoredOrderStatus;
  filledQuantity: Decimal;
  averageFillPrice: Decimal | null;
  fees: Decimal;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  /** Starts at 1 and grows by one with every update; equals the `seq` of the order's latest journal event. */
  version: number;
}

/** What `recordOrderIntent` needs; the rest defaults (status 'created', nothing filled, version 1). */
export type NewOrder = Pick<
  OrderRecord,
  'clientOrderId' | 'accountNumber' | 'strategyId' | 'symbol' | 'side' | 'type' | 'timeInForce' | 'createdAt'
> &
  Partial<
    Pick<
      OrderRecord,
      | 'venueOrderId'
      | 'quantity'
      | 'quoteAmount'
      | 'limitPrice'
      | 'stopPrice'
      | 'status'
      | 'filledQuantity'
      | 'averageFillPrice'
      | 'fees'
      | 'reason'
      | 'updatedAt'
      | 'submittedAt'
    >
  >;

/** Fields an update may change. `updatedAt` defaults to the event's `createdAt`. */
export type OrderPatch = Partial<
  Pick<
    OrderRecord,
    | 'venueOrderId'
    | 'quantity'
    | 'quoteAmount'
    | 'limitPrice'
    | 'stopPrice'
    | 'status'
    | 'filledQuantity'
    | 'averageFillPrice'
    | 'fees'
    | 'reason'
    | 'updatedAt'
    | 'submittedAt'
  >
>;

/** A journal entry to append with an order change: what happened (`type`) and why (`cause`). */
export interface OrderEventInput {
  type: string;
  cause: string;
  payload?: JsonValue;
  createdAt: number;
}

export interface OrderEventRecord {
  id: number;
  clientOrderId: string;
  /** 1, 2, 3… per order, in the order the changes were committed. */
  seq: number;
  type: string;
  fromStatus: StoredOrderStatus | null;
  toStatus: StoredOrderStatus;
  cause: string;
  payload: JsonValue;
  createdAt: number;
}

export interface OrderFilter {
  statuses?: readonly StoredOrderStatus[];
  symbol?: string;
  strategyId?: string;
  /** Orders created at or after this time (ms). */
  since?: number;
}

export type FillLiquidity = 'maker' | 'taker' | 'unknown';

export interface FillRecord {
  /** The venue's execution id, or a stable id derived from the fill (see `deriveFillId`). */
  id: string;
  clientOrderId: string;
  symbol: string;
  side: StoredOrderSide;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  feeCurrency: string;
  liquidity: FillLiquidity;
  timestamp: number;
}

/** A fill to record; without an `id` one is derived from its content so that replays stay idempotent. */
export type NewFill = Omit<FillRecord, 'id' | 'liquidity' | 'feeCurrency'> &
  Partial<Pick<FillRecord, 'id' | 'liquidity' | 'feeCurrency'>>;

export interface FillFilter {
  clientOrderId?: string;
  symbol?: string;
  /** Fills at or after this time (ms). */
  since?: number;
  /** Fills before this time (ms). */
  until?: number;
}

export interface PositionRecord {
  strategyId: string;
  symbol: string;
  quantity: Decimal;
  averageEntryPrice: Decimal;
  realizedPnl: Decimal;
  fees: Decimal;
  updatedAt: number;
}

export type EquityScope = 'account' | 'strategy';

export interface EquityPoint {
  timestamp: number;
  scope: EquityScope;
  /** Account number or strategy id. */
  scopeId: string;
  equity: Decimal;
  cash: Decimal;
  positionsValue: Decimal;
  /** Fraction below the running peak (0.1 = 10 %); a float is enough for a ratio. */
  drawdown: number;
}

export interface EquityRange {
  scope?: EquityScope;
  scopeId?: string;
  /** Inclusive, ms. */
  from?: number;
  /** Exclusive, ms. */
  to?: number;
  /** The last `limit` points of the range (still returned oldest first). */
  limit?: number;
}

export interface StrategyStateRecord {
  strategyId: string;
  state: JsonValue;
  updatedAt: number;
}

export interface JournalEventInput {
  type: string;
  payload: JsonValue;
  createdAt: number;
}

export interface JournalEvent extends JournalEventInput {
  id: number;
}

export interface EventFilter {
  type?: string;
  /** Events with an id greater than this one (for tailing the journal). */
  afterId?: number;
  since?: number;
  limit?: number;
}

export interface Store {
  readonly driver: StoreDriver;

  /** Inserts the order and its first journal event in one transaction: once this resolves the intent is durable. */
  recordOrderIntent(order: NewOrder, event?: Partial<OrderEventInput>): Promise<OrderRecord>;
  /**
   * Applies `patch` and appends `event` atomically. With `expectedVersion`, throws a PersistenceError
   * (`details.reason = 'version_conflict'`) when someone else changed the order first.
   */
  updateOrder(
    clientOrderId: string,
    patch: OrderPatch,
    event: OrderEventInput,
    expectedVersion?: number,
  ): Promise<OrderRecord>;
  getOrder(clientOrderId: string): Promise<OrderRecord | undefined>;
  getOrderByVenueId(venueOrderId: string): Promise<OrderRecord | undefined>;
  /** Oldest first. */
  listOrders(filter?: OrderFilter): Promise<OrderRecord[]>;
  /** Every order that is not terminal, including created, submitted and unknown ones; oldest first. */
  listOpenOrders(): Promise<OrderRecord[]>;
  /** The order's journal in `seq` order. */
  orderEvents(clientOrderId: string): Promise<OrderEventRecord[]>;

  /** Returns false (and changes nothing) when a fill with the same id is already recorded. */
  recordFill(fill: NewFill): Promise<boolean>;
  fillsForOrder(clientOrderId: string): Promise<FillRecord[]>;
  listFills(filter?: FillFilter): Promise<FillRecord[]>;

  upsertPosition(position: PositionRecord): Promise<void>;
  listPositions(filter?: { strategyId?: string; symbol?: string }): Promise<PositionRecord[]>;

  /** Writing the same (scope, scopeId, timestamp) twice replaces the point, so replays are harmless. */
  appendEquity(point: EquityPoint): Promise<void>;
  equityHistory(range?: EquityRange): Promise<EquityPoint[]>;

  saveStrategyState(strategyId: string, state: JsonValue, updatedAt: number): Promise<void>;
  loadStrategyState(strategyId: string): Promise<StrategyStateRecord | undefined>;

  appendEvent(event: JournalEventInput): Promise<number>;
  listEvents(filter?: EventFilter): Promise<JournalEvent[]>;

  getKv(key: string): Promise<JsonValue | undefined>;
  setKv(key: string, value: JsonValue, updatedAt: number): Promise<void>;
  deleteKv(key: string): Promise<void>;

  /**
   * Runs `fn` in one transaction: everything it writes through the store it is given commits together or not at all.
   * Use only that store inside `fn`; calling the outer one there throws (on SQLite it would wait for itself).
   */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** 'memory' keeps everything in the process (backtests, tests): fast, gone when the process ends. */
export type StoreDriver = 'sqlite' | 'postgres' | 'memory';
export type SqlDriver = Exclude<StoreDriver, 'memory'>;

export function isVersionConflict(err: unknown): err is PersistenceError {
  return err instanceof PersistenceError && err.details.reason === 'version_conflict';
}
