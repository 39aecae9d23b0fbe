import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromBase64, verifySignature } from '../../../src/venues/simulator/auth.ts';
import { startSimulator, type SimulatorHandle } from '../../../src/venues/simulator/index.ts';
import { Client, setup, type Setup } from './helpers.ts';

// The docs' throwaway credentials and the reference's vectors (§1.6).
const API_KEY = 'rh-api-6148effc-c0b1-486c-8940-a1d099456be6';
const PUBLIC_KEY = 'jPItx4TLjcnSUnmnXQQyAKL4eJj3+oWNNMmmm2vATqk=';
const TS = '1698708981';
const ORDER_PATH = '/api/v1/crypto/trading/orders/';
const COMPACT_BODY =
  '{"client_order_id":"131de903-5a9c-4260-abc1-28d562a5dcf0","side":"buy","type":"market","symbol":"BTC-USD","market_order_config":{"asset_quantity":"0.1"}}';
const PY_REPR_BODY =
  "{'client_order_id': '131de903-5a9c-4260-abc1-28d562a5dcf0', 'side': 'buy', 'symbol': 'BTC-USD', 'type': 'market', 'market_order_config': {'asset_quantity': '0.1'}}";

describe('signature verification against the reference vectors', () => {
  const key = publicKeyFromBase64(PUBLIC_KEY);
  it('accepts the compact-JSON order vector', () => {
    const sig = '6tIj8o6p+4w+ZnaxVanHtxjhC6s5z4lTI+8lNRjJOZp0dVDlco2NR6obVwBiECP8eoHtfcbsGfTu1rESBHOzCA==';
    expect(verifySignature(key, API_KEY, TS, ORDER_PATH, 'POST', Buffer.from(COMPACT_BODY), sig)).toBe(true);
  });
  it('accepts the GET accounts vector (no body)', () => {
    const sig = '08PdjWE9n95K4rcXLZS0z47SdFJ0k/hod/1WRNd2JugZemESR65/J8UJi6yGjd8KRPizSW9goFFqffDOgqGBDQ==';
    expect(verifySignature(key, API_KEY, TS, '/api/v1/crypto/trading/accounts/', 'GET', Buffer.alloc(0), sig)).toBe(
      true,
    );
  });
  it("accepts the docs' published signature over the Python dict text", () => {
    const sig = 'q/nEtxp/P2Or3hph3KejBqnw5o9qeuQ+hYRnB56FaHbjDsNUY9KhB1asMxohDnzdVFSD7StaTqjSd9U9HvaRAw==';
    expect(verifySignature(key, API_KEY, TS, ORDER_PATH, 'POST', Buffer.from(PY_REPR_BODY), sig)).toBe(true);
    expect(verifySignature(key, API_KEY, TS, ORDER_PATH, 'POST', Buffer.from(COMPACT_BODY), sig)).toBe(false);
  });
});

describe('the vector over HTTP, with the clock set to its timestamp', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => sim?.close());
  it('answers 200 to the GET accounts vector', async () => {
    sim = await startSimulator({
      data: 'none',
      rateLimit: false,
      now: () => Number(TS) * 1000 + 500,
      accounts: [{ account_number: '555', api_key: API_KEY, public_key: PUBLIC_KEY, buying_power: '10' }],
    });
    const res = await fetch(`${sim.url}/api/v1/crypto/trading/accounts/`, {
      headers: {
        'x-api-key': API_KEY,
        'x-timestamp': TS,
        'x-signature': '08PdjWE9n95K4rcXLZS0z47SdFJ0k/hod/1WRNd2JugZemESR65/J8UJi6yGjd8KRPizSW9goFFqffDOgqGBDQ==',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      account_number: '555',
      status: 'active',
      buying_power: '10.00',
      buying_power_currency: 'USD',
    });
  });
});

describe('authentication failures answer 401 in the error shape', () => {
  let s: Setup;
  afterEach(async () => s.sim.close());
  const failed = { type: 'client_error', errors: [{ detail: 'Authentication failed', attr: null }] };
  const target = '/api/v2/crypto/trading/accounts/';

  it('accepts a good signature', async () => {
    s = await setup();
    expect((await s.client.get(target)).status).toBe(200);
  });
  it('refuses a bad signature', async () => {
    s = await setup();
    const headers = s.client.headers('GET', target, '');
    headers['x-signature'] = s.client.headers('GET', target + '?x=1', '')['x-signature']!;
    const res = await fetch(s.sim.url + target, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(failed);
  });
  it('refuses an unknown api key', async () => {
    s = await setup();
    const res = await s.client.request('GET', target, undefined, { 'x-api-key': 'rh-api-unknown' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(failed);
  });
  it("refuses a signature made with another account's key", async () => {
    s = await setup();
    const other = new Client(s.sim.url, { ...s.credential, private_key: Buffer.alloc(32, 7).toString('base64') });
    const res = await other.get(target);
    expect(res.status).toBe(401);
  });
  it('refuses a timestamp older than 30 s and one more than 5 s ahead', async () => {
    s = await setup();
    const stale = new Client(s.sim.url, s.credential, () => Math.floor(Date.now() / 1000) - 31);
    expect((await stale.get(target)).json).toEqual(failed);
    const future = new Client(s.sim.url, s.credential, () => Math.floor(Date.now() / 1000) + 60);
    expect((await future.get(target)).status).toBe(401);
    const recent = new Client(s.sim.url, s.credential, () => Math.floor(Date.now() / 1000) - 20);
    expect((await recent.get(target)).status).toBe(200);
  });
  it('refuses a tampered body', async () => {
    s = await setup();
    const path = '/api/v2/crypto/trading/orders/?account_number=123456789';
    const body = JSON.stringify({
      client_order_id: '00000000-0000-4000-8000-000000000001',
      side: 'buy',
      type: 'market',
      symbol: 'BTC-USD',
      market_order_config: { asset_quantity: '0.001' },
    });
    const headers = s.client.headers('POST', path, body);
    const res = await fetch(s.sim.url + path, { method: 'POST', headers, body: body.replace('0.001', '0.002') });
    expect(res.status).toBe(401);
    expect(s.sim.engine.orders()).toHaveLength(0);
  });
  it('refuses a query that was not signed', async () => {
    s = await setup();
    const headers = s.client.headers('GET', '/api/v2/crypto/trading/holdings/', '');
    const res = await fetch(`${s.sim.url}/api/v2/crypto/trading/holdings/?account_number=123456789`, { headers });
    expect(res.status).toBe(401);
  });
  it('asks for missing headers', async () => {
    s = await setup();
    const res = await fetch(s.sim.url + target);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      type: 'client_error',
      errors: [{ detail: 'Authentication credentials were not provided.', attr: null }],
    });
  });
});
