// The paper-trading session behind `sherwood start`: the orchestrator that builds every component from the
// configuration and starts them in order. It is the only place (with the CLI) that knows the concrete classes.
//
// Start-up and crash recovery are one path: open the store, load the engine's orders, reconcile with the venue,
// then trade. With the embedded simulator (the default) the venue lives in this process and starts empty, so the
// session uses its own store file, fresh each run; against an external venue (`--base-url`) it uses the configured
// store and reconciles whatever the last run left.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/schema.ts';
import { LiveClock, type Clock } from '../core/clock.ts';
import { toNumber } from '../core/decimal.ts';
import { errorMessage } from '../core/errors.ts';
import { RandomIdGenerator } from '../core/ids.ts';
import { MessageBus } from '../core/message-bus.ts';
import { ExecutionEngine } from '../execution/execution-engine.ts';
import { Reconciler } from '../execution/reconciler.ts';
import type { ExecutionTopics, ExecutionLogger } from '../execution/types.ts';
import { openStore } from '../persistence/open-store.ts';
import type { Store } from '../persistence/store.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { RobinhoodClient } from '../venues/robinhood/client.ts';
import { RobinhoodVenue } from '../venues/robinhood/venue.ts';
import type { StrategyConfig } from '../config/schema.ts';
import { startTradingNode, type TradingNode } from './trading-node.ts';
import { Metrics } from '../monitoring/metrics.ts';
import { createSessionSource } from '../web/session-source.ts';
import { startWebServer } from '../web/server.ts';
import { generateCredential, startSimulator, type SimulatorHandle } from '../venues/simulator/index.ts';
import { checkPorts, listen, listeners, type Listener } from './ports.ts';
import { restorePortfolio } from './portfolio-restore.ts';

/** What `npm start` runs on the embedded simulator when the configuration names no strategy. */
export const DEMO_STRATEGIES: readonly StrategyConfig[] = [
  {
    id: 'demo-mm-btc',
    type: 'market_making',
    symbols: ['BTC-USD'],
    params: { orderSize: 0.002, maxInventory: 0.02, halfSpread: 0.002, refreshThreshold: 0.01 },
    enabled: true,
    budget: '25000',
  },
  {
    id: 'demo-trend-eth',
    type: 'trend',
    symbols: ['ETH-USD'],
    params: { fast: 5, slow: 15, fraction: 0.3 },
    enabled: true,
    budget: '25000',
  },
];

export interface PaperSessionOptions {
  readonly config: AppConfig;
  /** Human-readable status lines. */
  readonly out: (line: string) => void;
  readonly logger: ExecutionLogger;
  /** An external Robinhood-compatible venue instead of the embedded simulator (needs api credentials in config). */
  readonly baseUrl?: string;
  /** Status line period (ms). */
  readonly statusEveryMs?: number;
}

export interface PaperSession {
  readonly url: string;
  readonly engine: ExecutionEngine;
  readonly portfolio: Portfolio;
  readonly client: RobinhoodClient;
  readonly simulator: SimulatorHandle | undefined;
  readonly node: TradingNode;
  /** Where the dashboard listens, when enabled. */
  readonly dashboardUrl: string | undefined;
  /** Waits for pending strategy work and prints a status line. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPaperSession(options: PaperSessionOptions): Promise<PaperSession> {
  const { config, out, logger } = options;
  const clock: Clock = new LiveClock();
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.warn({ err: errorMessage(err) }, 'error while stopping');
      }
    }
  };

  const servers = listeners(config, options.baseUrl === undefined);
  const server = (what: Listener['what']): Listener | undefined => servers.find((l) => l.what === what);
  // Before anything is started, written or deleted (the paper store, the credentials file).
  await checkPorts(servers);

  try {
    const dataDir = path.resolve(config.app.data_dir);
    mkdirSync(dataDir, { recursive: true });

    // 1. The venue: the embedded simulator on the shipped data, or an external URL.
    let simulator: SimulatorHandle | undefined;
    let apiKey = config.api.api_key;
    let privateKey = config.api.private_key;
    let url = options.baseUrl;
    let storePath = path.resolve(config.storage.sqlite_path);
    if (url === undefined) {
      const credential = generateCredential('100000');
      simulator = await listen(server('simulator'), () =>
        startSimulator({
          host: config.simulator.host,
          port: config.simulator.port,
          accounts: [credential],
          seed: config.simulator.seed,
          data: config.simulator.data.length > 0 ? config.simulator.data : 'sample',
          // Unless configured, an hour of the shipped hourly market every 10 s: fast to watch, slow enough to trade.
          speed: config.simulator.speed ?? 360,
          ...(config.simulator.faults !== '' && { faults: config.simulator.faults }),
          latencyMs: config.simulator.latency_ms,
        }),
      );
      const sim = simulator;
      cleanups.push(() => sim.close());
      url = sim.url;
      apiKey = credential.api_key;
      privateKey = credential.private_key;
      // The simulator keeps its book in memory: a fresh venue needs a fresh store, or reconciliation would (rightly)
      // halt on orders the new venue has never seen.
      storePath = path.join(dataDir, 'paper-session.db');
      for (const suffix of ['', '-wal', '-shm']) rmSync(storePath + suffix, { force: true });
      const credentialsFile = path.join(dataDir, 'simulator-credentials.json');
      writeFileSync(credentialsFile, `${JSON.stringify({ base_url: sim.url, accounts: [credential] }, null, 2)}\n`, {
        mode: 0o600,
      });
      out(`Robinhood simulator on ${sim.url}, replaying the shipped market data`);
      out(`  paper account ${credential.account_number}, buying power 100000 USD`);
      out(`  credentials for \`sherwood api\`: ${credentialsFile} (mode 0600)`);
    }
    if (apiKey === undefined || privateKey === undefined) {
      throw new Error(
        'an external venue needs api.api_key and api.private_key (ROBINHOOD_API_KEY, ROBINHOOD_PRIVATE_KEY)',
      );
    }

    // 2. The client and the venue port over it; every request is counted for /metrics.
    const metrics = new Metrics();
    const client = new RobinhoodClient({
      hooks: { onResponse: (e) => metrics.recordApiRequest(e) },
      apiKey,
      privateKey,
      baseUrl: url,
      apiVersion: config.api.api_version,
      ...(config.api.account_number !== undefined && { accountNumber: config.api.account_number }),
      connections: config.api.pool.connections,
      headersTimeoutMs: config.api.timeout_ms,
      bodyTimeoutMs: config.api.timeout_ms,
      bucket: {
        capacity: config.api.rate_limit.capacity,
        refillAmount: 1,
        refillIntervalMs: Math.round(60_000 / config.api.rate_limit.refill_per_minute),
      },
    });
    cleanups.push(() => client.close());
    const venue = new RobinhoodVenue(client);
    const account = await venue.getAccount();

    // 3. Store, bus, engine, portfolio: load, reconcile (the recovery path), then run.
    const store: Store = await openStore({ driver: 'sqlite', sqlitePath: storePath });
    cleanups.push(() => store.close());
    const bus = new MessageBus<ExecutionTopics>();
    const engine = new ExecutionEngine({
      venue,
      store,
      clock,
      bus,
      ids: new RandomIdGenerator(),
      accountNumber: account.accountNumber,
      logger,
      pollIntervalMs: config.market_data.poll_interval_ms,
    });
    cleanups.push(async () => {
      engine.stop();
      await engine.idle(); // an operation in flight finishes (bounded by the client's timeouts) before the store closes
    });
    await engine.load();
    const reconciler = new Reconciler({ engine, logger });
    const report = await reconciler.run();
    out(
      `reconciled: ${report.adopted.length} adopted, ${report.failed.length} failed, ${report.updated.length} updated, ` +
        `${report.problems.length} problems${report.halted ? ' — HALTED' : ''}`,
    );
    for (const problem of report.problems) out(`  problem: ${problem}`);

    // The books: the saved ledger and the journaled fills it lacks (a fresh embedded session has neither).
    const restored = await restorePortfolio(store, clock, account.accountNumber, account.buyingPower);
    const portfolio = restored.portfolio;
    if (restored.loaded || restored.replayed > 0) {
      out(`portfolio: ${restored.loaded ? 'saved ledger' : 'rebuilt'} + ${restored.replayed} journaled fills`);
    }
    for (const problem of restored.problems) out(`  problem: ${problem}`);
    // Saved every minute and at the end (the cleanups run in reverse: after the node stops, before the store closes).
    const savePortfolio = (): Promise<void> =>
      portfolio
        .save(store)
        .catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'saving the portfolio failed'));
    const saveTimer = clock.setInterval(60_000, () => void savePortfolio());
    cleanups.push(async () => {
      clock.cancel(saveTimer);
      await savePortfolio();
    });
    engine.startPolling();
    reconciler.start(60_000);
    cleanups.push(() => reconciler.stop());

    // 4. The trading node: market data, risk, strategies. With the embedded simulator and no strategies configured,
    //    the demo set trades so that `npm start` shows the whole loop working.
    const strategies = config.strategies.length > 0 || simulator === undefined ? config.strategies : DEMO_STRATEGIES;
    if (strategies !== config.strategies) {
      out(`no strategies configured: running the demo set (${strategies.map((s) => `${s.id}=${s.type}`).join(', ')})`);
    }
    const node = await startTradingNode({
      config,
      clock,
      bus,
      engine,
      portfolio,
      store,
      pairs: await venue.getTradingPairs(),
      fetchQuotes: async (symbols) => {
        const quotes = await client.getBestBidAsk(symbols);
        return quotes.map((q) => ({
          symbol: q.symbol,
          timestamp: q.timestampMs ?? clock.now(),
          bid: toNumber(q.bid),
          ask: toNumber(q.ask),
        }));
      },
      marketStreamUrl: url,
      strategies,
      logger,
      circuitOpen: () => Object.values(client.health().circuits).some((c) => c.state === 'open'),
      onRiskEvent: (e) => {
        if (e.type === 'RiskStateChanged') out(`risk: ${e.from} → ${e.state}: ${e.reasons.join('; ')}`);
      },
    });
    cleanups.push(() => node.stop());
    cleanups.push(
      bus.subscribe('order', (e) => {
        if ('order' in e)
          metrics.recordOrder({ strategyId: e.order.strategyId, side: e.order.side, status: e.order.status });
      }),
      bus.subscribe('fill', () => metrics.recordFill()),
    );
    const equityTimer = clock.setInterval(60_000, () => portfolio.sampleEquity());
    cleanups.push(() => clock.cancel(equityTimer));

    // 5. The dashboard and the Prometheus endpoint, from the same source.
    const source = createSessionSource({
      mode: config.app.mode,
      venueUrl: url,
      now: () => clock.now(),
      startedAt: clock.now(),
      staleAfterMs: config.market_data.stale_after_ms,
      engine,
      risk: node.risk,
      portfolio,
      runner: node.runner,
      market: node.cache,
      feed: node.feed,
      circuits: () => client.health().circuits,
      store,
    });
    const { dashboard, metrics: metricsConfig } = config.monitoring;
    let dashboardUrl: string | undefined;
    if (dashboard.enabled) {
      const web = await listen(server('dashboard'), () =>
        startWebServer({ host: dashboard.host, port: dashboard.port, source, metrics }),
      );
      cleanups.push(() => web.close());
      dashboardUrl = web.url;
      out(`dashboard on ${web.url}`);
    }
    if (metricsConfig.enabled) {
      const web = await listen(server('metrics server'), () =>
        startWebServer({ host: dashboard.host, port: metricsConfig.port, source, metrics, dashboard: false }),
      );
      cleanups.push(() => web.close());
      out(`metrics on ${web.url}/metrics, health on ${web.url}/health/ready`);
    }

    const status = (): void => {
      const prices = config.market_data.symbols
        .map((symbol) => {
          const q = node.cache.quote(symbol);
          return q ? `${symbol} ${q.bid.toFixed(2)}/${q.ask.toFixed(2)}` : `${symbol} –`;
        })
        .join('  ');
      const stats = node.runner.stats();
      const orders = stats.reduce((n, s) => n + s.orders, 0);
      const denials = stats.reduce((n, s) => n + s.denials, 0);
      out(
        `[${new Date(clock.now()).toISOString()}] ${prices}  equity ${portfolio.equity().toFixed(2)}  ` +
          `orders ${orders} (denied ${denials}, open ${engine.openOrders().length})  ${engine.state}/${node.risk.state}`,
      );
    };
    const statusTimer = clock.setInterval(options.statusEveryMs ?? 10_000, status);
    cleanups.push(() => clock.cancel(statusTimer));
    const refresh = async (): Promise<void> => {
      await node.idle();
      status();
    };

    return {
      url,
      engine,
      portfolio,
      client,
      simulator,
      node,
      dashboardUrl,
      refresh,
      stop: async () => {
        // Where it ended, at once: waiting for the strategies first would let them trade on while, say, an order of
        // unknown outcome holds one of them for minutes. The node stops its feed before it waits for them.
        status();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
