// A DashboardSource over the parts of a running session (engine, risk, portfolio, runner, cache, poller, client,
// store). The orchestrator hands the parts in; this file knows their shapes (by `Pick`), not how they were built.
import { errorMessage } from '../core/errors.ts';
import type { MarketView } from '../data/cache.ts';
import type { PollerStats } from '../data/best-bid-ask-poller.ts';
import type { ExecutionEngine } from '../execution/execution-engine.ts';
import { orderFromRecord } from '../execution/order-records.ts';
import type { Quote } from '../model/market.ts';
import type { Order } from '../model/order.ts';
import type { Store } from '../persistence/store.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import type { RiskEngine } from '../risk/risk-engine.ts';
import type { StrategyRunner, StrategyStats } from '../strategies/runner.ts';
import type { CircuitStatus, DashboardPortfolio, DashboardSource, DashboardStatus, StoreStatus } from './source.ts';

export interface SessionSourceParts {
  /** config app.mode. */
  readonly mode: string;
  readonly venueUrl: string;
  /** Wall clock (ms); the session's clock.now. */
  readonly now: () => number;
  readonly startedAt: number;
  /** config market_data.stale_after_ms. */
  readonly staleAfterMs: number;
  readonly engine: Pick<ExecutionEngine, 'state' | 'stateReason' | 'openOrders'>;
  readonly risk: Pick<RiskEngine, 'state' | 'reasons' | 'metrics'>;
  readonly portfolio: Pick<Portfolio, 'snapshot' | 'equityHistory'>;
  readonly runner: Pick<StrategyRunner, 'stats'>;
  readonly market: Pick<MarketView, 'quote' | 'age'>;
  /** The quote feed (best-bid/ask poller or the simulator's stream): its symbols, and whether quotes arrive. */
  readonly feed: {
    readonly symbols: readonly string[];
    readonly stats: Pick<PollerStats, 'polls' | 'consecutiveErrors' | 'lastError'>;
  };
  /** RobinhoodClient.health().circuits. */
  readonly circuits?: () => Readonly<Record<string, { state: CircuitStatus['state']; consecutiveFailures: number }>>;
  readonly store: Pick<Store, 'listOrders' | 'fillsForOrder' | 'setKv'>;
  /** How long a store write probe result is reused (ms). Default 5000. */
  readonly storeProbeEveryMs?: number;
}

const PROBE_KEY = 'web.health_probe';

export function createSessionSource(parts: SessionSourceParts): DashboardSource {
  const probeEveryMs = parts.storeProbeEveryMs ?? 5_000;
  let probe: { at: number; result: Promise<StoreStatus> } | undefined;

  // Writing a key is the honest test of "writable"; done at most every few seconds, not per request.
  const storeStatus = (now: number): Promise<StoreStatus> => {
    if (probe === undefined || now - probe.at >= probeEveryMs) {
      probe = {
        at: now,
        result: parts.store.setKv(PROBE_KEY, { at: now }, now).then(
          (): StoreStatus => ({ writable: true }),
          (err: unknown): StoreStatus => ({ writable: false, detail: errorMessage(err) }),
        ),
      };
    }
    return probe.result;
  };

  return {
    async status(): Promise<DashboardStatus> {
      const now = parts.now();
      const { stats } = parts.feed;
      const risk = parts.risk.metrics();
      const reason = parts.engine.stateReason;
      return {
        mode: parts.mode,
        venueUrl: parts.venueUrl,
        engineState: parts.engine.state,
        // The engine keeps a reason in every state ('started'); it only explains something when not RUNNING.
        ...(parts.engine.state !== 'RUNNING' && reason !== '' && { engineReason: reason }),
        riskState: parts.risk.state,
        riskReasons: parts.risk.reasons(),
        timestamp: now,
        uptimeMs: now - parts.startedAt,
        feeds: parts.feed.symbols.map((symbol) => {
          const ageMs = parts.market.age(symbol, now);
          return ageMs === undefined ? { symbol } : { symbol, ageMs };
        }),
        staleAfterMs: parts.staleAfterMs,
        venue: {
          lastPollOk: stats.polls > 0 && stats.consecutiveErrors === 0,
          consecutiveFailures: stats.consecutiveErrors,
          ...(stats.consecutiveErrors > 0 && stats.lastError !== undefined && { error: stats.lastError }),
        },
        circuits: Object.entries(parts.circuits?.() ?? {}).map(([group, c]) => ({
          group,
          state: c.state,
          consecutiveFailures: c.consecutiveFailures,
        })),
        store: await storeStatus(now),
        riskDenials: risk.denied,
        ...(risk.var && {
          riskVar: { value: risk.var.value, observations: risk.var.observations, figures: risk.var.figures },
        }),
      };
    },
    portfolio(): DashboardPortfolio {
      return { snapshot: parts.portfolio.snapshot(), history: parts.portfolio.equityHistory() };
    },
    openOrders(): Order[] {
      return parts.engine.openOrders();
    },
    async orders(limit: number): Promise<Order[]> {
      const records = (await parts.store.listOrders())
        .sort((a, b) => b.createdAt - a.createdAt || (a.clientOrderId < b.clientOrderId ? -1 : 1))
        .slice(0, limit);
      return Promise.all(
        records.map(async (r) => orderFromRecord(r, await parts.store.fillsForOrder(r.clientOrderId))),
      );
    },
    strategies(): StrategyStats[] {
      return parts.runner.stats();
    },
    quotes(): Quote[] {
      return parts.feed.symbols.flatMap((symbol) => {
        const q = parts.market.quote(symbol);
        return q === undefined ? [] : [q];
      });
    },
  };
}
