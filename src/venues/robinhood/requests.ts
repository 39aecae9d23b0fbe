// Request building, written from the reference: paths with trailing slashes, repeated keys for repeatable
// parameters, query strings built by hand (no re-encoding afterwards, so the signed target is the sent target),
// and order bodies with decimals as strings.
import { z } from 'zod';
import { dec, toPlain, tryDec, ZERO, type DecimalInput } from '../../core/decimal.ts';
import { ValidationError } from '../../core/errors.ts';
import type { ApiVersion, RobinhoodOrderType, RobinhoodTimeInForce, Side } from './types.ts';

export const PATHS = {
  v1: {
    accounts: '/api/v1/crypto/trading/accounts/',
    tradingPairs: '/api/v1/crypto/trading/trading_pairs/',
    holdings: '/api/v1/crypto/trading/holdings/',
    orders: '/api/v1/crypto/trading/orders/',
    bestBidAsk: '/api/v1/crypto/marketdata/best_bid_ask/',
    estimatedPrice: '/api/v1/crypto/marketdata/estimated_price/',
  },
  v2: {
    accounts: '/api/v2/crypto/trading/accounts/',
    tradingPairs: '/api/v2/crypto/trading/trading_pairs/',
    holdings: '/api/v2/crypto/trading/holdings/',
    orders: '/api/v2/crypto/trading/orders/',
    bestBidAsk: '/api/v2/crypto/marketdata/best_bid_ask/',
    // v2 moved estimated price under /trading/ (best bid/ask stayed under /marketdata/).
    estimatedPrice: '/api/v2/crypto/trading/estimated_price/',
  },
} as const satisfies Record<ApiVersion, Record<string, string>>;

export const orderPath = (version: ApiVersion, id: string): string => `${PATHS[version].orders}${pathSegment(id)}/`;
export const cancelPath = (version: ApiVersion, id: string): string => `${orderPath(version, id)}cancel/`;

function pathSegment(id: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(id)) throw new ValidationError(`order id "${id}" is not a valid id`, { id });
  return id;
}

const RAW_SAFE = /^[A-Za-z0-9._~:,-]*$/;

/** `path?k=v&k=v2` with repeated keys; values outside a safe set are percent-encoded, everything else goes out raw. */
export function withQuery(path: string, params: Array<readonly [string, string | undefined]>): string {
  const parts = params
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${RAW_SAFE.test(v) ? v : encodeURIComponent(v)}`);
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/** The request target of an absolute (or relative) `next` URL: everything after the origin, kept byte for byte. */
export function targetOf(nextUrl: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(nextUrl);
  const rest = match ? match[1]! : nextUrl;
  if (!rest.startsWith('/')) throw new ValidationError(`pagination URL "${nextUrl}" has no path`, { next: nextUrl });
  return rest;
}

export type TimeInput = number | Date | string;

/** ISO 8601 in UTC with `Z` (no `+` that a server could read as a space). */
export function isoTime(value: TimeInput, field: string): string {
  const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new ValidationError(`${field} "${String(value)}" is not a time`, { field, value: String(value) });
  return new Date(ms).toISOString();
}

export const SYMBOL_RE = /^[A-Z0-9]+-[A-Z0-9]+$/;
export const ASSET_CODE_RE = /^[A-Z0-9]+$/;

export function checkSymbols(symbols: readonly string[], field = 'symbol'): void {
  for (const s of symbols) {
    if (!SYMBOL_RE.test(s)) {
      throw new ValidationError(`${field} "${s}" is not an uppercase pair like BTC-USD`, { field, value: s });
    }
  }
}

export interface OrderFilters {
  createdAtStart?: TimeInput;
  createdAtEnd?: TimeInput;
  updatedAtStart?: TimeInput;
  updatedAtEnd?: TimeInput;
  symbol?: string;
  /** v1 sends it as a filter; v2 has no id filter, so the client filters the results itself. */
  id?: string;
  side?: Side;
  type?: RobinhoodOrderType;
  /** v1: open|canceled|partially_filled|filled|failed; v2: open|canceled|filled|failed|pending. */
  state?: string;
  /** Page size; v1 only (v2 lists no `limit` for orders). */
  limit?: number;
}

export function orderFilterParams(version: ApiVersion, f: OrderFilters): Array<readonly [string, string | undefined]> {
  if (f.symbol !== undefined) checkSymbols([f.symbol]);
  return [
    ['created_at_start', f.createdAtStart === undefined ? undefined : isoTime(f.createdAtStart, 'createdAtStart')],
    ['created_at_end', f.createdAtEnd === undefined ? undefined : isoTime(f.createdAtEnd, 'createdAtEnd')],
    ['updated_at_start', f.updatedAtStart === undefined ? undefined : isoTime(f.updatedAtStart, 'updatedAtStart')],
    ['updated_at_end', f.updatedAtEnd === undefined ? undefined : isoTime(f.updatedAtEnd, 'updatedAtEnd')],
    ['symbol', f.symbol],
    ['id', version === 'v1' ? f.id : undefined],
    ['side', f.side],
    ['type', f.type],
    ['state', f.state],
    ['limit', version === 'v1' && f.limit !== undefined ? String(f.limit) : undefined],
  ];
}

const positiveDecimal = z.custom<DecimalInput>((v) => {
  const d = tryDec(v);
  return d !== undefined && d.gt(ZERO);
}, 'must be a positive decimal');

export const placeOrderRequestSchema = z
  .object({
    symbol: z.string().regex(SYMBOL_RE, 'must be an uppercase pair like BTC-USD'),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop_loss', 'stop_limit']),
    /** A UUID; persist it before sending. Generated when absent. */
    clientOrderId: z.guid('must be a UUID').optional(),
    assetQuantity: positiveDecimal.optional(),
    quoteAmount: positiveDecimal.optional(),
    limitPrice: positiveDecimal.optional(),
    stopPrice: positiveDecimal.optional(),
    timeInForce: z.enum(['gtc', 'gfd', 'gfw', 'gfm']).optional(),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    if ((o.assetQuantity === undefined) === (o.quoteAmount === undefined)) {
      issue('assetQuantity', 'give exactly one of assetQuantity and quoteAmount');
    }
    if (o.type === 'market') {
      if (o.quoteAmount !== undefined) issue('quoteAmount', 'market orders are sized in asset units only');
      if (o.limitPrice !== undefined) issue('limitPrice', 'market orders take no limit price');
      if (o.stopPrice !== undefined) issue('stopPrice', 'market orders take no stop price');
      if (o.timeInForce !== undefined) issue('timeInForce', 'market orders take no time in force');
    }
    const needsLimit = o.type === 'limit' || o.type === 'stop_limit';
    const needsStop = o.type === 'stop_loss' || o.type === 'stop_limit';
    if (needsLimit && o.limitPrice === undefined) issue('limitPrice', `a ${o.type} order needs a limit price`);
    if (!needsLimit && o.type !== 'market' && o.limitPrice !== undefined)
      issue('limitPrice', `a ${o.type} order takes no limit price`);
    if (needsStop && o.stopPrice === undefined) issue('stopPrice', `a ${o.type} order needs a stop price`);
    if (!needsStop && o.type !== 'market' && o.stopPrice !== undefined)
      issue('stopPrice', `a ${o.type} order takes no stop price`);
  });

export type PlaceOrderRequest = z.input<typeof placeOrderRequestSchema>;

export interface PreparedOrder {
  clientOrderId: string;
  /** Serialized once; these exact bytes are signed and sent. */
  body: string;
}

/** Validates an order request and serializes its body (decimals as plain strings, never floats). */
export function prepareOrder(request: PlaceOrderRequest, newId: () => string): PreparedOrder {
  const parsed = placeOrderRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'order';
    const raw = (request as Record<string, unknown>)[String(issue.path[0])];
    const value = raw === undefined ? undefined : showValue(raw);
    throw new ValidationError(`order ${field}: ${issue.message}${value === undefined ? '' : ` (got ${value})`}`, {
      field,
      value,
    });
  }
  const o = parsed.data;
  const clientOrderId = o.clientOrderId ?? newId();
  const text = (v: DecimalInput | undefined): string | undefined => (v === undefined ? undefined : toPlain(dec(v)));
  const config: Record<string, string | undefined> =
    o.type === 'market'
      ? { asset_quantity: text(o.assetQuantity) }
      : {
          asset_quantity: text(o.assetQuantity),
          quote_amount: text(o.quoteAmount),
          limit_price: text(o.limitPrice),
          stop_price: text(o.stopPrice),
          time_in_force: o.timeInForce ?? ('gtc' satisfies RobinhoodTimeInForce),
        };
  const body = JSON.stringify({
    client_order_id: clientOrderId,
    side: o.side,
    type: o.type,
    symbol: o.symbol,
    [`${o.type}_order_config`]: config, // JSON.stringify drops the undefined fields
  });
  return { clientOrderId, body };
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return v;
  const d = tryDec(v);
  if (d !== undefined) return toPlain(d);
  return JSON.stringify(v) ?? typeof v;
}
