// `sherwood api …` against a stub server, run in-process through runApiCommand.
import { afterEach, describe, expect, it } from 'vitest';
import { runApiCommand, type CliIo } from '../../../src/cli/commands/api.ts';
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
      account_number: 'ACC123',
      status: 'active',
      buying_power: '1042.550000000000000001',
      buying_power_currency: 'USD',
      is_api_tradable: true,
      fee_tier_status: { fee_ratio: 0.0095 },
    },
  ],
};

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(
  args: string[],
  handler: StubHandler = () => ({ body: ACCOUNTS }),
  env: Record<string, string> = {},
): Promise<Run> {
  stub ??= await startStub(handler);
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: { ROBINHOOD_API_KEY: DOC_API_KEY, ROBINHOOD_PRIVATE_KEY: DOC_SEED, ROBINHOOD_BASE_URL: stub.baseUrl, ...env },
    clientOptions: { timers: new FastTimers(), random: () => 0 },
  };
  const code = await runApiCommand(args, io);
  return { code, out, err };
}

function routes(table: Record<string, StubHandler>): StubHandler {
  return (req, i) => {
    const path = req.url.split('?')[0]!;
    if (path === '/api/v2/crypto/trading/accounts/') return { body: ACCOUNTS };
    return table[path]?.(req, i) ?? { status: 404, body: { detail: 'Not found.' } };
  };
}

describe('sherwood api', () => {
  it('account: a readable table, and exact decimals with --json', async () => {
    const table = await run(['account']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/ACCOUNT\s+STATUS\s+BUYING POWER/);
    expect(table.out).toContain('1042.550000000000000001');
    const json = await run(['account', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      accountNumber: 'ACC123',
      buyingPower: '1042.550000000000000001',
      feeTierStatus: { feeRatio: '0.0095' },
    });
    expect(stub!.requests.every((r) => signatureValid(r, DOC_PUBLIC))).toBe(true);
  });

  it('quotes and holdings build the documented query strings', async () => {
    const handler = routes({
      '/api/v2/crypto/marketdata/best_bid_ask/': () => ({
        body: { results: [{ symbol: 'BTC-USD', bid: '68329.2', ask: '68320.1' }] },
      }),
      '/api/v2/crypto/trading/holdings/': () => ({ body: { next: null, previous: null, results: [] } }),
    });
    const quotes = await run(['--json', 'quotes', 'btc-usd', 'ETH-USD'], handler);
    expect(quotes.code).toBe(0);
    expect(JSON.parse(quotes.out)[0]).toMatchObject({ bid: '68329.2', ask: '68320.1' });
    await run(['holdings', 'BTC']);
    const urls = stub!.requests.map((r) => r.url);
    expect(urls).toContain('/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD&symbol=ETH-USD');
    expect(urls).toContain('/api/v2/crypto/trading/holdings/?account_number=ACC123&asset_code=BTC');
  });

  it('estimate maps buy to ask and sends the quantities comma-separated', async () => {
    const r = await run(
      ['estimate', 'BTC-USD', 'buy', '0.1', '1'],
      routes({
        '/api/v2/crypto/trading/estimated_price/': () => ({
          body: { results: [{ symbol: 'BTC-USD', side: 'ask', quantity: 0.1, ask: 100 }] },
        }),
      }),
    );
    expect(r.code).toBe(0);
    expect(stub!.requests.at(-1)!.url).toBe(
      '/api/v2/crypto/trading/estimated_price/?symbol=BTC-USD&side=ask&quantity=0.1,1',
    );
  });

  it('orders: filters and --limit', async () => {
    const r = await run(
      ['orders', '--state', 'open', '--symbol', 'BTC-USD', '--limit', '1', '--json'],
      routes({
        '/api/v2/crypto/trading/orders/': () => ({
          body: { next: null, previous: null, results: [orderJson(), orderJson({ id: 'second' })] },
        }),
      }),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(1);
    expect(stub!.requests.at(-1)!.url).toBe(
      '/api/v2/crypto/trading/orders/?account_number=ACC123&symbol=BTC-USD&state=open',
    );
  });

  it('order place: sends the order and prints the client_order_id first', async () => {
    const r = await run(
      [
        'order',
        'place',
        '--symbol',
        'BTC-USD',
        '--side',
        'buy',
        '--type',
        'limit',
        '--quantity',
        '0.0001',
        '--limit-price',
        '36352.78',
        '--client-order-id',
        '2f6c1b9e-8a40-4d3f-9a51-0c7e5d2b1a11',
      ],
      routes({ '/api/v2/crypto/trading/orders/': () => ({ status: 201, body: orderJson() }) }),
    );
    expect(r.code).toBe(0);
    expect(r.err).toContain('client_order_id 2f6c1b9e-8a40-4d3f-9a51-0c7e5d2b1a11');
    expect(r.out).toMatch(/BTC-USD\s+buy\s+limit\s+open/);
    expect(JSON.parse(stub!.requests.at(-1)!.body)).toMatchObject({
      limit_order_config: { asset_quantity: '0.0001', limit_price: '36352.78', time_in_force: 'gtc' },
    });
  });

  it('order place: an unknown outcome exits 1 and says how to reconcile', async () => {
    const r = await run(
      ['order', 'place', '--symbol', 'BTC-USD', '--side', 'sell', '--type', 'market', '--quantity', '0.1'],
      routes({ '/api/v2/crypto/trading/orders/': () => ({ status: 502, body: 'bad gateway' }) }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/UNKNOWN/);
    expect(r.err).toMatch(/do not re-send/);
    expect(stub!.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
  });

  it('order place: a rejection exits 1 with the reason', async () => {
    const r = await run(
      ['order', 'place', '--symbol', 'BTC-USD', '--side', 'buy', '--type', 'market', '--quantity', '100'],
      routes({
        '/api/v2/crypto/trading/orders/': () => ({
          status: 400,
          body: {
            type: 'validation_error',
            errors: [{ detail: 'Insufficient buying power.', attr: 'non_field_errors' }],
          },
        }),
      }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('Insufficient buying power.');
  });

  it('order get and cancel', async () => {
    const handler = routes({
      '/api/v2/crypto/trading/orders/abc-1/': () => ({ body: orderJson({ id: 'abc-1' }) }),
      '/api/v2/crypto/trading/orders/abc-1/cancel/': () => ({ body: orderJson({ id: 'abc-1' }) }),
    });
    expect((await run(['order', 'get', 'abc-1'], handler)).out).toContain('abc-1');
    const cancel = await run(['order', 'cancel', 'abc-1']);
    expect(cancel.code).toBe(0);
    expect(cancel.out).toMatch(/cancel requested; order abc-1 is open/);
  });

  const bad: Array<[string, string[], RegExp]> = [
    [
      'a bad side',
      ['order', 'place', '--symbol', 'BTC-USD', '--side', 'hold', '--type', 'market', '--quantity', '1'],
      /--side "hold"/,
    ],
    [
      'a bad quantity',
      ['order', 'place', '--symbol', 'BTC-USD', '--side', 'buy', '--type', 'market', '--quantity', 'abc'],
      /--quantity "abc"/,
    ],
    [
      'a market order sized in dollars',
      ['order', 'place', '--symbol', 'BTC-USD', '--side', 'buy', '--type', 'market', '--quote-amount', '10'],
      /--quote-amount/,
    ],
    ['a bad limit', ['orders', '--limit', 'ten'], /--limit "ten"/],
    ['a bad state', ['orders', '--state', 'done'], /--state "done"/],
    ['a bad api version', ['--api-version', 'v3', 'account'], /--api-version "v3"/],
    ['a bad symbol', ['quotes', 'BTCUSD'], /symbol/],
    ['a missing required flag', ['order', 'place', '--side', 'buy'], /--symbol/],
  ];
  it.each(bad)('rejects %s with exit 2', async (_n, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(stub!.requests.filter((q) => q.method === 'POST')).toHaveLength(0);
  });

  it('missing credentials exit 2 naming the variable', async () => {
    const r = await run(['account'], undefined, { ROBINHOOD_PRIVATE_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('ROBINHOOD_PRIVATE_KEY');
  });

  it('--base-url overrides the environment; v1 is selectable', async () => {
    stub = await startStub(() => ({
      body: { account_number: 'V1', status: 'active', buying_power: '1', buying_power_currency: 'USD' },
    }));
    const r = await run(['--api-version', 'v1', '--base-url', stub.baseUrl, 'account', '--json'], undefined, {
      ROBINHOOD_BASE_URL: 'http://127.0.0.1:1',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).accountNumber).toBe('V1');
    expect(stub.requests[0]!.url).toBe('/api/v1/crypto/trading/accounts/');
  });
});
