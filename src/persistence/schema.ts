// Row shapes as kysely sees them. Decimals are exact text (SQLite TEXT, PostgreSQL NUMERIC both come back as
// strings); timestamps are integer ms (our pg pool parses int8 to number); JSON is text on both.
import type { Generated } from 'kysely';

export interface OrdersTable {
  client_order_id: string;
  venue_order_id: string | null;
  account_number: string;
  strategy_id: string;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  quantity: string | null;
  quote_amount: string | null;
  limit_price: string | null;
  stop_price: string | null;
  status: string;
  filled_quantity: string;
  average_fill_price: string | null;
  fees: string;
  reason: string | null;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  version: number;
}

export interface OrderEventsTable {
  id: Generated<number>;
  client_order_id: string;
  seq: number;
  type: string;
  from_status: string | null;
  to_status: string;
  cause: string;
  payload: string;
  created_at: number;
}

export interface TradesTable {
  id: string;
  client_order_id: string;
  symbol: string;
  side: string;
  quantity: string;
  price: string;
  fee: string;
  fee_currency: string;
  liquidity: string;
  timestamp: number;
}

export interface PositionsTable {
  strategy_id: string;
  symbol: string;
  quantity: string;
  average_entry_price: string;
  realized_pnl: string;
  fees: string;
  updated_at: number;
}

export interface EquityTable {
  timestamp: number;
  scope: string;
  scope_id: string;
  equity: string;
  cash: string;
  positions_value: string;
  drawdown: number;
}

export interface StrategyStateTable {
  strategy_id: string;
  state: string;
  updated_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  type: string;
  payload: string;
  created_at: number;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface Database {
  orders: OrdersTable;
  order_events: OrderEventsTable;
  trades: TradesTable;
  positions: PositionsTable;
  equity: EquityTable;
  strategy_state: StrategyStateTable;
  events: EventsTable;
  kv: KvTable;
}
