import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiValidationError,
  AuthenticationError,
  CircuitOpenError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from '../../../src/core/errors.ts';
import { RobinhoodClient, type RobinhoodClientOptions } from '../../../src/venues/robinhood/client.ts';
import { OrderOutcomeUnknown } from '../../../src/venues/robinhood/errors.ts';
import type { RequestEvent } from '../../../src/venues/robinhood/transport.ts';
import {
  DOC_API_KEY,
  DOC_PUBLIC,
  DOC_SEED,
  FastTimers,
  orderJson,
  signatureValid,
  startStub,
  type StubHandler,
  type StubServer,
} from './helpers.ts';

const ACCOUNTS = {
  next: null,
  previous: null,
  results: [
    {
      account_number: 'OTHER',
      status: 'active',
      buying_power: '1',
      buying_power_currency: 'USD',
      is_api_tradable: false,
    },
    {
      account_number: 'ACC123',
      status: 'active',
      buying_power: '1042.55',
      buying_power_currency: 'USD',
      is_api_tradable: true,
    },
  ],
};
const CLIENT_ORDER_ID = '2f6c1b9e-8a40-4d3f-9a51-0c7e5d2b1a11';

let stub: StubServer | undefined;
let client: RobinhoodClient | undefined;
afterEach(async () => {
  await client?.close();
  await stub?.close();
  client = undefined;
  stub = undefined;
});

async function setup(
  handler: StubHandler,
  options: Partial<RobinhoodClientOptions> = {},
): Promise<{ stub: StubServer; client: RobinhoodClient; timers: FastTimers }> {
  stub = await startStub(handler);
  const timers = new FastTimers();
  client = new RobinhoodClient({
    apiKey: DOC_API_KEY,
    privateKey: DOC_SEED,
    baseUrl: stub.baseUrl,
    timers,
    random: () => 0.5,
    ...options,
  });
  return { stub, client, timers };
}

/** Routes by path (without query); accounts are answered automatically. */
function routes(table: Record<string, StubHandler>): StubHandler {
  return (req, i) => {
    const path = req.url.split('?')[0]!;
    if (path === '/api/v2/crypto/trading/accounts/' && !table[path]) return { body: ACCOUNTS };
    const handler = table[path];
    return handler
      ? handler(req, i)
      : { status: 404, body: { type: 'client_error', errors: [{ detail: `no route ${path}`, attr: null }] } };
  };
}

describe('v2 reads', () => {
  it('discovers the API-tradable account once and sends account_number in the query', async () => {
    const { stub, client } = await setup(
      routes({
        '/api/v2/crypto/trading/holdings/': () => ({
          body: {
            next: null,
            previous: null,
            results: [
              {
                account_number: 'ACC123',
                asset_code: 'BTC',
                total_quantity: 0.5,
                quantity_available_for_trading: 0.25,
              },
            ],
          },
        }),
      }),
    );
    const holdings = await client.getHoldings(['BTC', 'ETH']);
    await client.getHoldings();
    expect(holdings[0]!.totalQuantity.toFixed()).toBe('0.5');
    const urls = stub.requests.map((r) => r.url);
    expect(urls).toEqual([
      '/api/v2/crypto/trading/accounts/',
      '/api/v2/crypto/trading/holdings/?account_number=ACC123&asset_code=BTC&asset_code=ETH',
      '/api/v2/crypto/trading/holdings/?account_number=ACC123',
    ]);
    for (const req of stub.requests) {
      expect(signatureValid(req, DOC_PUBLIC)).toBe(true);
      expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('follows absolute next URLs across pages, signing each path and query', async () => {
    const page = (n: number, next: string | null) => ({
      next,
      previous: null,
      results: [orderJson({ id: `00000000-0000-0000-0000-00000000000${n}` })],
    });
    const { stub, client } = await setup(
      routes({
        '/api/v2/crypto/trading/orders/': (req) => {
          if (req.url.includes('cursor=p3')) return { body: page(3, null) };
          if (req.url.includes('cursor=p2'))
            return {
              body: page(
                2,
                'https://trading.robinhood.com/api/v2/crypto/trading/orders/?account_number=ACC123&cursor=p3',
              ),
            };
          return {
            body: page(1, 'https://elsewhere.example/api/v2/crypto/trading/orders/?account_number=ACC123&cursor=p2'),
          };
        },
      }),
    );
    const orders = await client.listOrders({ state: 'open', symbol: 'BTC-USD', createdAtStart: Date.UTC(2026, 7, 1) });
    expect(orders.map((o) => o.id.slice(-1))).toEqual(['1', '2', '3']);
    const orderReqs = stub.requests.filter((r) => r.url.startsWith('/api/v2/crypto/trading/orders/'));
    expect(orderReqs.map((r) => r.url)).toEqual([
      '/api/v2/crypto/trading/orders/?account_number=ACC123&created_at_start=2026-08-01T00:00:00.000Z&symbol=BTC-USD&state=open',
      '/api/v2/crypto/trading/orders/?account_number=ACC123&cursor=p2',
      '/api/v2/crypto/trading/orders/?account_number=ACC123&cursor=p3',
    ]);
    expect(orderReqs.every((r) => signatureValid(r, DOC_PUBLIC))).toBe(true);

    const first = await client.listOrdersPage({});
    expect(first.results).toHaveLength(1);
    expect(first.next).toContain('cursor=p2');
  });

  it('reads pairs, quotes (repeated symbol=) and estimates on the right paths', async () => {
    const { stub, client } = await setup(
      routes({
        '/api/v2/crypto/trading/trading_pairs/': () => ({
          body: {
            next: null,
            previous: null,
            results: [
              {
                symbol: 'BTC-USD',
                asset_code: 'BTC',
                quote_code: 'USD',
                asset_increment: '0.00000001',
                quote_increment: '0.01',
                max_order_size: '20',
                status: 'tradable',
                is_api_tradable: true,
              },
            ],
          },
        }),
        '/api/v2/crypto/marketdata/best_bid_ask/': () => ({
          body: {
            results: [
              { symbol: 'BTC-USD', bid: '68329.2', ask: '68320.1' },
              { symbol: 'ETH-USD', bid: 2400, ask: 2401 },
            ],
          },
        }),
        '/api/v2/crypto/trading/estimated_price/': () => ({
          body: {
            results: [
              { symbol: 'BTC-USD', side: 'ask', quantity: 0.1, ask: 100, est_fee: 0.095, est_total_cost: 10.095 },
            ],
          },
        }),
      }),
    );
    const pairs = await client.getTradingPairs(['BTC-USD']);
    const quotes = await client.getBestBidAsk(['BTC-USD', 'ETH-USD']);
    const est = await client.getEstimatedPrice('BTC-USD', 'ask', ['0.1', '1']);
    expect(pairs[0]!.quoteIncrement.toFixed()).toBe('0.01');
    expect(quotes.map((q) => q.ask.toFixed())).toEqual(['68320.1', '2401']);
    expect(est[0]!.estTotalCost?.toFixed()).toBe('10.095');
    expect(stub.requests.map((r) => r.url)).toEqual([
      '/api/v2/crypto/trading/trading_pairs/?symbol=BTC-USD',
      '/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD&symbol=ETH-USD',
      '/api/v2/crypto/trading/estimated_price/?symbol=BTC-USD&side=ask&quantity=0.1,1',
    ]);
    await expect(client.getBestBidAsk([])).rejects.toThrow(/at least one symbol/);
    await expect(client.getBestBidAsk(['btc-usd'])).rejects.toThrow(/uppercase/);
  });

  it('reports every request to the hooks', async () => {
    const events: RequestEvent[] = [];
    const { client } = await setup(routes({}), { hooks: { onResponse: (e) => events.push(e) } });
    await client.getAccount();
    expect(events).toEqual([
      expect.objectContaining({ endpoint: 'v2.accounts', method: 'GET', status: 200, attempt: 1 }),
    ]);
    expect(typeof events[0]!.durationMs).toBe('number');
  });
});

describe('v1', () => {
  it('uses v1 paths, no account_number, and a plain-text cancel', async () => {
    const { stub, client } = await setup(
      routes({
        '/api/v1/crypto/trading/accounts/': () => ({
          body: { account_number: 'V1ACC', status: 'active', buying_power: '5', buying_power_currency: 'USD' },
        }),
        '/api/v1/crypto/marketdata/estimated_price/': () => ({ body: { results: [] } }),
        '/api/v1/crypto/trading/orders/': (req) =>
          req.method === 'POST'
            ? { status: 201, body: orderJson() }
            : { body: { next: null, previous: null, results: [orderJson({ id: 'abc' })] } },
        '/api/v1/crypto/trading/orders/abc/': () => ({ body: orderJson({ id: 'abc' }) }),
        '/api/v1/crypto/trading/orders/abc/cancel/': () => ({
          headers: { 'content-type': 'text/plain' },
          body: 'Cancel request was submitted for order abc',
        }),
      }),
      { apiVersion: 'v1' },
    );
    expect((await client.getAccount()).accountNumber).toBe('V1ACC');
    await client.getEstimatedPrice('BTC-USD', 'both', ['1']);
    await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      assetQuantity: '0.1',
      clientOrderId: CLIENT_ORDER_ID,
    });
    await client.getOrder('abc');
    await client.listOrders({ id: 'abc', limit: 10 });
    const cancel = await client.cancelOrder('abc');
    expect(cancel).toEqual({ orderId: 'abc', message: 'Cancel request was submitted for order abc', order: undefined });
    expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/crypto/trading/accounts/',
      'GET /api/v1/crypto/marketdata/estimated_price/?symbol=BTC-USD&side=both&quantity=1',
      'POST /api/v1/crypto/trading/orders/',
      'GET /api/v1/crypto/trading/orders/abc/',
      'GET /api/v1/crypto/trading/orders/?id=abc&limit=10',
      'POST /api/v1/crypto/trading/orders/abc/cancel/',
    ]);
  });
});

describe('orders (v2)', () => {
  it('places an order: the exact body is signed and sent, with account_number in the query', async () => {
    const { stub, client } = await setup(
      routes({ '/api/v2/crypto/trading/orders/': () => ({ status: 201, body: orderJson() }) }),
    );
    const order = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.0001',
      limitPrice: '36352.78',
      clientOrderId: CLIENT_ORDER_ID,
    });
    expect(order.clientOrderId).toBe(CLIENT_ORDER_ID);
    const post = stub.requests.find((r) => r.method === 'POST')!;
    expect(post.url).toBe('/api/v2/crypto/trading/orders/?account_number=ACC123');
    expect(post.body).toBe(
      `{"client_order_id":"${CLIENT_ORDER_ID}","side":"buy","type":"limit","symbol":"BTC-USD","limit_order_config":{"asset_quantity":"0.0001","limit_price":"36352.78","time_in_force":"gtc"}}`,
    );
    expect(signatureValid(post, DOC_PUBLIC)).toBe(true);
  });

  it('never retries a POST: a 5xx becomes OrderOutcomeUnknown with the client_order_id', async () => {
    const { stub, client } = await setup(
      routes({
        '/api/v2/crypto/trading/orders/': () => ({
          status: 503,
          body: { type: 'server_error', errors: [{ detail: 'busy', attr: null }] },
        }),
      }),
    );
    const err = await client
      .placeOrder({
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'market',
        assetQuantity: '0.1',
        clientOrderId: CLIENT_ORDER_ID,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderOutcomeUnknown);
    expect((err as OrderOutcomeUnknown).clientOrderId).toBe(CLIENT_ORDER_ID);
    expect((err as OrderOutcomeUnknown).cause).toBeInstanceOf(ServerError);
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a POST timeout or dropped connection is unknown too, and never re-sent', async () => {
    const { stub, client } = await setup(
      routes({
        '/api/v2/crypto/trading/orders/': (_r, i) =>
          i % 2 === 1 ? { delayMs: 1500, status: 201, body: orderJson() } : { drop: true },
      }),
      { headersTimeoutMs: 200 },
    );
    const place = () =>
      client.placeOrder({
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'market',
        assetQuantity: '0.1',
        clientOrderId: CLIENT_ORDER_ID,
      });
    const first = await place().catch((e: unknown) => e);
    const second = await place().catch((e: unknown) => e);
    expect([first, second].every((e) => e instanceof OrderOutcomeUnknown)).toBe(true);
    expect((first as Error).message + (second as Error).message).toMatch(/timed out/);
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('a 400 on POST is a definite rejection carrying attr and detail', async () => {
    const { client } = await setup(
      routes({
        '/api/v2/crypto/trading/orders/': () => ({
          status: 400,
          body: { type: 'validation_error', errors: [{ detail: 'Must be a valid UUID.', attr: 'client_order_id' }] },
        }),
      }),
    );
    const outcome = await client.submitOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      assetQuantity: '0.1',
      clientOrderId: CLIENT_ORDER_ID,
    });
    expect(outcome.status).toBe('rejected');
    const error = (outcome as { error: ApiValidationError }).error;
    expect(error).toBeInstanceOf(ApiValidationError);
    expect(error.details).toMatchObject({ status: 400, attr: 'client_order_id', detail: 'Must be a valid UUID.' });
  });

  it('finds an order by client_order_id across pages for reconciliation', async () => {
    const { stub, client } = await setup(
      routes({
        '/api/v2/crypto/trading/orders/': (req) =>
          req.url.includes('cursor=2')
            ? {
                body: {
                  next: null,
                  previous: null,
                  results: [orderJson({ client_order_id: CLIENT_ORDER_ID, id: 'found-1' })],
                },
              }
            : {
                body: {
                  next: `${stub.baseUrl}/api/v2/crypto/trading/orders/?account_number=ACC123&cursor=2`,
                  previous: null,
                  results: [orderJson({ client_order_id: 'aaaaaaaa-8a40-4d3f-9a51-0c7e5d2b1a11' })],
                },
              },
      }),
    );
    expect((await client.findOrderByClientOrderId(CLIENT_ORDER_ID, Date.UTC(2026, 7, 20)))?.id).toBe('found-1');
    expect(
      await client.findOrderByClientOrderId('bbbbbbbb-8a40-4d3f-9a51-0c7e5d2b1a11', Date.UTC(2026, 7, 20)),
    ).toBeNull();
    expect(stub.requests[1]!.url).toContain('created_at_start=2026-08-20T00:00:00.000Z');
  });

  it('v2 cancel returns the order (still open) and is sent without account_number', async () => {
    const { stub, client } = await setup(
      routes({ '/api/v2/crypto/trading/orders/abc/cancel/': () => ({ body: orderJson({ id: 'abc' }) }) }),
    );
    const result = await client.cancelOrder('abc');
    expect(result.order?.state).toBe('open');
    expect(stub.requests.map((r) => r.url)).toEqual(['/api/v2/crypto/trading/orders/abc/cancel/']);
    expect(stub.requests[0]!.body).toBe('');
  });
});

describe('retry', () => {
  it('retries a GET on 5xx and 429 with fresh timestamps and signatures, honouring Retry-After', async () => {
    const { stub, client, timers } = await setup(
      (req, i) => {
        if (i === 0) return { status: 502, body: 'bad gateway' };
        if (i === 1)
          return {
            status: 429,
            headers: { 'retry-after': '3' },
            body: { type: 'client_error', errors: [{ detail: 'Too many requests', attr: null }] },
          };
        return { body: ACCOUNTS };
      },
      { retry: { baseDelayMs: 2000 } },
    );
    const account = await client.getAccount();
    expect(account.accountNumber).toBe('ACC123');
    expect(stub.requests).toHaveLength(3);
    const stamps = stub.requests.map((r) => Number(r.headers['x-timestamp']));
    expect(new Set(stub.requests.map((r) => r.headers['x-signature'])).size).toBe(3);
    expect(stamps[2]! - stamps[1]!).toBeGreaterThanOrEqual(3);
    expect(stub.requests.every((r) => signatureValid(r, DOC_PUBLIC))).toBe(true);
    expect(timers.delays).toContain(3000);
  });

  it('gives up after the bounded number of attempts', async () => {
    const { stub, client } = await setup(
      () => ({ status: 500, body: { type: 'server_error', errors: [{ detail: 'boom', attr: null }] } }),
      { retry: { maxAttempts: 3 } },
    );
    await expect(client.getTradingPairs()).rejects.toBeInstanceOf(ServerError);
    expect(stub.requests).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    const { stub, client } = await setup(() => ({ status: 404, body: { detail: 'Not found.' } }), {
      accountNumber: 'ACC123',
    });
    await expect(client.getOrder('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(stub.requests.map((r) => r.url)).toEqual(['/api/v2/crypto/trading/orders/nope/?account_number=ACC123']);
  });

  it('retries a cancel (idempotent)', async () => {
    const { stub, client } = await setup((_r, i) => (i === 0 ? { drop: true } : { body: orderJson({ id: 'abc' }) }));
    await client.cancelOrder('abc');
    expect(stub.requests).toHaveLength(2);
  });
});

describe('error mapping', () => {
  const cases: Array<[number, new (...args: never[]) => Error]> = [
    [400, ApiValidationError],
    [401, AuthenticationError],
    [403, PermissionError],
    [404, NotFoundError],
    [429, RateLimitError],
    [500, ServerError],
  ];
  it.each(cases)('maps HTTP %i', async (status, type) => {
    const { client } = await setup(
      () => ({ status, body: { type: 'client_error', errors: [{ detail: 'why', attr: null }] } }),
      { retry: { maxAttempts: 1 } },
    );
    const err = await client.getAccount().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toContain('why');
  });

  it('maps a refused connection to NetworkError and an unparseable body to ResponseValidationError', async () => {
    const { client } = await setup(() => ({ body: { next: null, previous: null, results: [{ account_number: 1 }] } }));
    await expect(client.getAccount()).rejects.toThrow(/results\.0\.account_number/);
    const offline = new RobinhoodClient({
      apiKey: DOC_API_KEY,
      privateKey: DOC_SEED,
      baseUrl: 'http://127.0.0.1:1',
      retry: { maxAttempts: 1 },
    });
    await expect(offline.getAccount()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    // nothing was sent, so a refused POST is a definite failure, not an unknown outcome
    await expect(
      offline.placeOrder({
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'market',
        assetQuantity: '1',
        clientOrderId: CLIENT_ORDER_ID,
      }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    await offline.close();
  }, 20_000);
});

describe('circuit breaker', () => {
  it('opens after consecutive 5xx, fails fast, then closes after a successful half-open trial', async () => {
    let healthy = false;
    const { stub, client, timers } = await setup(
      () => (healthy ? { body: { results: [] } } : { status: 500, body: '' }),
      {
        retry: { maxAttempts: 1 },
        circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 10_000 },
      },
    );
    for (let i = 0; i < 3; i++) await expect(client.getBestBidAsk(['BTC-USD'])).rejects.toBeInstanceOf(ServerError);
    expect(client.health().circuits.market_data.state).toBe('open');
    expect(client.health().circuits.trading.state).toBe('closed');
    await expect(client.getBestBidAsk(['BTC-USD'])).rejects.toBeInstanceOf(CircuitOpenError);
    // Failing fast, it still says why the calls failed.
    await expect(client.getBestBidAsk(['BTC-USD'])).rejects.toThrow(
      /^circuit 'market_data' is open after 3 consecutive failures \(the last: .*500.*\); .* not sent$/,
    );
    expect(stub.requests).toHaveLength(3);
    timers.tick(10_000);
    expect(client.health().circuits.market_data.state).toBe('half-open');
    healthy = true;
    await client.getBestBidAsk(['BTC-USD']);
    expect(client.health().circuits.market_data).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('does not count 4xx as failures', async () => {
    const { client } = await setup(() => ({ status: 400, body: { type: 'validation_error', errors: [] } }), {
      circuitBreaker: { failureThreshold: 2 },
    });
    for (let i = 0; i < 4; i++)
      await expect(client.getBestBidAsk(['BTC-USD'])).rejects.toBeInstanceOf(ApiValidationError);
    expect(client.health().circuits.market_data.state).toBe('closed');
  });
});
