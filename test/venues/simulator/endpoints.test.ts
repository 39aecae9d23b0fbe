/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- raw JSON replies are checked field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, setup, type Setup } from './helpers.ts';

let s: Setup;
beforeAll(async () => {
  s = await setup({ pageSize: 3 });
  s.sim.setBalance('123456789', undefined, { BTC: '0.5', ETH: '2' });
});
afterAll(async () => s.sim.close());

const ACC = 'account_number=123456789';

describe('accounts', () => {
  it('v1 answers one account object', async () => {
    const r = await s.client.get('/api/v1/crypto/trading/accounts/');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      account_number: '123456789',
      status: 'active',
      buying_power: '100000.00',
      buying_power_currency: 'USD',
    });
  });
  it('v2 answers a page with fee tier status as bare numbers', async () => {
    const r = await s.client.get('/api/v2/crypto/trading/accounts/');
    expect(r.json).toEqual({
      next: null,
      previous: null,
      results: [
        {
          account_number: '123456789',
          account_type: 'individual',
          status: 'active',
          buying_power: '100000.00',
          buying_power_currency: 'USD',
          is_api_tradable: true,
          fee_tier_status: {
            fee_ratio: 0.0095,
            thirty_day_volume: 0,
            next_fee_tier_ratio: 0.0075,
            next_fee_tier_threshold: 50000,
          },
        },
      ],
    });
    expect(r.text).toContain('"fee_ratio":0.0095,"thirty_day_volume":0.0,');
  });
});

describe('trading pairs', () => {
  it('v1 rows are all strings, paginated with absolute links', async () => {
    const r = await s.client.get('/api/v1/crypto/trading/trading_pairs/');
    expect(r.json.results).toHaveLength(3);
    expect(r.json.results[0]).toEqual({
      asset_code: 'BTC',
      quote_code: 'USD',
      quote_increment: '0.01',
      asset_increment: '0.00000001',
      max_order_size: '20.0000000000000000',
      min_order_size: '0.0000010000000000',
      status: 'tradable',
      symbol: 'BTC-USD',
    });
    expect(r.json.next).toMatch(new RegExp(`^${s.sim.url}/api/v1/crypto/trading/trading_pairs/\\?cursor=`));
    expect(r.json.previous).toBeNull();
  });
  it('v2 rows carry min_order_amount and is_api_tradable; symbols repeat the key', async () => {
    const r = await s.client.get('/api/v2/crypto/trading/trading_pairs/?symbol=BTC-USD&symbol=XLM-USD');
    expect(r.json.results).toEqual([
      {
        symbol: 'BTC-USD',
        asset_code: 'BTC',
        quote_code: 'USD',
        asset_increment: '0.00000001',
        quote_increment: '0.01',
        max_order_size: '20.0000000000000000',
        min_order_amount: '0.1',
        status: 'tradable',
        is_api_tradable: true,
      },
      {
        symbol: 'XLM-USD',
        asset_code: 'XLM',
        quote_code: 'USD',
        asset_increment: '0.01',
        quote_increment: '0.000001',
        max_order_size: '2000000.0000000000000000',
        status: 'tradable',
        is_api_tradable: false,
      },
    ]);
  });
  it('refuses comma-joined symbols', async () => {
    const r = await s.client.get('/api/v2/crypto/trading/trading_pairs/?symbol=BTC-USD,ETH-USD');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      type: 'validation_error',
      errors: [{ detail: 'Malformed symbol parameter', attr: 'symbol' }],
    });
  });
});

describe('holdings', () => {
  it('v1 lists holdings with bare numbers', async () => {
    const r = await s.client.get('/api/v1/crypto/trading/holdings/?asset_code=BTC');
    expect(r.json.results).toEqual([
      { account_number: '123456789', asset_code: 'BTC', total_quantity: 0.5, quantity_available_for_trading: 0.5 },
    ]);
  });
  it('v2 needs account_number', async () => {
    const r = await s.client.get('/api/v2/crypto/trading/holdings/');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      type: 'validation_error',
      errors: [{ detail: 'The account_number parameter is required.', attr: 'account_number' }],
    });
    const ok = await s.client.get(`/api/v2/crypto/trading/holdings/?${ACC}`);
    expect(ok.json.results.map((h: { asset_code: string }) => h.asset_code)).toEqual(['BTC', 'ETH']);
  });
  it("refuses another account's number with 403", async () => {
    const r = await s.client.get('/api/v2/crypto/trading/holdings/?account_number=999');
    expect(r.status).toBe(403);
    expect(r.json.type).toBe('client_error');
  });
});

describe('market data', () => {
  it('v2 best bid/ask: strings, nanosecond timestamps, no pagination keys', async () => {
    await control(s.sim, '/_sim/market/price', { symbol: 'BTC-USD', price: '65000' });
    const r = await s.client.get('/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD&symbol=ETH-USD');
    expect(Object.keys(r.json)).toEqual(['results']);
    expect(r.json.results[0]).toMatchObject({ symbol: 'BTC-USD', bid: '64987', ask: '65013' });
    expect(r.json.results[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(r.json.results[1].symbol).toBe('ETH-USD');
  });
  it('v2 best bid/ask requires a symbol; v1 answers all', async () => {
    expect((await s.client.get('/api/v2/crypto/marketdata/best_bid_ask/')).status).toBe(400);
    const v1 = await s.client.get('/api/v1/crypto/marketdata/best_bid_ask/');
    expect(v1.json.results.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(v1.json.results[0])).toEqual([
      'symbol',
      'price',
      'bid_inclusive_of_sell_spread',
      'sell_spread',
      'ask_inclusive_of_buy_spread',
      'buy_spread',
      'timestamp',
    ]);
    expect(typeof v1.json.results[0].price).toBe('number');
  });
  it('can serve a crossed quote', async () => {
    await control(s.sim, '/_sim/market/price', { symbol: 'ETH-USD', bid: '2400.10', ask: '2400.00' });
    const r = await s.client.get('/api/v2/crypto/marketdata/best_bid_ask/?symbol=ETH-USD');
    expect(r.json.results[0]).toMatchObject({ bid: '2400.1', ask: '2400' });
  });
  it('v2 estimated price: ask rows with est_total_cost, bid rows without est_total_credit', async () => {
    const r = await s.client.get(
      '/api/v2/crypto/trading/estimated_price/?symbol=BTC-USD&side=both&quantity=0.001,0.01',
    );
    expect(r.json.results).toHaveLength(4);
    const [bid, ask] = r.json.results;
    expect(Object.keys(ask)).toEqual([
      'symbol',
      'side',
      'quantity',
      'timestamp',
      'fee_ratio',
      'est_fee',
      'ask',
      'est_total_cost',
    ]);
    expect(Object.keys(bid)).toEqual(['symbol', 'side', 'quantity', 'timestamp', 'fee_ratio', 'est_fee', 'bid']);
    expect(ask.est_total_cost).toBeCloseTo(ask.ask * 0.001 + ask.est_fee, 8);
    expect(ask.fee_ratio).toBe(0.0095);
  });
  it('estimated price checks its parameters', async () => {
    const base = '/api/v2/crypto/trading/estimated_price/?symbol=BTC-USD&side=ask&quantity=';
    expect((await s.client.get(base + Array(11).fill('0.1').join(','))).json.errors[0].attr).toBe('quantity');
    expect((await s.client.get(base + '21')).status).toBe(400);
    expect(
      (await s.client.get('/api/v2/crypto/trading/estimated_price/?symbol=BTC-USD&side=up&quantity=1')).json.errors[0],
    ).toEqual({ detail: '"up" is not a valid choice.', attr: 'side' });
    const v1 = await s.client.get('/api/v1/crypto/marketdata/estimated_price/?symbol=BTC-USD&side=bid&quantity=0.1');
    expect(v1.json.results[0]).toMatchObject({ symbol: 'BTC-USD', side: 'bid', quantity: 0.1 });
  });
});

describe('routing', () => {
  it('answers 404 for a path without its trailing slash and for unknown paths', async () => {
    for (const p of [
      '/api/v2/crypto/trading/accounts',
      '/api/v3/crypto/trading/accounts/',
      '/api/v2/crypto/marketdata/estimated_price/',
    ]) {
      const r = await s.client.get(p);
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ type: 'client_error', errors: [{ detail: 'Not found.', attr: null }] });
    }
  });
  it('answers 405 for a wrong method', async () => {
    const r = await s.client.post('/api/v2/crypto/trading/accounts/');
    expect(r.status).toBe(405);
    expect(r.json.errors[0].detail).toBe('Method "POST" not allowed.');
  });
  it('answers 404 for an unknown order id', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    expect((await s.client.get(`/api/v2/crypto/trading/orders/${id}/?${ACC}`)).status).toBe(404);
    expect((await s.client.post(`/api/v1/crypto/trading/orders/${id}/cancel/`)).status).toBe(404);
  });
});
