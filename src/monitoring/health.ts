// Health checks computed from a DashboardSource. Liveness: the process answers. Readiness: the session can trade —
// the venue answered the last market-data poll, every feed is fresh, neither the engine nor risk is HALTED, and the
// store is writable. REDUCING is ready: the session still works (it only stops opening risk) and says why.
import { errorMessage } from '../core/errors.ts';
import type { DashboardSource, DashboardStatus } from '../web/source.ts';

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: readonly HealthCheck[];
}

/** HTTP status for a report: 200 when ok, 503 otherwise. */
export const httpStatusOf = (report: HealthReport): 200 | 503 => (report.ok ? 200 : 503);

function report(checks: HealthCheck[]): HealthReport {
  return { ok: checks.every((c) => c.ok), checks };
}

export function liveness(uptimeSeconds: number = process.uptime()): HealthReport {
  return report([{ name: 'process', ok: true, detail: `pid ${process.pid}, up ${Math.round(uptimeSeconds)} s` }]);
}

export function readinessOf(status: DashboardStatus): HealthReport {
  const { venue, feeds, staleAfterMs, store } = status;
  const checks: HealthCheck[] = [];
  checks.push({
    name: 'venue',
    ok: venue.lastPollOk,
    detail: venue.lastPollOk
      ? `last poll ok (${status.venueUrl})`
      : `last poll failed${venue.consecutiveFailures > 0 ? ` ${venue.consecutiveFailures}× in a row` : ''}: ` +
        (venue.error ?? 'no answer'),
  });
  const stale = feeds.filter((f) => f.ageMs === undefined || f.ageMs > staleAfterMs);
  checks.push({
    name: 'market_data',
    ok: feeds.length > 0 && stale.length === 0,
    detail:
      feeds.length === 0
        ? 'no market-data feed'
        : stale.length === 0
          ? `${feeds.length} feed(s) fresh (≤ ${staleAfterMs} ms)`
          : `stale: ${stale.map((f) => `${f.symbol} ${f.ageMs === undefined ? 'no quote yet' : `${f.ageMs} ms`}`).join(', ')}`,
  });
  const halted = status.engineState === 'HALTED' || status.riskState === 'HALTED';
  const reasons = [status.engineReason, ...status.riskReasons].filter((r): r is string => r !== undefined && r !== '');
  checks.push({
    name: 'engine',
    ok: !halted,
    detail: `engine ${status.engineState}, risk ${status.riskState}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
  });
  checks.push({
    name: 'store',
    ok: store.writable,
    detail: store.writable ? 'writable' : `not writable${store.detail !== undefined ? `: ${store.detail}` : ''}`,
  });
  return report(checks);
}

/** Readiness from the source; a source that throws is not ready. */
export async function readiness(source: DashboardSource): Promise<HealthReport> {
  try {
    return readinessOf(await source.status());
  } catch (err) {
    return report([{ name: 'source', ok: false, detail: `status unavailable: ${errorMessage(err)}` }]);
  }
}
