/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- raw JSON replies are checked field by field */
import { afterEach, describe, expect, it } from 'vitest';
import { control, setup, until, uuid, type Setup } from './helpers.ts';

const V2 = '/api/v2/crypto/trading/orders/?account_number=123456789';
const V1 = '/api/v1/crypto/trading/orders/';
const v2Get = (id: string): string => `/api/v2/crypto/trading/orders/${id}/?account_number=123456789`;

let s: Setup;
afterEach(async () => s.sim.close());

const market = (qty: string, side = 'buy', symbol = 'BTC-USD') => ({
  client_order_id: uuid(),
  side,
  type: 'market',
  symbol,
  market_order_config: { asset_quantity: qty },
});

async function settle(id: string, states: string[]): Promise<any> {
  return until(async () => {
    const r = await s.client.get(v2Get(id));
    return states.includes(r.json.state) ? r.json : undefined;
  });
}

describe('order types to a terminal state', () => {
  it('a v2 market buy is open on placement, then filled at the ask plus slippage, with a fee', async () => {
    s = await setup();
    const placed = await s.client.post(V2, market('0.01'));
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({
      account_number: '123456789',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      state: 'open',
      average_price: null,
      executions: [],
      filled_asset_quantity: '0.000000000000000000',
      market_order_config: { asset_quantity: '0.010000000000000000' },
    });
    expect(placed.text).toContain('"fee_charged":0.0,');
    expect(placed.json.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}-04:00$/);
    const filled = await settle(placed.json.id, ['filled']);
    expect(filled.executions).toHaveLength(1);
    const price = Number(filled.executions[0].effective_price);
    expect(price).toBeGreaterThanOrEqual(65013);
    expect(filled.filled_asset_quantity).toBe('0.010000000000000000');
    expect(filled.fee_charged).toBeCloseTo(price * 0.01 * 0.0095, 9);
    expect(filled.estimated_fee_remaining).toBe(0);
    const holdings = await s.client.get('/api/v2/crypto/trading/holdings/?account_number=123456789');
    expect(holdings.json.results[0]).toMatchObject({ asset_code: 'BTC', total_quantity: 0.01 });
    const account = s.sim.engine.account('123456789')!;
    expect(account.cash.toFixed()).toBe(
      (100000 - price * 0.01 - Number(filled.fee_charged)).toFixed(10).replace(/0+$/, ''),
    );
  });

  it('a v1 market sell fills at the spread-inclusive bid with no fee field', async () => {
    s = await setup();
    s.sim.setBalance('123456789', undefined, { ETH: '1' });
    const placed = await s.client.post(V1, market('0.5', 'sell', 'ETH-USD'));
    expect(placed.json).not.toHaveProperty('fee_charged');
    const filled = await until(async () => {
      const r = await s.client.get(`${V1}${placed.json.id}/`);
      return r.json.state === 'filled' ? r.json : undefined;
    });
    expect(Number(filled.average_price)).toBeLessThan(2399.52 * (1 - 0.0025) + 0.01);
    expect(s.sim.engine.account('123456789')!.holdings.get('ETH')!.toFixed()).toBe('0.5');
  });

  it('a limit buy rests until the market crosses, then fills at the ask', async () => {
    s = await setup();
    const body = {
      client_order_id: uuid(),
      side: 'buy',
      type: 'limit',
      symbol: 'BTC-USD',
      limit_order_config: { asset_quantity: '0.1', limit_price: '64000.00', time_in_force: 'gtc' },
    };
    const placed = await s.client.post(V2, body);
    expect(placed.json.limit_order_config).toEqual({
      asset_quantity: '0.100000000000000000',
      limit_price: '64000.000000000000000000',
    });
    expect((await s.client.get('/api/v2/crypto/trading/accounts/')).json.results[0].buying_power).toBe('93539.20'); // 0.1 × 64000 plus the 0.95% fee, held back
    await control(s.sim, '/_sim/market/step', { ticks: 1 });
    expect((await s.client.get(v2Get(placed.json.id))).json.state).toBe('open');
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '63900' });
    const filled = await settle(placed.json.id, ['filled']);
    expect(filled.average_price).toBe('63912.780000000000000000');
  });

  it('a stop_loss sell triggers when the mid crosses the stop, then fills as a market order', async () => {
    s = await setup();
    s.sim.setBalance('123456789', undefined, { BTC: '1' });
    const body = {
      client_order_id: uuid(),
      side: 'sell',
      type: 'stop_loss',
      symbol: 'BTC-USD',
      stop_loss_order_config: { asset_quantity: '0.2', stop_price: '60000.00', time_in_force: 'gtc' },
    };
    const placed = await s.client.post(V2, body);
    expect(placed.json.stop_loss_order_config.time_in_force).toBe('gtc');
    const holdings = await s.client.get('/api/v2/crypto/trading/holdings/?account_number=123456789');
    expect(holdings.json.results[0]).toMatchObject({ total_quantity: 1.0, quantity_available_for_trading: 0.8 });
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '60500' });
    expect((await s.client.get(v2Get(placed.json.id))).json.state).toBe('open');
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '59000' });
    const filled = await settle(placed.json.id, ['filled']);
    expect(Number(filled.average_price)).toBeLessThanOrEqual(58988.2);
  });

  it('a stop_limit buy triggers, then fills only within its limit', async () => {
    s = await setup();
    const body = {
      client_order_id: uuid(),
      side: 'buy',
      type: 'stop_limit',
      symbol: 'BTC-USD',
      stop_limit_order_config: {
        quote_amount: '700.00',
        stop_price: '70000.00',
        limit_price: '70100.00',
        time_in_force: 'gtc',
      },
    };
    const placed = await s.client.post(V2, body);
    expect(placed.json.stop_limit_order_config).toMatchObject({
      quote_amount: '700.000000000000000000',
      time_in_force: 'gtc',
    });
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '70500' });
    expect((await s.client.get(v2Get(placed.json.id))).json.state).toBe('open'); // triggered, ask above the limit
    expect(s.sim.engine.order(placed.json.id)!.triggered).toBe(true);
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '70050' });
    const filled = await settle(placed.json.id, ['filled']);
    expect(filled.filled_asset_quantity).toBe('0.009985730000000000'); // 700 / 70100, rounded down
  });

  it('partial fills add up to the order, one share of the quoted size per quote', async () => {
    s = await setup({}, '1000000');
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '65000', size: '1' });
    const body = {
      client_order_id: uuid(),
      side: 'buy',
      type: 'limit',
      symbol: 'BTC-USD',
      limit_order_config: { asset_quantity: '2.2', limit_price: '66000.00', time_in_force: 'gtc' },
    };
    const placed = await s.client.post(V2, body);
    const first = await settle(placed.json.id, ['partially_filled']);
    expect(first.filled_asset_quantity).toBe('0.500000000000000000');
    for (let i = 0; i < 4; i++)
      await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: String(65000 + i), size: '1' });
    const done = await settle(placed.json.id, ['filled']);
    expect(done.executions.map((e: { quantity: string }) => Number(e.quantity))).toEqual([0.5, 0.5, 0.5, 0.5, 0.2]);
    const sum = done.executions.reduce((a: number, e: { quantity: string }) => a + Number(e.quantity), 0);
    expect(sum).toBeCloseTo(2.2, 10);
  });

  it('cancel is acknowledged at once and settles later; a canceled order keeps its partial fill', async () => {
    s = await setup({ cancelDelayMs: 300 }, '1000000');
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '65000', size: '1' });
    const body = {
      client_order_id: uuid(),
      side: 'buy',
      type: 'limit',
      symbol: 'BTC-USD',
      limit_order_config: { asset_quantity: '3', limit_price: '66000.00', time_in_force: 'gtc' },
    };
    const placed = await s.client.post(V2, body);
    await settle(placed.json.id, ['partially_filled']);
    const cancel = await s.client.post(`/api/v2/crypto/trading/orders/${placed.json.id}/cancel/`);
    expect(cancel.status).toBe(200);
    expect(cancel.json.state).toBe('partially_filled');
    const canceled = await settle(placed.json.id, ['canceled']);
    expect(canceled.filled_asset_quantity).toBe('0.500000000000000000');
    expect(s.sim.engine.account('123456789')!.reservedCash.toFixed()).toBe('0');
    const again = await s.client.post(`/api/v2/crypto/trading/orders/${placed.json.id}/cancel/`);
    expect(again.status).toBe(400);
  });

  it('v1 cancel answers text/plain', async () => {
    s = await setup();
    const body = {
      client_order_id: uuid(),
      side: 'buy',
      type: 'limit',
      symbol: 'BTC-USD',
      limit_order_config: { asset_quantity: '0.1', limit_price: '1000.00' },
    };
    const placed = await s.client.post(V1, body);
    expect(placed.status).toBe(201);
    const r = await s.client.post(`${V1}${placed.json.id}/cancel/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(r.text).toBe(`Cancel request was submitted for order ${placed.json.id}`);
    await until(async () =>
      (await s.client.get(`${V1}${placed.json.id}/`)).json.state === 'canceled' ? true : undefined,
    );
  });
});

describe('rejections', () => {
  const cases: Array<[string, Record<string, unknown>, string, string | RegExp]> = [
    ['off-increment quantity', market('0.000000001'), 'market_order_config.asset_quantity', /invalid increment/],
    [
      'below the minimum amount (v2 has no minimum size)',
      market('0.0000001'),
      'market_order_config.asset_quantity',
      /below the minimum order amount of 0.1/,
    ],
    ['above the maximum', market('21'), 'market_order_config.asset_quantity', /above the maximum order size of 20/],
    ['beyond buying power', market('2'), 'non_field_errors', 'Insufficient buying power.'],
    ['beyond holdings', market('1', 'sell'), 'non_field_errors', 'Insufficient BTC holdings.'],
    ['unknown symbol', market('1', 'buy', 'FOO-USD'), 'symbol', 'Invalid symbol: FOO-USD.'],
    ['not API tradable', market('10', 'buy', 'XLM-USD'), 'symbol', 'XLM-USD is not tradable through the API.'],
    ['lowercase symbol', market('1', 'buy', 'btc-usd'), 'symbol', /uppercase/],
    ['bad uuid', { ...market('0.01'), client_order_id: 'abc' }, 'client_order_id', 'Must be a valid UUID.'],
    ['bad side', { ...market('0.01'), side: 'hold' }, 'side', '"hold" is not a valid choice.'],
    [
      'missing config',
      { client_order_id: uuid(), side: 'buy', type: 'limit', symbol: 'BTC-USD' },
      'limit_order_config',
      'This field is required.',
    ],
    [
      'both sizes',
      {
        client_order_id: uuid(),
        side: 'buy',
        type: 'limit',
        symbol: 'BTC-USD',
        limit_order_config: { asset_quantity: '1', quote_amount: '10', limit_price: '1.00', time_in_force: 'gtc' },
      },
      'limit_order_config',
      /Only one of/,
    ],
    [
      'market by amount',
      {
        client_order_id: uuid(),
        side: 'buy',
        type: 'market',
        symbol: 'BTC-USD',
        market_order_config: { quote_amount: '10' },
      },
      'market_order_config.quote_amount',
      /asset_quantity/,
    ],
    [
      'missing limit price',
      {
        client_order_id: uuid(),
        side: 'buy',
        type: 'limit',
        symbol: 'BTC-USD',
        limit_order_config: { asset_quantity: '0.01', time_in_force: 'gtc' },
      },
      'limit_order_config.limit_price',
      'This field is required.',
    ],
    [
      'off-increment price',
      {
        client_order_id: uuid(),
        side: 'buy',
        type: 'limit',
        symbol: 'BTC-USD',
        limit_order_config: { asset_quantity: '0.01', limit_price: '100.001', time_in_force: 'gtc' },
      },
      'limit_order_config.limit_price',
      /invalid increment/,
    ],
    [
      'bad time in force',
      {
        client_order_id: uuid(),
        side: 'buy',
        type: 'limit',
        symbol: 'BTC-USD',
        limit_order_config: { asset_quantity: '0.01', limit_price: '100.00', time_in_force: 'ioc' },
      },
      'limit_order_config.time_in_force',
      '"ioc" is not a valid choice.',
    ],
    ['not a number', market('lots'), 'market_order_config.asset_quantity', 'A valid number is required.'],
    [
      'below min amount',
      {
        client_order_id: uuid(),
        side: 'buy',
        type: 'limit',
        symbol: 'XRP-USD',
        limit_order_config: { asset_quantity: '0.1', limit_price: '0.5', time_in_force: 'gtc' },
      },
      'limit_order_config.asset_quantity',
      /minimum order amount of 0.1/,
    ],
  ];
  it.each(cases)('refuses %s with 400', async (_name, body, attr, detail) => {
    s = await setup({}, '1000');
    const r = await s.client.post(V2, body);
    expect(r.status).toBe(400);
    expect(r.json.type).toBe('validation_error');
    const error = r.json.errors.find((e: { attr: string }) => e.attr === attr);
    expect(error, JSON.stringify(r.json)).toBeDefined();
    if (typeof detail === 'string') expect(error.detail).toBe(detail);
    else expect(error.detail).toMatch(detail);
    expect(s.sim.engine.orders()).toHaveLength(0);
  });
  it('holds v1 orders to a minimum size in asset units, and v2 orders only to a minimum amount in USD', async () => {
    s = await setup({}, '1000');
    const v1 = await s.client.post(V1, market('0.00005', 'buy', 'ETH-USD'));
    expect(v1.status).toBe(400);
    expect(v1.json.errors).toEqual([
      {
        detail: 'Order quantity 0.00005 is below the minimum order size of 0.0001.',
        attr: 'market_order_config.asset_quantity',
      },
    ]);
    // The same size on v2: no size minimum is published there, and it is worth more than ETH-USD's 0.1 USD.
    const v2 = await s.client.post(V2, market('0.00005', 'buy', 'ETH-USD'));
    expect(v2.status, JSON.stringify(v2.json)).toBe(201);
  });

  it('answers a body that is not JSON with a 400 validation_error naming no field', async () => {
    s = await setup();
    const r = await s.client.request('POST', V1, '{bad json');
    expect(r.status).toBe(400);
    expect(r.json.type).toBe('validation_error');
    expect(r.json.errors).toHaveLength(1);
    expect(r.json.errors[0].attr).toBe('non_field_errors');
    expect(r.json.errors[0].detail).toMatch(/^JSON parse error - /);
  });

  it('v2 refuses account_number in the body instead of the query', async () => {
    s = await setup();
    const r = await s.client.post('/api/v2/crypto/trading/orders/', { ...market('0.01'), account_number: '123456789' });
    expect(r.json).toEqual({
      type: 'validation_error',
      errors: [{ detail: 'The account_number parameter is required.', attr: 'account_number' }],
    });
  });
});

describe('client_order_id', () => {
  it('a re-send returns the original order and never creates a second one', async () => {
    s = await setup();
    const body = market('0.01');
    const a = await s.client.post(V2, body);
    const b = await s.client.post(V2, body);
    expect(b.status).toBe(201);
    expect(b.json.id).toBe(a.json.id);
    expect(s.sim.engine.orders()).toHaveLength(1);
    const c = await s.client.post(V2, { ...body, market_order_config: { asset_quantity: '0.02' } });
    expect(c.status).toBe(400);
    expect(c.json.errors[0].attr).toBe('client_order_id');
    expect(s.sim.engine.orders()).toHaveLength(1);
  });

  it('v1 and v2 keep their orders apart: each lists, reads and cancels its own, and an id is per version', async () => {
    s = await setup();
    const body = market('0.01');
    const v1 = await s.client.post(V1, body);
    const v2 = await s.client.post(V2, body); // the same client_order_id: a new v2 order, not the v1 one
    expect([v1.status, v2.status]).toEqual([201, 201]);
    expect(v2.json.id).not.toBe(v1.json.id);
    expect(v2.json).toHaveProperty('fee_charged');
    expect(v1.json).not.toHaveProperty('fee_charged');
    const v1List = await s.client.get(V1);
    const v2List = await s.client.get(V2);
    expect(v1List.json.results.map((o: { id: string }) => o.id)).toEqual([v1.json.id]);
    expect(v2List.json.results.map((o: { id: string }) => o.id)).toEqual([v2.json.id]);
    expect((await s.client.get(`${V1}${v2.json.id}/`)).status).toBe(404);
    expect((await s.client.get(v2Get(v1.json.id))).status).toBe(404);
  });
});
