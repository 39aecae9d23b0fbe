// zod 4 schemas for every Robinhood response, written from ../shared/robinhood-api.md (never shared with the
// simulator). Bodies are parsed with lossless-json, so bare numbers arrive as LosslessNumber and keep all 18 decimals;
// every money field accepts a string or a number. Unknown fields are ignored; optional ones may be missing.
import { isLosslessNumber, parse as parseLossless, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';
import { tryDec, type Decimal } from '../../core/decimal.ts';
import { ResponseValidationError } from '../../core/errors.ts';
import type {
  FeeTierStatus,
  Page,
  RobinhoodAccount,
  RobinhoodEstimate,
  RobinhoodExecution,
  RobinhoodHolding,
  RobinhoodOrder,
  RobinhoodOrderConfig,
  RobinhoodQuote,
  RobinhoodTradingPair,
} from './types.ts';

const losslessNumber = z.custom<LosslessNumber>((v) => isLosslessNumber(v), 'expected a decimal string or number');

/** A decimal as a string or a bare JSON number (LosslessNumber, or a plain number when parsed elsewhere). */
export const decimalField = z.union([z.string(), losslessNumber, z.number()]).transform((value, ctx): Decimal => {
  const d = tryDec(value);
  if (d === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a decimal string or number', input: value });
    return z.NEVER;
  }
  return d;
});

/** Epoch ms from an ISO 8601 timestamp with any offset and up to 9 fractional digits; undefined when unparseable. */
export function timestampMs(text: string | undefined | null): number | undefined {
  if (text === undefined || text === null) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

function pageOf<T extends z.ZodType>(item: T) {
  return z
    .object({ next: z.string().nullish(), previous: z.string().nullish(), results: z.array(item) })
    .transform((p): Page<z.output<T>> => ({ results: p.results, next: p.next ?? null, previous: p.previous ?? null }));
}

const feeTierStatus = z
  .object({
    fee_ratio: opt(decimalField),
    thirty_day_volume: opt(decimalField),
    next_fee_tier_ratio: decimalField.nullish(),
    next_fee_tier_threshold: decimalField.nullish(),
  })
  .transform((f): FeeTierStatus => ({
    feeRatio: f.fee_ratio,
    thirtyDayVolume: f.thirty_day_volume,
    nextFeeTierRatio: f.next_fee_tier_ratio,
    nextFeeTierThreshold: f.next_fee_tier_threshold,
  }));

export const accountSchema = z
  .object({
    account_number: z.string(),
    status: z.string(),
    buying_power: decimalField,
    buying_power_currency: z.string().default('USD'),
    account_type: opt(z.string()),
    is_api_tradable: opt(z.boolean()),
    fee_tier_status: opt(feeTierStatus),
  })
  .transform((a): RobinhoodAccount => ({
    accountNumber: a.account_number,
    status: a.status,
    buyingPower: a.buying_power,
    buyingPowerCurrency: a.buying_power_currency,
    accountType: a.account_type,
    isApiTradable: a.is_api_tradable,
    feeTierStatus: a.fee_tier_status,
  }));
export const accountPageSchema = pageOf(accountSchema);

export const tradingPairSchema = z
  .object({
    symbol: z.string(),
    asset_code: z.string(),
    quote_code: z.string(),
    asset_increment: decimalField,
    quote_increment: decimalField,
    max_order_size: decimalField,
    min_order_size: opt(decimalField),
    min_order_amount: opt(decimalField),
    status: z.string(),
    is_api_tradable: opt(z.boolean()),
  })
  .transform((p): RobinhoodTradingPair => ({
    symbol: p.symbol,
    assetCode: p.asset_code,
    quoteCode: p.quote_code,
    assetIncrement: p.asset_increment,
    quoteIncrement: p.quote_increment,
    maxOrderSize: p.max_order_size,
    minOrderSize: p.min_order_size,
    minOrderAmount: p.min_order_amount,
    status: p.status,
    isApiTradable: p.is_api_tradable,
  }));
export const tradingPairPageSchema = pageOf(tradingPairSchema);

export const holdingSchema = z
  .object({
    account_number: z.string().default(''),
    asset_code: z.string(),
    total_quantity: decimalField,
    quantity_available_for_trading: decimalField,
  })
  .transform((h): RobinhoodHolding => ({
    accountNumber: h.account_number,
    assetCode: h.asset_code,
    totalQuantity: h.total_quantity,
    quantityAvailableForTrading: h.quantity_available_for_trading,
  }));
export const holdingPageSchema = pageOf(holdingSchema);

/** v1 BidAskPrice: spread-inclusive prices; bid = bid_inclusive_of_sell_spread, ask = ask_inclusive_of_buy_spread. */
export const quoteV1Schema = z
  .object({
    symbol: z.string(),
    price: opt(decimalField),
    bid_inclusive_of_sell_spread: decimalField,
    sell_spread: opt(decimalField),
    ask_inclusive_of_buy_spread: decimalField,
    buy_spread: opt(decimalField),
    timestamp: opt(z.string()),
  })
  .transform((q): RobinhoodQuote => ({
    symbol: q.symbol,
    bid: q.bid_inclusive_of_sell_spread,
    ask: q.ask_inclusive_of_buy_spread,
    timestamp: q.timestamp,
    timestampMs: timestampMs(q.timestamp),
    price: q.price,
    buySpread: q.buy_spread,
    sellSpread: q.sell_spread,
  }));

/** v2 best bid/ask: partner-exchange prices excluding fees; bid > ask (crossed) is normal and accepted. */
export const quoteV2Schema = z
  .object({ symbol: z.string(), bid: decimalField, ask: decimalField, timestamp: opt(z.string()) })
  .transform((q): RobinhoodQuote => ({
    symbol: q.symbol,
    bid: q.bid,
    ask: q.ask,
    timestamp: q.timestamp,
    timestampMs: timestampMs(q.timestamp),
    price: undefined,
    buySpread: undefined,
    sellSpread: undefined,
  }));

const resultsOf = <T extends z.ZodType>(item: T) =>
  z.object({ results: z.array(item) }).transform((r): Array<z.output<T>> => r.results);
export const quotesV1Schema = resultsOf(quoteV1Schema);
export const quotesV2Schema = resultsOf(quoteV2Schema);

/** v1 and v2 estimated price rows; v2 rows have no `price` and omit fields depending on the side. */
export const estimateSchema = z
  .object({
    symbol: z.string(),
    side: z.string(),
    quantity: decimalField,
    timestamp: opt(z.string()),
    price: opt(decimalField),
    bid: opt(decimalField),
    ask: opt(decimalField),
    bid_inclusive_of_sell_spread: opt(decimalField),
    ask_inclusive_of_buy_spread: opt(decimalField),
    fee_ratio: opt(decimalField),
    est_fee: opt(decimalField),
    est_total_cost: opt(decimalField),
    est_total_credit: opt(decimalField),
  })
  .transform((e): RobinhoodEstimate => ({
    symbol: e.symbol,
    side: e.side,
    quantity: e.quantity,
    timestamp: e.timestamp,
    price: e.price,
    bid: e.bid ?? e.bid_inclusive_of_sell_spread,
    ask: e.ask ?? e.ask_inclusive_of_buy_spread,
    feeRatio: e.fee_ratio,
    estFee: e.est_fee,
    estTotalCost: e.est_total_cost,
    estTotalCredit: e.est_total_credit,
  }));
export const estimatesSchema = resultsOf(estimateSchema);

const executionSchema = z
  .object({ effective_price: decimalField, quantity: decimalField, timestamp: z.string() })
  .transform((x): RobinhoodExecution => ({
    effectivePrice: x.effective_price,
    quantity: x.quantity,
    timestamp: x.timestamp,
  }));

const orderConfigSchema = z
  .object({
    asset_quantity: opt(decimalField),
    quote_amount: opt(decimalField),
    limit_price: opt(decimalField),
    stop_price: opt(decimalField),
    time_in_force: opt(z.string()),
  })
  .transform((c): RobinhoodOrderConfig => ({
    assetQuantity: c.asset_quantity,
    quoteAmount: c.quote_amount,
    limitPrice: c.limit_price,
    stopPrice: c.stop_price,
    timeInForce: c.time_in_force,
  }));

export const orderSchema = z
  .object({
    id: z.string(),
    account_number: opt(z.string()),
    symbol: z.string(),
    client_order_id: z.string(),
    side: z.enum(['buy', 'sell']),
    type: z.string(),
    state: z.string(),
    average_price: decimalField.nullish(),
    filled_asset_quantity: decimalField,
    executions: z.array(executionSchema).nullish(),
    market_order_config: opt(orderConfigSchema),
    limit_order_config: opt(orderConfigSchema),
    stop_loss_order_config: opt(orderConfigSchema),
    stop_limit_order_config: opt(orderConfigSchema),
    created_at: z.string(),
    updated_at: z.string(),
    fee_charged: opt(decimalField),
    estimated_fee_remaining: opt(decimalField),
  })
  .transform((o): RobinhoodOrder => ({
    id: o.id,
    accountNumber: o.account_number,
    symbol: o.symbol,
    clientOrderId: o.client_order_id,
    side: o.side,
    type: o.type,
    state: o.state,
    averagePrice: o.average_price ?? null,
    filledAssetQuantity: o.filled_asset_quantity,
    executions: o.executions ?? [],
    // Only the key for the order's type is expected; fall back to whichever is present.
    config: o.market_order_config ?? o.limit_order_config ?? o.stop_loss_order_config ?? o.stop_limit_order_config,
    createdAt: o.created_at,
    createdAtMs: timestampMs(o.created_at),
    updatedAt: o.updated_at,
    updatedAtMs: timestampMs(o.updated_at),
    feeCharged: o.fee_charged,
    estimatedFeeRemaining: o.estimated_fee_remaining,
  }));
export const orderPageSchema = pageOf(orderSchema);

/** Parses a body losslessly and validates it; any failure is a ResponseValidationError naming endpoint, path and value. */
export function parseResponse<T extends z.ZodType>(schema: T, text: string, endpoint: string): z.output<T> {
  let raw: unknown;
  try {
    raw = parseLossless(text);
  } catch (err) {
    throw new ResponseValidationError(`${endpoint}: response is not JSON: ${preview(text)}`, {
      endpoint,
      path: '',
      value: preview(text),
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const value = describeValue(valueAt(raw, issue?.path ?? []));
  throw new ResponseValidationError(
    `${endpoint}: unexpected response at ${path || '(root)'}: ${issue?.message ?? 'invalid'} (got ${value})`,
    { endpoint, path, value },
  );
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === 'string') return JSON.stringify(preview(value));
  try {
    return preview(JSON.stringify(value, (_k, v: unknown) => (isLosslessNumber(v) ? v.value : v)) ?? typeof value);
  } catch {
    return typeof value;
  }
}

function preview(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
