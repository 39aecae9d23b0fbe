// Response bodies in Robinhood's shapes and quoting (reference §5): order decimals as strings padded to 18 places,
// holdings, fees and estimates as bare JSON numbers, best bid/ask as plain strings. Bare numbers are written from
// exact decimal text through lossless-json, never through a float.
import { LosslessNumber, stringify } from 'lossless-json';
import { roundDown, toFixedPlaces, toPlain, ZERO, type Decimal } from '../../core/decimal.ts';
import { availableQuantity, buyingPower, totalQuantity, type FeeStatus, type SimAccount } from './ledger.ts';
import { averagePrice, isTerminal, remainingQuantity, type SimOrder } from './order.ts';
import type { SimPair } from './pairs.ts';

export type Json = string | number | boolean | null | LosslessNumber | Json[] | { [key: string]: Json };

export function toJson(value: Json): string {
  return stringify(value) ?? 'null';
}

/** Order decimals: "0.000100000000000000". */
export const padded = (d: Decimal): string => toFixedPlaces(d, 18);

/** A bare JSON number written like a Python float (always with a fraction: 0.0, 12.5). */
export function bare(d: Decimal): LosslessNumber {
  const text = toPlain(d);
  return new LosslessNumber(text.includes('.') ? text : `${text}.0`);
}

/** ISO 8601 with microseconds and a fixed UTC offset, as orders carry (observed "-04:00"). */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}000${sign}${hh}:${mm}`;
}

/** UTC with nanoseconds, as best bid/ask rows carry. */
export function isoNanos(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000000Z`;
}

export function accountV1(account: SimAccount): Json {
  return {
    account_number: account.accountNumber,
    status: account.status,
    buying_power: roundDown(buyingPower(account), '0.01').toFixed(2),
    buying_power_currency: 'USD',
  };
}

export function accountV2(account: SimAccount, fees: FeeStatus): Json {
  return {
    account_number: account.accountNumber,
    account_type: account.accountType,
    status: account.status,
    buying_power: roundDown(buyingPower(account), '0.01').toFixed(2),
    buying_power_currency: 'USD',
    is_api_tradable: account.isApiTradable,
    fee_tier_status: {
      fee_ratio: bare(fees.feeRatio),
      thirty_day_volume: bare(account.thirtyDayVolume),
      next_fee_tier_ratio: fees.nextFeeTierRatio === null ? null : bare(fees.nextFeeTierRatio),
      next_fee_tier_threshold: fees.nextFeeTierThreshold === null ? null : bare(fees.nextFeeTierThreshold),
    },
  };
}

export function pairV1(pair: SimPair): Json {
  return {
    asset_code: pair.assetCode,
    quote_code: pair.quoteCode,
    quote_increment: toPlain(pair.quoteIncrement),
    asset_increment: toPlain(pair.assetIncrement),
    max_order_size: toFixedPlaces(pair.maxOrderSize, 16),
    min_order_size: toFixedPlaces(pair.minOrderSize, 16),
    status: pair.status,
    symbol: pair.symbol,
  };
}

export function pairV2(pair: SimPair): Json {
  return {
    symbol: pair.symbol,
    asset_code: pair.assetCode,
    quote_code: pair.quoteCode,
    asset_increment: toPlain(pair.assetIncrement),
    quote_increment: toPlain(pair.quoteIncrement),
    max_order_size: toFixedPlaces(pair.maxOrderSize, 16),
    ...(pair.minOrderAmount === undefined ? {} : { min_order_amount: toPlain(pair.minOrderAmount) }),
    status: pair.status,
    is_api_tradable: pair.isApiTradable,
  };
}

export function holding(account: SimAccount, asset: string): Json {
  return {
    account_number: account.accountNumber,
    asset_code: asset,
    total_quantity: bare(totalQuantity(account, asset)),
    quantity_available_for_trading: bare(availableQuantity(account, asset)),
  };
}

function orderConfig(order: SimOrder): Record<string, Json> {
  const r = order.request;
  const size: Record<string, Json> =
    r.quoteAmount !== undefined ? { quote_amount: padded(r.quoteAmount) } : { asset_quantity: padded(order.quantity) };
  const tif = r.timeInForce ?? 'gtc';
  switch (r.type) {
    case 'market':
      return { market_order_config: size };
    case 'limit': // time_in_force is not echoed on limit orders (observed live)
      return { limit_order_config: { ...size, limit_price: padded(r.limitPrice ?? ZERO) } };
    case 'stop_loss':
      return { stop_loss_order_config: { ...size, stop_price: padded(r.stopPrice ?? ZERO), time_in_force: tif } };
    case 'stop_limit':
      return {
        stop_limit_order_config: {
          ...size,
          limit_price: padded(r.limitPrice ?? ZERO),
          stop_price: padded(r.stopPrice ?? ZERO),
          time_in_force: tif,
        },
      };
  }
}

export function order(o: SimOrder, offsetMinutes: number, referencePrice: Decimal): Json {
  const avg = averagePrice(o);
  const body: Record<string, Json> = {
    id: o.id,
    account_number: o.accountNumber,
    symbol: o.request.symbol,
    client_order_id: o.request.clientOrderId,
    side: o.request.side,
    executions: o.executions.map((e) => ({
      effective_price: padded(e.price),
      quantity: padded(e.quantity),
      timestamp: isoWithOffset(e.timestamp, offsetMinutes),
    })),
    type: o.request.type,
    state: o.state,
    average_price: avg === null ? null : padded(avg),
    filled_asset_quantity: padded(o.filledQuantity),
    created_at: isoWithOffset(o.createdAt, offsetMinutes),
    updated_at: isoWithOffset(o.updatedAt, offsetMinutes),
    ...orderConfig(o),
  };
  if (o.version === 2) {
    const price = o.request.limitPrice ?? referencePrice;
    const remainingFee = isTerminal(o) ? ZERO : remainingQuantity(o).times(price).times(o.feeRatio);
    body['fee_charged'] = bare(o.feeCharged);
    body['estimated_fee_remaining'] = bare(remainingFee);
  }
  return body;
}
