// A self-contained HTML report of a backtest: metrics, equity and drawdown curves, each symbol's price with entries
// and exits, the trade table and the denied orders. Inline SVG, no script and no CDN: it opens anywhere, offline.
import { writeFileSync } from 'node:fs';
import { dec, toFixedPlaces } from '../core/decimal.ts';
import { drawdownSeries } from './metrics.ts';
import type { BacktestResult } from './result.ts';

const W = 960;
const H = 220;
const PAD = 40;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Scale {
  x(t: number): number;
  y(v: number): number;
}

function scaleOf(points: ReadonlyArray<readonly [number, number]>, extra: readonly number[] = []): Scale {
  let t0 = Infinity;
  let t1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  for (const [t, v] of points) {
    t0 = Math.min(t0, t);
    t1 = Math.max(t1, t);
    v0 = Math.min(v0, v);
    v1 = Math.max(v1, v);
  }
  for (const v of extra) {
    v0 = Math.min(v0, v);
    v1 = Math.max(v1, v);
  }
  const dt = t1 > t0 ? t1 - t0 : 1;
  const dv = v1 > v0 ? v1 - v0 : 1;
  return {
    x: (t) => PAD + ((t - t0) / dt) * (W - 2 * PAD),
    y: (v) => H - PAD / 2 - ((v - v0) / dv) * (H - PAD),
  };
}

function polyline(points: ReadonlyArray<readonly [number, number]>, s: Scale, color: string): string {
  const d = points.map(([t, v]) => `${s.x(t).toFixed(1)},${s.y(v).toFixed(1)}`).join(' ');
  return `<polyline fill="none" stroke="${color}" stroke-width="1.2" points="${d}"/>`;
}

function axisLabels(points: ReadonlyArray<readonly [number, number]>, s: Scale, fmt: (v: number) => string): string {
  if (points.length === 0) return '';
  const vs = points.map((p) => p[1]);
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const first = points[0]?.[0] ?? 0;
  const last = points[points.length - 1]?.[0] ?? 0;
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  return (
    `<text x="2" y="${s.y(hi).toFixed(0)}" class="l">${esc(fmt(hi))}</text>` +
    `<text x="2" y="${s.y(lo).toFixed(0)}" class="l">${esc(fmt(lo))}</text>` +
    `<text x="${PAD}" y="${H - 2}" class="l">${day(first)}</text>` +
    `<text x="${W - PAD - 70}" y="${H - 2}" class="l">${day(last)}</text>`
  );
}

function chart(title: string, body: string): string {
  return `<h2>${esc(title)}</h2><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}">${body}</svg>`;
}

function equityChart(r: BacktestResult): string {
  const s = scaleOf(r.equity);
  return chart('Equity', polyline(r.equity, s, '#1f6feb') + axisLabels(r.equity, s, (v) => v.toFixed(2)));
}

function drawdownChart(r: BacktestResult): string {
  const dd = drawdownSeries(r.equity.map(([timestamp, equity]) => ({ timestamp, equity, inMarket: false })));
  const points = r.equity.map(([t], i) => [t, -(dd[i] ?? 0) * 100] as const);
  const s = scaleOf(points, [0]);
  return chart('Drawdown (%)', polyline(points, s, '#d1242f') + axisLabels(points, s, (v) => `${v.toFixed(2)}%`));
}

function priceChart(r: BacktestResult, symbol: string): string {
  const prices = r.prices[symbol] ?? [];
  const fills = r.fills.filter((f) => f.symbol === symbol);
  const s = scaleOf(
    prices,
    fills.map((f) => Number(f.price)),
  );
  const marks = fills
    .map((f) => {
      const x = s.x(Date.parse(f.time)).toFixed(1);
      const y = s.y(Number(f.price)).toFixed(1);
      const buy = f.side === 'buy';
      const tip = `<title>${esc(`${f.side} ${f.quantity} @ ${f.price} ${f.time}`)}</title>`;
      return buy
        ? `<path d="M${x},${y} l-4,7 h8 z" fill="#1a7f37">${tip}</path>`
        : `<path d="M${x},${y} l-4,-7 h8 z" fill="#d1242f">${tip}</path>`;
    })
    .join('');
  return chart(
    `${symbol}: price, buys ▲ and sells ▼`,
    polyline(prices, s, '#57606a') + marks + axisLabels(prices, s, (v) => v.toPrecision(6)),
  );
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)} %`;
}

function metricsTable(r: BacktestResult): string {
  const m = r.metrics;
  const rows: Array<[string, string]> = [
    ['Period', `${r.start} → ${r.end}`],
    ['Symbols', r.symbols.join(', ')],
    ['Start equity', m.startEquity.toFixed(2)],
    ['End equity', m.endEquity.toFixed(2)],
    ['Total return', pct(m.totalReturn)],
    ['Annualized return', pct(m.annualizedReturn)],
    ['Buy and hold', pct(m.benchmarkReturn)],
    ['Sharpe', m.sharpe.toFixed(3)],
    ['Sortino', m.sortino.toFixed(3)],
    ['Calmar', m.calmar.toFixed(3)],
    ['Max drawdown', pct(m.maxDrawdown)],
    ['Max drawdown duration', `${(m.maxDrawdownDurationMs / 86_400_000).toFixed(2)} days`],
    ['Trades (round trips)', String(m.tradeCount)],
    ['Win rate', pct(m.winRate)],
    ['Profit factor', m.profitFactor === null ? '∞' : m.profitFactor.toFixed(3)],
    ['Exposure', pct(m.exposure)],
    // Exact in the JSON result; cents here, as in the terminal summary.
    ['Fees paid', toFixedPlaces(dec(m.feesPaid), 2)],
    ['Realized PnL', toFixedPlaces(dec(m.realizedPnl), 2)],
    ['Orders denied', String(r.denied.length)],
    ['Fingerprint', r.fingerprint.hash.slice(0, 16)],
  ];
  return `<table class="m">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

type Cell = string | number | boolean | null | undefined;

function table(title: string, rows: ReadonlyArray<Record<string, Cell>>, limit = 1000, count?: string): string {
  const first = rows[0];
  if (first === undefined) return `<h2>${esc(title)}</h2><p>None.</p>`;
  const cols = Object.keys(first);
  const body = rows
    .slice(0, limit)
    .map((row) => `<tr>${cols.map((c) => `<td>${esc(String(row[c] ?? ''))}</td>`).join('')}</tr>`)
    .join('');
  const more = rows.length > limit ? `<p>… and ${rows.length - limit} more (see the JSON result).</p>` : '';
  return `<h2>${esc(title)} (${esc(count ?? String(rows.length))})</h2><table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${body}</table>${more}`;
}

/** Round trips; one still open at the end shows as open (no exit), and the count says how many are closed. */
function tradesTable(r: BacktestResult): string {
  const open = r.trades.filter((t) => t.exitTime === null).length;
  const rows = r.trades.map((t) => (t.exitTime === null ? { ...t, exitTime: 'open', exitPrice: '' } : t));
  const count = open === 0 ? undefined : `${r.trades.length - open} closed, ${open} open at the end`;
  return table('Trades', rows, 1000, count);
}

export function renderReport(r: BacktestResult): string {
  const strategy = typeof r.config.strategy === 'string' ? r.config.strategy : 'strategy';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sherwood backtest: ${esc(strategy)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#24292f;max-width:1000px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right}
th{background:#f6f8fa}table.m th{text-align:left}.l{font-size:11px;fill:#57606a}
svg{border:1px solid #d0d7de;background:#fff}
</style></head><body>
<h1>Backtest: ${esc(strategy)}</h1>
<p>Config: <code>${esc(JSON.stringify(r.config))}</code></p>
${metricsTable(r)}
${equityChart(r)}
${drawdownChart(r)}
${r.symbols.map((s) => priceChart(r, s)).join('\n')}
${tradesTable(r)}
${table(
  'Orders denied',
  r.denied.map((d) => ({ time: d.time, symbol: d.symbol, side: d.side, rule: d.rule, reason: d.reason })),
)}
</body></html>
`;
}

export function writeReport(file: string, result: BacktestResult): void {
  writeFileSync(file, renderReport(result));
}

export function writeJson(file: string, result: BacktestResult): void {
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}
