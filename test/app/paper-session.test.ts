// The whole paper loop in one process: embedded simulator → client → market data → strategies → risk → execution →
// portfolio. After a short run the books must agree with the venue to the last decimal.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fastPaperSets } from '../support/paper.ts';
import { until } from '../support/until.ts';
import { DEMO_STRATEGIES, startPaperSession } from '../../src/app/paper-session.ts';
import { loadConfig } from '../../src/config/loader.ts';
import { dec, toPlain, ZERO } from '../../src/core/decimal.ts';
import { SILENT_LOGGER } from '../../src/execution/types.ts';
import { LiveClock } from '../../src/core/clock.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import { MemoryStore } from '../../src/persistence/memory-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sherwood-paper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paper session', () => {
  it('trades the demo strategies on the embedded simulator and keeps its books equal to the venue', async () => {
    const config = loadConfig({
      cwd: dir,
      env: {},
      sets: fastPaperSets(dir, 'monitoring.dashboard.enabled=true', 'monitoring.dashboard.port=0'),
    });
    const lines: string[] = [];
    const session = await startPaperSession({
      config,
      out: (l) => lines.push(l),
      logger: SILENT_LOGGER,
      statusEveryMs: 60_000,
    });
    try {
      expect(lines.some((l) => l.startsWith('no strategies configured: running the demo set'))).toBe(true);
      await until('a few strategy orders', () => session.node.runner.stats().some((s) => s.orders >= 2), 30_000, 100);
    } finally {
      await session.node.idle();
      await session.engine.idle();
    }
    const sim = session.simulator!;
    const account = sim.engine.accounts()[0]!;
    const stats = session.node.runner.stats();
    expect(stats.map((s) => s.id).sort()).toEqual(DEMO_STRATEGIES.map((s) => s.id).sort());
    expect(stats.every((s) => s.status === 'running')).toBe(true);
    // Every asset the venue holds equals the portfolio's position, exactly, once the last poll has caught up (the
    // market keeps moving meanwhile, so poll for agreement rather than expect it at one instant).
    const differences = (): string[] =>
      ['BTC-USD', 'ETH-USD'].flatMap((symbol) => {
        const venue = toPlain(dec(account.holdings.get(symbol.split('-')[0]!) ?? ZERO));
        const local = toPlain(session.portfolio.position(symbol).quantity);
        return venue === local ? [] : [`${symbol}: venue ${venue}, local ${local}`];
      });
    await until('books equal to the venue', () => differences().length === 0, 15_000);
    expect(differences()).toEqual([]);
    // The dashboard serves the same books.
    const portfolioJson = (await (await fetch(`${session.dashboardUrl!}/api/portfolio`)).json()) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(portfolioJson)).toContain('BTC-USD');
    const metricsText = await (await fetch(`${session.dashboardUrl!}/metrics`)).text();
    expect(metricsText).toMatch(/sherwood_api_requests_total\{/);
    await session.stop();
    expect(lines.at(-1)).toMatch(/equity \d+\.\d{2}/);
  });

  it('attaches default stops to new positions and sends the exit when a quote crosses them', async () => {
    const config = loadConfig({
      cwd: dir,
      env: {},
      sets: fastPaperSets(
        dir,
        // levels so tight that the replayed market crosses one within seconds of any entry
        'risk.stop_loss_default=0.0005',
        'risk.take_profit_default=0.0005',
      ),
    });
    const session = await startPaperSession({
      config,
      out: () => undefined,
      logger: SILENT_LOGGER,
      statusEveryMs: 60_000,
    });
    const isExit = (reason: string | null): boolean => /^(stop-loss|take-profit) hit: bid /.test(reason ?? '');
    const exitSent = async (): Promise<boolean> =>
      (await session.engine.store.listOrders({})).some((o) => isExit(o.reason));
    try {
      await until('a stop exit order', exitSent, 30_000, 200);
      expect(await exitSent()).toBe(true);
      // risk.venue_stops (default true): the stop-loss leg of a position rested on the venue as a stop_loss sell.
      const venueStop = (await session.engine.store.listOrders({})).find((o) =>
        (o.reason ?? '').startsWith('venue stop-loss for '),
      );
      expect(venueStop?.type).toBe('stop_loss');
      expect(venueStop?.side).toBe('sell');
    } finally {
      await session.node.idle();
      await session.engine.idle();
      await session.stop();
    }
  });

  it("takes its quotes from the simulator's market stream with market_data.feed websocket", async () => {
    const config = loadConfig({
      cwd: dir,
      env: {},
      sets: fastPaperSets(
        dir,
        'market_data.feed=websocket',
        // polling this slowly would give no quote within the test: the quotes must come from the stream
        'market_data.poll_interval_ms=600000',
      ),
    });
    const session = await startPaperSession({
      config,
      out: () => undefined,
      logger: SILENT_LOGGER,
      statusEveryMs: 60_000,
    });
    try {
      await until('streamed quotes', () => session.node.feed.stats.polls >= 20, 20_000, 50);
      expect(session.node.cache.quote('BTC-USD')?.bid).toBeGreaterThan(0);
      expect(session.node.cache.quote('ETH-USD')?.bid).toBeGreaterThan(0);
      await until('a strategy order', () => session.node.runner.stats().some((s) => s.orders >= 1), 30_000, 100);
      expect(session.node.feed.stats.consecutiveErrors).toBe(0);
    } finally {
      await session.node.idle();
      await session.engine.idle();
      await session.stop();
    }
  });

  it('refuses the stream feed without a simulator URL, naming the setting', async () => {
    const { startTradingNode } = await import('../../src/app/trading-node.ts');
    const config = loadConfig({ cwd: dir, env: {}, sets: ['market_data.feed=websocket'] });
    await expect(
      startTradingNode({
        config,
        clock: new LiveClock(),
        bus: new MessageBus(),
        engine: {} as never,
        portfolio: {} as never,
        store: new MemoryStore(),
        pairs: [],
        fetchQuotes: () => Promise.resolve([]),
        strategies: [],
        logger: SILENT_LOGGER,
      }),
    ).rejects.toThrow(/market_data\.feed websocket needs the simulator's URL/);
  });

  it('names the server whose port is taken, before it starts the simulator or touches the store', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const own = mkdtempSync(path.join(dir, 'busy-'));
    const store = path.join(own, 'paper-session.db');
    writeFileSync(store, 'yesterday');
    try {
      for (const [sets, message] of [
        [
          [
            `monitoring.dashboard.enabled=true`,
            `monitoring.dashboard.host=127.0.0.1`,
            `monitoring.dashboard.port=${port}`,
          ],
          `the dashboard cannot listen on 127.0.0.1:${port}: the port is in use; choose another with monitoring.dashboard.port`,
        ],
        [
          [`simulator.port=${port}`],
          `the simulator cannot listen on 127.0.0.1:${port}: the port is in use; choose another with \`sherwood start --port N\``,
        ],
      ] as const) {
        const config = loadConfig({ cwd: own, env: {}, sets: fastPaperSets(own, ...sets) });
        const lines: string[] = [];
        await expect(startPaperSession({ config, out: (l) => lines.push(l), logger: SILENT_LOGGER })).rejects.toThrow(
          message,
        );
        expect(lines).toEqual([]);
        expect(readFileSync(store, 'utf8')).toBe('yesterday');
        expect(existsSync(path.join(own, 'simulator-credentials.json'))).toBe(false);
      }
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
