// JSON views of what the source returns: the wire format of the API and the WebSocket. Decimals are left as
// Decimals (they serialize as exact strings); floats stay numbers.
import { readinessOf, type HealthReport } from '../monitoring/health.ts';
import type { Quote } from '../model/market.ts';
import type { Order } from '../model/order.ts';
import type { EquitySample } from '../portfolio/equity-curve.ts';
import type { DashboardPortfolio, DashboardSource, DashboardStatus } from './source.ts';

export type OrderView = Omit<Order, 'fillIds'> & { readonly fills: number };

export function orderView(order: Order): OrderView {
  const { fillIds, ...rest } = order;
  return { ...rest, fills: fillIds.length };
}

export interface QuoteView extends Quote {
  readonly mid: number;
  readonly spread: number;
}

export function quoteView(q: Quote): QuoteView {
  return { ...q, mid: (q.bid + q.ask) / 2, spread: q.ask - q.bid };
}

/** At most `max` samples, evenly spread, always keeping the newest (a chart needs no more points than pixels). */
export function thinHistory(history: readonly EquitySample[], max: number): EquitySample[] {
  if (history.length <= max) return [...history];
  const step = history.length / max;
  const out: EquitySample[] = [];
  for (let i = 0; i < max - 1; i++) out.push(history[Math.floor(i * step)]!);
  out.push(history[history.length - 1]!);
  return out;
}

export type StatusView = DashboardStatus & { readonly health: HealthReport };

export async function statusView(source: DashboardSource): Promise<StatusView> {
  const status = await source.status();
  return { ...status, health: readinessOf(status) };
}

export function portfolioView(p: DashboardPortfolio, maxPoints: number): DashboardPortfolio {
  return { snapshot: p.snapshot, history: thinHistory(p.history, maxPoints) };
}

/** What /ws pushes every interval: everything the dashboard shows except the full history and finished orders. */
export interface PushSnapshot {
  readonly type: 'snapshot';
  readonly status: StatusView;
  readonly portfolio: { readonly snapshot: DashboardPortfolio['snapshot']; readonly latest?: EquitySample };
  readonly openOrders: readonly OrderView[];
  readonly strategies: Awaited<ReturnType<DashboardSource['strategies']>>;
  readonly quotes: readonly QuoteView[];
}

export async function pushSnapshot(source: DashboardSource): Promise<PushSnapshot> {
  const [status, portfolio, open, strategies, quotes] = await Promise.all([
    statusView(source),
    source.portfolio(),
    source.openOrders(),
    source.strategies(),
    source.quotes(),
  ]);
  const latest = portfolio.history[portfolio.history.length - 1];
  return {
    type: 'snapshot',
    status,
    portfolio: { snapshot: portfolio.snapshot, ...(latest !== undefined && { latest }) },
    openOrders: open.map(orderView),
    strategies,
    quotes: quotes.map(quoteView),
  };
}
