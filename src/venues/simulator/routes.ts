// Robinhood's v1 and v2 paths (reference §3), each answering from the engine. Paths end in "/"; a path without
// its slash is a 404 like any unknown path.
import type { MatchingEngine } from './engine.ts';
import { ZERO } from '../../core/decimal.ts';
import { clientError, notFound, validationError } from './errors.ts';
import type { SimAccount } from './ledger.ts';
import { bestBidAsk, estimatedPrice, symbolsParam } from './market-data.ts';
import type { ApiVersion, SimOrder } from './order.ts';
import { pageSize, paginate } from './pagination.ts';
import { parseJsonBody, parseOrderBody } from './request-schema.ts';
import * as ser from './serialize.ts';

export interface RouteContext {
  readonly engine: MatchingEngine;
  readonly account: SimAccount;
  readonly version: ApiVersion;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  readonly params: readonly string[];
  readonly baseUrl: string;
  readonly pageSize: number;
  readonly utcOffsetMinutes: number;
}

export interface RouteResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

type Handler = (ctx: RouteContext) => RouteResponse;

export interface Route {
  readonly name: string;
  readonly pattern: RegExp;
  readonly version: ApiVersion;
  readonly methods: Partial<Record<'GET' | 'POST', Handler>>;
}

const json = (body: ser.Json, status = 200): RouteResponse => ({
  status,
  body: ser.toJson(body),
  contentType: 'application/json',
});

/** v2 reads and writes name the account in the query; it must be the caller's. */
function requireAccountNumber(ctx: RouteContext): void {
  const n = ctx.query.get('account_number');
  if (n === null || n === '') throw validationError('The account_number parameter is required.', 'account_number');
  if (n !== ctx.account.accountNumber) throw clientError(403, 'You do not have permission to perform this action.');
}

function page<T>(
  ctx: RouteContext,
  items: readonly T[],
  key: (t: T) => number,
  descending: boolean,
  allowLimit: boolean,
  render: (t: T) => ser.Json,
): RouteResponse {
  const p = paginate(
    items,
    key,
    descending,
    ctx.query,
    pageSize(ctx.query, ctx.pageSize, allowLimit),
    ctx.baseUrl,
    ctx.path,
  );
  return json({ next: p.next, previous: p.previous, results: p.results.map(render) });
}

function renderOrder(ctx: RouteContext, o: SimOrder): ser.Json {
  return ser.order(o, ctx.utcOffsetMinutes, ctx.engine.market.quote(o.request.symbol)?.mid ?? o.quantity);
}

function accounts(ctx: RouteContext): RouteResponse {
  if (ctx.version === 1) return json(ser.accountV1(ctx.account));
  const list = [ctx.account];
  return page(
    ctx,
    list,
    (a) => list.indexOf(a),
    false,
    true,
    (a) => ser.accountV2(a, ctx.engine.feeStatus(a)),
  );
}

function tradingPairs(ctx: RouteContext): RouteResponse {
  const wanted = symbolsParam(ctx.query);
  const all = [...ctx.engine.pairs.values()];
  const pairs =
    wanted.length > 0
      ? all.filter((p) => wanted.includes(p.symbol))
      : ctx.version === 2
        ? all.filter((p) => p.status === 'tradable')
        : all;
  return page(ctx, pairs, (p) => all.indexOf(p), false, true, ctx.version === 1 ? ser.pairV1 : ser.pairV2);
}

function holdings(ctx: RouteContext): RouteResponse {
  if (ctx.version === 2) requireAccountNumber(ctx);
  const codes = ctx.query.getAll('asset_code').filter((c) => c !== '');
  for (const c of codes)
    if (!/^[A-Z0-9]+$/.test(c)) throw validationError('Malformed asset_code parameter', 'asset_code');
  const held = [...ctx.account.holdings.keys()].filter(
    (a) => (codes.length === 0 || codes.includes(a)) && (ctx.account.holdings.get(a)?.gt(ZERO) ?? false),
  );
  return page(
    ctx,
    held,
    (a) => held.indexOf(a),
    false,
    true,
    (a) => ser.holding(ctx.account, a),
  );
}

const V1_STATES = ['open', 'canceled', 'partially_filled', 'filled', 'failed'];
const V2_STATES = ['open', 'canceled', 'filled', 'failed', 'pending'];

function timeFilter(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw validationError('Enter a valid date/time.', name);
  return t;
}

function choiceFilter(query: URLSearchParams, name: string, values: readonly string[]): string | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!values.includes(raw))
    throw validationError(`Select a valid choice. ${raw} is not one of the available choices.`, name);
  return raw;
}

function listOrders(ctx: RouteContext): RouteResponse {
  if (ctx.version === 2) requireAccountNumber(ctx);
  const q = ctx.query;
  const createdStart = timeFilter(q, 'created_at_start');
  const createdEnd = timeFilter(q, 'created_at_end');
  const updatedStart = timeFilter(q, 'updated_at_start');
  const updatedEnd = timeFilter(q, 'updated_at_end');
  const state = choiceFilter(q, 'state', ctx.version === 1 ? V1_STATES : V2_STATES);
  const side = choiceFilter(q, 'side', ['buy', 'sell']);
  const type = choiceFilter(q, 'type', ['limit', 'market', 'stop_limit', 'stop_loss']);
  const symbols = symbolsParam(q);
  const id = ctx.version === 1 ? q.get('id') : null;
  if (id !== null && id !== '' && !/^[0-9a-f-]{32,36}$/i.test(id)) throw validationError('Must be a valid UUID.', 'id');
  // Each version lists its own orders only, as it reads and cancels only its own (a v2 row carries fee fields).
  const matches = (o: SimOrder): boolean =>
    o.version === ctx.version &&
    (createdStart === undefined || o.createdAt >= createdStart) &&
    (createdEnd === undefined || o.createdAt <= createdEnd) &&
    (updatedStart === undefined || o.updatedAt >= updatedStart) &&
    (updatedEnd === undefined || o.updatedAt <= updatedEnd) &&
    // v2 has no partially_filled filter value: its `open` covers partially filled orders.
    (state === undefined ||
      o.state === state ||
      (ctx.version === 2 && state === 'open' && o.state === 'partially_filled')) &&
    (side === undefined || o.request.side === side) &&
    (type === undefined || o.request.type === type) &&
    (symbols.length === 0 || symbols.includes(o.request.symbol)) &&
    (id === null || id === '' || o.id === id.toLowerCase());
  const account = ctx.account.accountNumber;
  // A poll for recent changes reads the engine's change log, not every order the account ever placed.
  const candidates =
    updatedStart === undefined ? ctx.engine.orders(account) : ctx.engine.ordersUpdatedSince(account, updatedStart);
  const orders = candidates.filter(matches);
  return page(
    ctx,
    orders,
    (o) => o.seq,
    true,
    ctx.version === 1,
    (o) => renderOrder(ctx, o),
  );
}

function placeOrder(ctx: RouteContext): RouteResponse {
  if (ctx.version === 2) requireAccountNumber(ctx);
  const request = parseOrderBody(parseJsonBody(ctx.body), ctx.version);
  const { order } = ctx.engine.placeOrder(ctx.account.accountNumber, ctx.version, request);
  return json(renderOrder(ctx, order), 201);
}

function ownOrder(ctx: RouteContext): SimOrder {
  const order = ctx.engine.order((ctx.params[0] ?? '').toLowerCase());
  if (order === undefined || order.accountNumber !== ctx.account.accountNumber || order.version !== ctx.version)
    throw notFound();
  return order;
}

function getOrder(ctx: RouteContext): RouteResponse {
  if (ctx.version === 2) requireAccountNumber(ctx);
  return json(renderOrder(ctx, ownOrder(ctx)));
}

function cancelOrder(ctx: RouteContext): RouteResponse {
  const order = ctx.engine.requestCancel(ownOrder(ctx).id, ctx.account.accountNumber);
  if (ctx.version === 1)
    return { status: 200, body: `Cancel request was submitted for order ${order.id}`, contentType: 'text/plain' };
  return json(renderOrder(ctx, order));
}

const ID = '([0-9a-fA-F-]{32,36})';

export const ROUTES: readonly Route[] = [
  ...([1, 2] as const).flatMap((v): Route[] => [
    {
      name: `v${v} accounts`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/trading/accounts/$`),
      methods: { GET: accounts },
    },
    {
      name: `v${v} trading_pairs`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/trading/trading_pairs/$`),
      methods: { GET: tradingPairs },
    },
    {
      name: `v${v} holdings`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/trading/holdings/$`),
      methods: { GET: holdings },
    },
    {
      name: `v${v} orders`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/trading/orders/$`),
      methods: { GET: listOrders, POST: placeOrder },
    },
    {
      name: `v${v} order`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/trading/orders/${ID}/$`),
      methods: { GET: getOrder },
    },
    {
      name: `v${v} cancel`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/trading/orders/${ID}/cancel/$`),
      methods: { POST: cancelOrder },
    },
    {
      name: `v${v} best_bid_ask`,
      version: v,
      pattern: new RegExp(`^/api/v${v}/crypto/marketdata/best_bid_ask/$`),
      methods: { GET: (c) => json(bestBidAsk(c.engine, c.query, v)) },
    },
  ]),
  {
    name: 'v1 estimated_price',
    version: 1,
    pattern: /^\/api\/v1\/crypto\/marketdata\/estimated_price\/$/,
    methods: { GET: (c) => json(estimatedPrice(c.engine, c.query, 1, c.account)) },
  },
  {
    name: 'v2 estimated_price',
    version: 2,
    pattern: /^\/api\/v2\/crypto\/trading\/estimated_price\/$/,
    methods: { GET: (c) => json(estimatedPrice(c.engine, c.query, 2, c.account)) },
  },
];

export function matchRoute(path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m !== null) return { route, params: m.slice(1) };
  }
  return undefined;
}
