/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- raw JSON replies are checked field by field */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/model/market.ts';
import { barTickSource, parseFaultSpec } from '../../../src/venues/simulator/index.ts';
import { Client, control, setup, until, uuid, type Setup } from './helpers.ts';

const V2 = '/api/v2/crypto/trading/orders/?account_number=123456789';
const order = (price: string) => ({
  client_order_id: uuid(),
  side: 'buy',
  type: 'limit',
  symbol: 'BTC-USD',
  limit_order_config: { asset_quantity: '0.001', limit_price: price, time_in_force: 'gtc' },
});

let s: Setup | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

describe('pagination', () => {
  it('pages orders newest first with absolute next and previous links that keep the filters', async () => {
    s = await setup({ pageSize: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.client.post(V2, order(`${1000 + i}.00`))).json.id);
    const first = await s.client.get(`${V2}&side=buy`);
    expect(first.json.results.map((o: { id: string }) => o.id)).toEqual([ids[4], ids[3]]);
    expect(
      first.json.next.startsWith(
        `${s.sim.url}/api/v2/crypto/trading/orders/?account_number=123456789&side=buy&cursor=`,
      ),
    ).toBe(true);
    const second = await s.client.follow(first.json.next);
    expect(second.json.results.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    const third = await s.client.follow(second.json.next);
    expect(third.json.results.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(third.json.next).toBeNull();
    const back = await s.client.follow(third.json.previous);
    expect(back.json.results.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
  });
  it('filters by state, type, symbol and time; v1 honours limit and id', async () => {
    s = await setup();
    const a = (await s.client.post(V2, order('1000.00'))).json;
    const r = await s.client.get(
      `${V2}&state=open&type=limit&symbol=BTC-USD&created_at_start=${encodeURIComponent(a.created_at)}`,
    );
    expect(r.json.results).toHaveLength(1);
    expect((await s.client.get(`${V2}&state=filled`)).json.results).toHaveLength(0);
    expect((await s.client.get(`${V2}&state=partially_filled`)).status).toBe(400);
    expect((await s.client.get(`${V2}&updated_at_end=2000-01-01T00:00:00Z`)).json.results).toHaveLength(0);
    const v1 = await s.client.post('/api/v1/crypto/trading/orders/', order('1000.00'));
    await s.client.post('/api/v1/crypto/trading/orders/', order('1001.00'));
    const byId = await s.client.get(`/api/v1/crypto/trading/orders/?id=${v1.json.id}`);
    expect(byId.json.results.map((o: { id: string }) => o.id)).toEqual([v1.json.id]);
    const limited = await s.client.get('/api/v1/crypto/trading/orders/?limit=1');
    expect(limited.json.results).toHaveLength(1);
    expect(limited.json.next).not.toBeNull();
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once the bucket is empty', async () => {
    s = await setup({ rateLimit: { capacity: 5, refillPerMinute: 1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await s.client.get('/api/v1/crypto/trading/accounts/')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const r = await s.client.get('/api/v1/crypto/trading/accounts/');
    expect(r.json.type).toBe('client_error');
    expect(r.json.errors[0].attr).toBeNull();
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps a bucket per endpoint by default, and one per account when asked', async () => {
    const accounts = '/api/v1/crypto/trading/accounts/';
    const quotes = '/api/v1/crypto/marketdata/best_bid_ask/?symbol=BTC-USD';
    s = await setup({ rateLimit: { capacity: 2, refillPerMinute: 1 } });
    const perEndpoint: number[] = [];
    for (const target of [accounts, accounts, accounts, quotes, quotes, quotes])
      perEndpoint.push((await s.client.get(target)).status);
    expect(perEndpoint).toEqual([200, 200, 429, 200, 200, 429]);
    await s.sim.close();
    s = await setup({ rateLimit: { capacity: 2, refillPerMinute: 1, perEndpoint: false } });
    const shared: number[] = [];
    for (const target of [accounts, accounts, quotes]) shared.push((await s.client.get(target)).status);
    expect(shared).toEqual([200, 200, 429]);
  });
});

describe('fault injection', () => {
  it('parses a spec and refuses unknown faults', () => {
    expect(
      parseFaultSpec('429:0.05,5xx:0.02,slow:0.1@2000,drop:0.01,cancel-delay:5000,fail-orders:0.1,post-timeout:0.05'),
    ).toEqual({
      rateLimited: 0.05,
      serverError: 0.02,
      slow: 0.1,
      slowMs: 2000,
      drop: 0.01,
      cancelDelayMs: 5000,
      failOrders: 0.1,
      postTimeout: 0.05,
    });
    expect(() => parseFaultSpec('boom:1')).toThrow(/unknown fault "boom"/);
    expect(() => parseFaultSpec('429:2')).toThrow(/not valid for 429/);
  });
  it('injects 429 and 5xx in the error shape', async () => {
    s = await setup({ faults: '429:1' });
    const r = await s.client.get('/api/v1/crypto/trading/accounts/');
    expect(r.status).toBe(429);
    await control(s.sim, '/_sim/faults', { spec: '5xx:1' });
    const e = await s.client.get('/api/v1/crypto/trading/accounts/');
    expect([500, 503]).toContain(e.status);
    expect(e.json).toEqual({ type: 'server_error', errors: [{ detail: 'A server error occurred.', attr: null }] });
  });
  it('slows answers down, and drops connections', async () => {
    s = await setup({ faults: 'slow:1@50' });
    expect((await s.client.get('/api/v1/crypto/trading/accounts/')).status).toBe(200);
    s.sim.setFaults('drop:1');
    await expect(s.client.get('/api/v1/crypto/trading/accounts/')).rejects.toThrow();
  });
  it('holds every request for the configured latency before handling it', async () => {
    s = await setup({ latencyMs: 120 });
    const started = performance.now();
    expect((await s.client.get('/api/v1/crypto/trading/accounts/')).status).toBe(200);
    // A lower bound (a timer never fires early by more than its 1 ms rounding); how much later is not asserted.
    expect(performance.now() - started).toBeGreaterThanOrEqual(119);
  });
  it('fails orders, delays cancels, and swallows order POSTs that still create the order', async () => {
    s = await setup({ faults: 'fail-orders:1' });
    const failed = await s.client.post(V2, order('1000.00'));
    await until(async () =>
      (await s!.client.get(`/api/v2/crypto/trading/orders/${failed.json.id}/?account_number=123456789`)).json.state ===
      'failed'
        ? true
        : undefined,
    );
    s.sim.setFaults('cancel-delay:200');
    expect(s.sim.engine.cancelDelayMs).toBe(200);
    s.sim.setFaults('post-timeout:1');
    const body = order('1000.00');
    await expect(
      fetch(s.sim.url + V2, {
        method: 'POST',
        headers: s.client.headers('POST', V2, JSON.stringify(body)),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    s.sim.setFaults('');
    const list = await s.client.get(V2);
    expect(list.json.results.map((o: { client_order_id: string }) => o.client_order_id)).toContain(
      body.client_order_id,
    );
  });
  it('draws the same faults from the same seed', async () => {
    const run = async (): Promise<number[]> => {
      const t = await setup({ faults: '429:0.5', seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await t.client.get('/api/v1/crypto/trading/accounts/')).status);
      await t.sim.close();
      return out;
    };
    const a = await run();
    expect(a).toContain(429);
    expect(a).toContain(200);
    expect(await run()).toEqual(a);
  });
});

describe('determinism', () => {
  it('the same seed, clock and requests give the same orders and fills', async () => {
    const run = async (): Promise<unknown[]> => {
      let t = Date.UTC(2026, 0, 5, 12);
      const now = (): number => t;
      const bars: Bar[] = Array.from({ length: 20 }, (_, i) => ({
        symbol: 'BTC-USD',
        timestamp: i * 3_600_000,
        intervalMs: 3_600_000,
        open: 65000 + i * 50,
        high: 65400 + i * 50,
        low: 64700 + i * 50,
        close: 65100 + i * 50,
        volume: 40,
      }));
      const x = await setup({ seed: 9, now, speed: 0, sources: [barTickSource('BTC-USD', bars)] });
      const client = new Client(x.sim.url, x.credential, () => Math.floor(t / 1000));
      const ids = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2'];
      await client.post(V2, {
        client_order_id: ids[0],
        side: 'buy',
        type: 'limit',
        symbol: 'BTC-USD',
        limit_order_config: { asset_quantity: '0.5', limit_price: '65200.00', time_in_force: 'gtc' },
      });
      await client.post(V2, {
        client_order_id: ids[1],
        side: 'buy',
        type: 'market',
        symbol: 'BTC-USD',
        market_order_config: { asset_quantity: '0.2' },
      });
      for (let i = 0; i < 30; i++) {
        t += 1000;
        x.sim.step(1);
      }
      const list = await client.get(V2);
      await x.sim.close();
      return list.json.results;
    };
    const a = await run();
    expect((a[1] as { executions: unknown[] }).executions.length).toBeGreaterThan(1);
    expect(await run()).toEqual(a);
  });
});

describe('replay', () => {
  it('turns bars into a quote path the market steps through', async () => {
    const bars: Bar[] = [
      { symbol: 'ETH-USD', timestamp: 0, intervalMs: 60_000, open: 100, high: 110, low: 95, close: 105, volume: 10 },
    ];
    const source = barTickSource('ETH-USD', bars, 4);
    expect([0, 1, 2, 3].map((i) => source.tickAt(i).mid)).toEqual([100, 95, 110, 105]); // up bar: O→L→H→C
    s = await setup({ sources: [source], speed: 0 });
    const mids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const q = s.sim.market.quote('ETH-USD')!;
      expect(q.bid.lt(q.ask)).toBe(true);
      mids.push(q.mid.toFixed(1));
      s.sim.step(1);
    }
    expect(mids).toEqual(['100.0', '95.0', '110.0', '105.0']);
  });
});
