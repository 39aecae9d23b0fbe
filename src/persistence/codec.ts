// Row ↔ record mapping. Rows are our own, but a database is still a boundary: every enum and decimal read back is
// checked, and a bad value names its table, column and value.
import { createHash } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { dec, toPlain, type Decimal } from '../core/decimal.ts';
import { PersistenceError, errorMessage } from '../core/errors.ts';
import type { EquityTable, EventsTable, OrderEventsTable, OrdersTable, PositionsTable, TradesTable } from './schema.ts';
import {
  ORDER_SIDES,
  ORDER_STATUSES,
  ORDER_TYPES,
  TIME_IN_FORCES,
  type EquityPoint,
  type EquityScope,
  type FillLiquidity,
  type FillRecord,
  type JournalEvent,
  type JsonValue,
  type NewFill,
  type OrderEventRecord,
  type OrderPatch,
  type OrderRecord,
  type PositionRecord,
  type StoredOrderStatus,
} from './store.ts';

const FILL_LIQUIDITIES = ['maker', 'taker', 'unknown'] as const satisfies readonly FillLiquidity[];
const EQUITY_SCOPES = ['account', 'strategy'] as const satisfies readonly EquityScope[];

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new PersistenceError(`${column} holds "${value}", expected one of ${allowed.join(', ')}`, { column, value });
}

export function decimalText(value: Decimal): string {
  return toPlain(value);
}
export function optionalDecimalText(value: Decimal | null | undefined): string | null {
  return value === null || value === undefined ? null : toPlain(value);
}

function readDecimal(value: string | number, column: string): Decimal {
  try {
    return dec(typeof value === 'number' ? String(value) : value);
  } catch (err) {
    throw new PersistenceError(
      `${column} holds "${String(value)}", expected a decimal`,
      { column, value },
      { cause: err },
    );
  }
}
function readOptionalDecimal(value: string | number | null, column: string): Decimal | null {
  return value === null ? null : readDecimal(value, column);
}

/** pg hands back int8 as text unless told otherwise; SQLite as a number. Both become ms numbers. */
export function readMs(value: number | string | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new PersistenceError(`not an integer timestamp: ${String(value)}`, { value });
  return n;
}
function readOptionalMs(value: number | string | null): number | null {
  return value === null ? null : readMs(value);
}

export function jsonText(value: JsonValue): string {
  return JSON.stringify(value);
}
export function readJson(text: string, column: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new PersistenceError(`${column} holds invalid JSON: ${errorMessage(err)}`, { column }, { cause: err });
  }
}

export function toOrderRecord(row: Selectable<OrdersTable>): OrderRecord {
  return {
    clientOrderId: row.client_order_id,
    venueOrderId: row.venue_order_id,
    accountNumber: row.account_number,
    strategyId: row.strategy_id,
    symbol: row.symbol,
    side: oneOf(ORDER_SIDES, row.side, 'orders.side'),
    type: oneOf(ORDER_TYPES, row.type, 'orders.type'),
    timeInForce: oneOf(TIME_IN_FORCES, row.time_in_force, 'orders.time_in_force'),
    quantity: readOptionalDecimal(row.quantity, 'orders.quantity'),
    quoteAmount: readOptionalDecimal(row.quote_amount, 'orders.quote_amount'),
    limitPrice: readOptionalDecimal(row.limit_price, 'orders.limit_price'),
    stopPrice: readOptionalDecimal(row.stop_price, 'orders.stop_price'),
    status: readStatus(row.status, 'orders.status'),
    filledQuantity: readDecimal(row.filled_quantity, 'orders.filled_quantity'),
    averageFillPrice: readOptionalDecimal(row.average_fill_price, 'orders.average_fill_price'),
    fees: readDecimal(row.fees, 'orders.fees'),
    reason: row.reason,
    createdAt: readMs(row.created_at),
    updatedAt: readMs(row.updated_at),
    submittedAt: readOptionalMs(row.submitted_at),
    version: Number(row.version),
  };
}

export function readStatus(value: string, column: string): StoredOrderStatus {
  return oneOf(ORDER_STATUSES, value, column);
}

export function toOrderEventRecord(row: Selectable<OrderEventsTable>): OrderEventRecord {
  return {
    id: Number(row.id),
    clientOrderId: row.client_order_id,
    seq: Number(row.seq),
    type: row.type,
    fromStatus: row.from_status === null ? null : readStatus(row.from_status, 'order_events.from_status'),
    toStatus: readStatus(row.to_status, 'order_events.to_status'),
    cause: row.cause,
    payload: readJson(row.payload, 'order_events.payload'),
    createdAt: readMs(row.created_at),
  };
}

export function toFillRecord(row: Selectable<TradesTable>): FillRecord {
  return {
    id: row.id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: oneOf(ORDER_SIDES, row.side, 'trades.side'),
    quantity: readDecimal(row.quantity, 'trades.quantity'),
    price: readDecimal(row.price, 'trades.price'),
    fee: readDecimal(row.fee, 'trades.fee'),
    feeCurrency: row.fee_currency,
    liquidity: oneOf(FILL_LIQUIDITIES, row.liquidity, 'trades.liquidity'),
    timestamp: readMs(row.timestamp),
  };
}

export function toPositionRecord(row: Selectable<PositionsTable>): PositionRecord {
  return {
    strategyId: row.strategy_id,
    symbol: row.symbol,
    quantity: readDecimal(row.quantity, 'positions.quantity'),
    averageEntryPrice: readDecimal(row.average_entry_price, 'positions.average_entry_price'),
    realizedPnl: readDecimal(row.realized_pnl, 'positions.realized_pnl'),
    fees: readDecimal(row.fees, 'positions.fees'),
    updatedAt: readMs(row.updated_at),
  };
}

export function toEquityPoint(row: Selectable<EquityTable>): EquityPoint {
  return {
    timestamp: readMs(row.timestamp),
    scope: oneOf(EQUITY_SCOPES, row.scope, 'equity.scope'),
    scopeId: row.scope_id,
    equity: readDecimal(row.equity, 'equity.equity'),
    cash: readDecimal(row.cash, 'equity.cash'),
    positionsValue: readDecimal(row.positions_value, 'equity.positions_value'),
    drawdown: Number(row.drawdown),
  };
}

export function toJournalEvent(row: Selectable<EventsTable>): JournalEvent {
  return {
    id: Number(row.id),
    type: row.type,
    payload: readJson(row.payload, 'events.payload'),
    createdAt: readMs(row.created_at),
  };
}

export interface FillIdParts {
  clientOrderId: string;
  timestamp: number;
  quantity: Decimal;
  price: Decimal;
  /** Position of the execution in the venue's list for the order: tells apart two executions that look alike. */
  index?: number;
}

/**
 * A stable id for a fill the venue gave no id (Robinhood's executions have none): the same execution always maps to
 * the same id, so recording it again after a restart is a no-op. Decimals are normalised ("1.50" = "1.5").
 */
export function deriveFillId(parts: FillIdParts): string {
  const text = [
    parts.clientOrderId,
    String(parts.timestamp),
    toPlain(parts.quantity),
    toPlain(parts.price),
    String(parts.index ?? 0),
  ].join('|');
  return `derived-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** The columns an order patch changes (only those it names). */
export function patchRow(patch: OrderPatch): Updateable<OrdersTable> {
  const row: Updateable<OrdersTable> = {};
  if (patch.venueOrderId !== undefined) row.venue_order_id = patch.venueOrderId;
  if (patch.quantity !== undefined) row.quantity = optionalDecimalText(patch.quantity);
  if (patch.quoteAmount !== undefined) row.quote_amount = optionalDecimalText(patch.quoteAmount);
  if (patch.limitPrice !== undefined) row.limit_price = optionalDecimalText(patch.limitPrice);
  if (patch.stopPrice !== undefined) row.stop_price = optionalDecimalText(patch.stopPrice);
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.filledQuantity !== undefined) row.filled_quantity = decimalText(patch.filledQuantity);
  if (patch.averageFillPrice !== undefined) row.average_fill_price = optionalDecimalText(patch.averageFillPrice);
  if (patch.fees !== undefined) row.fees = decimalText(patch.fees);
  if (patch.reason !== undefined) row.reason = patch.reason;
  if (patch.submittedAt !== undefined) row.submitted_at = patch.submittedAt;
  return row;
}

/** Same execution: what the books depend on matches (liquidity and fee currency are informational). */
export function sameFill(a: FillRecord, b: NewFill): boolean {
  return (
    a.clientOrderId === b.clientOrderId &&
    a.symbol === b.symbol &&
    a.side === b.side &&
    a.quantity.eq(b.quantity) &&
    a.price.eq(b.price) &&
    a.fee.eq(b.fee) &&
    a.timestamp === b.timestamp
  );
}
