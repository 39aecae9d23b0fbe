// The dashboard over a real paper session: embedded simulator → client → market data → strategies → execution.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPaperSession } from '../../src/app/paper-session.ts';
import { loadConfig } from '../../src/config/loader.ts';
import { SILENT_LOGGER } from '../../src/execution/types.ts';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { readiness } from '../../src/monitoring/health.ts';
import { createSessionSource } from '../../src/web/session-source.ts';
import { startWebServer } from '../../src/web/server.ts';
import { fastPaperSets } from '../support/paper.ts';
import { untilValue } from '../support/until.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sherwood-web-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('session source', () => {
  it('serves a running paper session: ready, orders from the store, metrics', async () => {
    const config = loadConfig({
      cwd: dir,
      env: {},
      sets: fastPaperSets(dir),
    });
    const session = await startPaperSession({ config, out: () => {}, logger: SILENT_LOGGER, statusEveryMs: 60_000 });
    const source = createSessionSource({
      mode: config.app.mode,
      venueUrl: session.url,
      now: () => Date.now(),
      startedAt: Date.now(),
      staleAfterMs: config.market_data.stale_after_ms,
      engine: session.engine,
      risk: session.node.risk,
      portfolio: session.portfolio,
      runner: session.node.runner,
      market: session.node.cache,
      feed: session.node.feed,
      circuits: () => session.client.health().circuits,
      store: session.engine.store,
    });
    const web = await startWebServer({ port: 0, source, metrics: new Metrics({ defaultMetrics: false }) });
    try {
      const ready = await untilValue(
        'readiness',
        async () => {
          const r = await readiness(source);
          return r.ok ? r : undefined;
        },
        30_000,
        100,
      );
      expect(ready.checks.map((c) => c.name)).toEqual(['venue', 'market_data', 'engine', 'store']);

      const status = (await (await fetch(`${web.url}/api/status`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({
        mode: 'paper',
        venueUrl: session.url,
        engineState: 'RUNNING',
        store: { writable: true },
        circuits: expect.arrayContaining([{ group: 'trading', state: 'closed', consecutiveFailures: 0 }]),
        health: { ok: true },
      });

      type Orders = { recent: Array<{ clientOrderId: string; strategyId: string; quantity?: string }> };
      const orders = await untilValue(
        'orders in the store',
        async () => {
          const o = (await (await fetch(`${web.url}/api/orders?limit=5`)).json()) as Orders;
          return o.recent.length > 0 ? o : undefined;
        },
        30_000,
        100,
      );
      expect(orders.recent.length).toBeLessThanOrEqual(5);
      expect(orders.recent[0]!.strategyId).toMatch(/^demo-/);

      const metrics = await (await fetch(`${web.url}/metrics`)).text();
      expect(metrics).toMatch(/sherwood_equity \d/);
      expect(metrics).toMatch(/sherwood_market_data_age_seconds\{symbol="BTC-USD"\} \d/);
      expect(metrics).toContain('sherwood_circuit_state{group="market_data"} 0');
    } finally {
      await web.close();
      await session.stop();
    }
  });

  it('reports a store that refuses writes, and reuses the probe for a while', async () => {
    let writes = 0;
    let now = 1_000;
    const source = createSessionSource({
      mode: 'paper',
      venueUrl: 'http://127.0.0.1:1',
      now: () => now,
      startedAt: 0,
      staleAfterMs: 10_000,
      engine: { state: 'RUNNING', stateReason: '', openOrders: () => [] },
      risk: {
        state: 'RUNNING',
        reasons: () => [],
        metrics: () => ({
          state: 'RUNNING',
          stateCode: 0,
          reasons: [],
          drawdown: 0,
          peakEquity: 0,
          dailyLoss: 0,
          approved: 0,
          denied: {},
        }),
      },
      portfolio: {
        snapshot: () => {
          throw new Error('unused');
        },
        equityHistory: () => [],
      },
      runner: { stats: () => [] },
      market: { quote: () => undefined, age: () => undefined },
      feed: { symbols: ['BTC-USD'], stats: { polls: 0, consecutiveErrors: 0, lastError: undefined } },
      store: {
        listOrders: () => Promise.resolve([]),
        fillsForOrder: () => Promise.resolve([]),
        setKv: () => {
          writes++;
          return Promise.reject(new Error('attempt to write a readonly database'));
        },
      },
      storeProbeEveryMs: 5_000,
    });
    const first = await source.status();
    expect(first.store).toEqual({ writable: false, detail: 'attempt to write a readonly database' });
    expect(first.venue.lastPollOk).toBe(false);
    expect(first.feeds).toEqual([{ symbol: 'BTC-USD' }]);
    now += 1_000;
    await source.status();
    expect(writes).toBe(1);
    now += 5_000;
    await source.status();
    expect(writes).toBe(2);
  });
});
