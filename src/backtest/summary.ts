// The summary table a terminal shows at the end of a backtest.
import { dec, toFixedPlaces } from '../core/decimal.ts';
import type { BacktestResult } from './result.ts';

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

const ordersPlaced = (r: BacktestResult): number => r.strategies.reduce((n, st) => n + st.orders, 0);

export function summaryRows(r: BacktestResult): Array<[string, string]> {
  const m = r.metrics;
  const orders = ordersPlaced(r);
  return [
    ['strategy', String(r.config.strategy)],
    ['period', `${r.start.slice(0, 16)} → ${r.end.slice(0, 16)}`],
    ['symbols', r.symbols.join(', ')],
    ['start equity', m.startEquity.toFixed(2)],
    ['end equity', m.endEquity.toFixed(2)],
    ['total return', pct(m.totalReturn)],
    ['annualized', pct(m.annualizedReturn)],
    ['buy & hold', pct(m.benchmarkReturn)],
    ['sharpe', m.sharpe.toFixed(3)],
    ['sortino', m.sortino.toFixed(3)],
    ['calmar', m.calmar.toFixed(3)],
    ['max drawdown', pct(m.maxDrawdown)],
    ['max dd duration', `${(m.maxDrawdownDurationMs / 86_400_000).toFixed(1)} d`],
    ['trades', String(m.tradeCount)],
    ['win rate', pct(m.winRate)],
    ['profit factor', m.profitFactor === null ? 'inf' : m.profitFactor.toFixed(3)],
    ['exposure', pct(m.exposure)],
    ['fees paid', toFixedPlaces(dec(m.feesPaid), 2)], // exact in the JSON; cents here
    ['orders', `${orders} (${r.fingerprint.fills} fills)`],
    ['orders denied', String(r.denied.length)],
    ...(r.warnings.length > 0
      ? [['warnings', `${r.warnings.length}, first: ${r.warnings[0] ?? ''}`] as [string, string]]
      : []),
    ...r.strategies
      .filter((st) => st.errors > 0)
      .map((st): [string, string] => [`${st.id} errors`, `${st.errors} (${st.status}): ${st.lastError ?? ''}`]),
    ['fingerprint', r.fingerprint.hash.slice(0, 16)],
  ];
}

/** Lines under the table: a run that never traded says where to look, rather than showing a row of zeros. */
export function summaryNotes(r: BacktestResult): string[] {
  const orders = ordersPlaced(r);
  if (orders > 0 || r.denied.length > 0) return [];
  return [
    r.dataKind === 'ticks'
      ? 'note: no orders. These data are ticks (quotes, trades), without bars: does the strategy trade on quotes or ' +
        'trades, and do its thresholds (e.g. a minimum spread) fit them?'
      : 'note: no orders. The strategy never signalled on these bars: see its parameters (sherwood strategies NAME).',
  ];
}

export function formatSummary(r: BacktestResult): string {
  const rows = summaryRows(r);
  const w = Math.max(...rows.map(([k]) => k.length));
  const v = Math.max(...rows.map(([, x]) => x.length));
  const line = `+${'-'.repeat(w + 2)}+${'-'.repeat(v + 2)}+`;
  return [line, ...rows.map(([k, x]) => `| ${k.padEnd(w)} | ${x.padStart(v)} |`), line, ...summaryNotes(r)].join('\n');
}
