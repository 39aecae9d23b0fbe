import { afterEach, describe, expect, it } from 'vitest';
import { Registry, Counter } from 'prom-client';
import WebSocket from 'ws';
import { FakeDashboardSource } from '../../src/web/fake-source.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';
import { Metrics } from '../../src/monitoring/metrics.ts';

let server: WebServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(source = new FakeDashboardSource(), extra: { registry?: Registry } = {}): Promise<WebServer> {
  server = await startWebServer({
    port: 0,
    source,
    metrics: new Metrics({ defaultMetrics: false }),
    pushIntervalMs: 50,
    ...extra,
  });
  return server;
}

interface WireOrder extends Record<string, unknown> {
  readonly status: string;
}
interface WirePortfolio {
  snapshot: {
    accountId: string;
    account: { equity: number; cash: string; positions: Array<{ symbol: string; quantity: string }> };
  };
  history: Array<{ timestamp: number; equity: number; cash: string }>;
}
interface WireQuote {
  symbol: string;
  bid: number;
  ask: number;
  mid: number;
  spread: number;
}
interface WirePush extends Record<string, unknown> {
  readonly status: { riskState: string };
}

async function get<T = unknown>(path: string): Promise<{ status: number; type: string; body: T; text: string }> {
  const res = await fetch(`${server!.url}${path}`);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, body: (type.includes('json') ? JSON.parse(text) : undefined) as T };
}

describe('web server', () => {
  it('binds 127.0.0.1 by default', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /metrics serves Prometheus text with values from the source and an extra registry', async () => {
    const registry = new Registry();
    new Counter({ name: 'extra_things_total', help: 'extra', registers: [registry] }).inc(3);
    await start(new FakeDashboardSource(), { registry });
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.text).toContain('sherwood_positions{symbol="BTC-USD"} 0.12345678');
    expect(res.text).toContain('sherwood_engine_state 0');
    expect(res.text).toContain('extra_things_total 3');
  });

  it('GET /metrics still answers when the source fails', async () => {
    const source = new FakeDashboardSource();
    source.status = () => {
      throw new Error('boom');
    };
    await start(source);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('sherwood_fills_total 0');
  });

  it('health: live 200; ready 200, then 503 with the failing check', async () => {
    const source = new FakeDashboardSource();
    await start(source);
    expect((await get('/health/live')).status).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ok: true });
    source.engineState = 'HALTED';
    const notReady = await get('/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({
      ok: false,
      checks: expect.arrayContaining([expect.objectContaining({ name: 'engine', ok: false })]),
    });
  });

  it('GET /api/status: states, reasons, feeds, circuits and the readiness report', async () => {
    const source = new FakeDashboardSource();
    source.riskState = 'REDUCING';
    source.riskReasons = ['daily loss 3%'];
    await start(source);
    const res = await get('/api/status');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      mode: 'paper',
      venueUrl: 'http://127.0.0.1:8787',
      engineState: 'RUNNING',
      riskState: 'REDUCING',
      riskReasons: ['daily loss 3%'],
      uptimeMs: 3_600_000,
      feeds: [
        { symbol: 'BTC-USD', ageMs: 1500 },
        { symbol: 'ETH-USD', ageMs: 1500 },
      ],
      circuits: expect.arrayContaining([{ group: 'trading', state: 'closed', consecutiveFailures: 0 }]),
      store: { writable: true },
      health: { ok: true },
    });
  });

  it('GET /api/portfolio: decimals as exact strings, history thinned to ?points', async () => {
    await start();
    const res = await get<WirePortfolio>('/api/portfolio');
    const body = res.body;
    expect(body.snapshot.accountId).toBe('FAKE-ACCOUNT');
    expect(typeof body.snapshot.account.equity).toBe('number');
    // 100000 − 0.12345678 × 95000.5 − 1.25 − 1.5 × 3000.25 − 0.75: exact, as a string
    expect(body.snapshot.account.cash).toBe('83769.16917161');
    const btc = body.snapshot.account.positions.find((p) => p.symbol === 'BTC-USD');
    expect(btc).toMatchObject({ quantity: '0.12345678', averageEntryPrice: '95000.5' });
    expect(body.history.length).toBeGreaterThanOrEqual(60);
    expect(body.history[0]).toMatchObject({
      timestamp: expect.any(Number),
      equity: expect.any(Number),
      cash: expect.any(String),
    });
    const thin = (await get<WirePortfolio>('/api/portfolio?points=10')).body;
    expect(thin.history).toHaveLength(10);
    expect(thin.history[9]).toEqual(body.history.at(-1));
  });

  it('GET /api/orders: open and recent, limit validated', async () => {
    await start();
    const body = (await get<{ open: WireOrder[]; recent: WireOrder[] }>('/api/orders?limit=2')).body;
    expect(body.open).toHaveLength(1);
    expect(body.open[0]).toMatchObject({
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'limit',
      status: 'open',
      quantity: '0.05',
      limitPrice: '99000.01',
      filledQuantity: '0',
      fills: 0,
      strategyId: 'demo-mm-btc',
    });
    expect(body.open[0]!.fillIds).toBeUndefined();
    expect(body.recent.map((o) => o.status)).toEqual(['open', 'filled']);
    const bad = await get<{ message: string }>('/api/orders?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('limit');
  });

  it('GET /api/strategies and /api/quotes', async () => {
    await start();
    const strategies = (await get<{ strategies: Array<{ id: string }> }>('/api/strategies')).body;
    expect(strategies.strategies.map((s) => s.id)).toEqual(['demo-mm-btc', 'demo-trend-eth']);
    expect(strategies.strategies[1]).toMatchObject({
      status: 'running',
      denials: 2,
      lastError: 'fake: indicator not warm',
    });
    const quotes = (await get<{ quotes: WireQuote[] }>('/api/quotes')).body;
    expect(quotes.quotes).toHaveLength(2);
    const q = quotes.quotes[0]!;
    expect(q).toMatchObject({ symbol: 'BTC-USD', bid: expect.any(Number), ask: expect.any(Number) });
    expect(q.mid).toBeCloseTo((q.bid + q.ask) / 2, 9);
    expect(q.spread).toBeCloseTo(10, 9);
  });

  it('unknown routes answer 404 JSON', async () => {
    await start();
    const res = await get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'no route GET /api/nope' });
  });

  it('serves the dashboard page and its script', async () => {
    await start();
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('<script src="/app.js">');
    const js = await get('/app.js');
    expect(js.type).toContain('javascript');
    expect(js.text).toContain('new WebSocket(');
  });

  it('/ws pushes a status and portfolio snapshot, again every interval', async () => {
    const source = new FakeDashboardSource();
    await start(source);
    const ws = new WebSocket(`${server!.url.replace('http', 'ws')}/ws`);
    const messages: WirePush[] = [];
    ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8')) as WirePush));
    try {
      const deadline = Date.now() + 5_000;
      while (messages.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(messages[0]).toMatchObject({
        type: 'snapshot',
        status: { engineState: 'RUNNING', health: { ok: true } },
        portfolio: { snapshot: { accountId: 'FAKE-ACCOUNT' }, latest: { equity: expect.any(Number) } },
        openOrders: [{ status: 'open', quantity: '0.05' }],
        strategies: expect.any(Array),
        quotes: expect.any(Array),
      });
      source.riskState = 'HALTED';
      while (!messages.some((m) => m.status.riskState === 'HALTED') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(messages.some((m) => m.status.riskState === 'HALTED')).toBe(true);
    } finally {
      ws.close();
    }
  });
});

describe('monitoring-only server', () => {
  it('serves /metrics and /health but not the dashboard when dashboard is false', async () => {
    server = await startWebServer({
      port: 0,
      source: new FakeDashboardSource(),
      metrics: new Metrics({ defaultMetrics: false }),
      dashboard: false,
    });
    expect((await get('/metrics')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
    expect((await get('/api/status')).status).toBe(404);
    expect((await get('/')).status).toBe(404);
  });
});
