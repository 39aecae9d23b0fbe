// `sherwood risk` prints the risk limits in effect (from the configuration); with --live, the running session's risk
// state, denials and live VaR/ES (read from its dashboard API); given bar files, the VaR and Expected Shortfall of a
// weighted portfolio of them:
//   sherwood risk --live
//   sherwood risk --data data/sample/BTC_USDT-1d.csv.gz data/sample/ETH_USDT-1d.csv.gz --weights BTC=0.5,ETH=0.5
import type { Command } from 'commander';
import { z } from 'zod';
import { errorMessage, SherwoodError, ValidationError } from '../../core/errors.ts';
import { openBars } from '../../data/historical/index.ts';
import type { Bar } from '../../model/market.ts';
import { alignedCloses, portfolioVar, simpleReturns, type VarReport } from '../../risk/index.ts';
import { addConfigOptions, loadConfigFromOptions, parseFlags, type ConfigCliOptions } from '../options.ts';
import { writeStdout } from '../output.ts';

export interface RiskCommandIo {
  out: (text: string) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const defaultIo: RiskCommandIo = { out: writeStdout };

const WeightsSchema = z.string().regex(/^[A-Za-z0-9-]+=-?\d+(\.\d+)?(,[A-Za-z0-9-]+=-?\d+(\.\d+)?)*$/, {
  error: 'must look like BTC=0.5,ETH=0.5',
});

const RiskFlagsSchema = z.object({
  lookback: z.coerce
    .number({ error: 'must be a whole number of bars' })
    .int('must be a whole number of bars')
    .min(2, 'must be at least 2 (bars)')
    .optional(),
  value: z.coerce.number({ error: 'must be a number' }).nonnegative('must be zero or more').optional(),
});

interface RiskOptions extends ConfigCliOptions {
  live?: string | boolean;
  data?: string[];
  weights?: string;
  lookback?: string;
  value?: string;
  json?: boolean;
}

/** Parses `BTC=0.5,ETH=0.5` (asset or symbol names) into a map keyed by the asset code. */
export function parseWeights(text: string): Map<string, number> {
  const parsed = WeightsSchema.safeParse(text);
  if (!parsed.success)
    throw new ValidationError(`--weights "${text}" ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  const out = new Map<string, number>();
  for (const part of text.split(',')) {
    const [name = '', w = '0'] = part.split('=');
    out.set(name.toUpperCase().split('-')[0] ?? '', Number(w));
  }
  return out;
}

async function loadBars(path: string): Promise<Bar[]> {
  const bars: Bar[] = [];
  for await (const b of openBars(path, { mapUsdtToUsd: true })) bars.push(b);
  return bars;
}

/** VaR of the given files and weights (equal weights when none are given). */
export async function riskFigures(
  files: readonly string[],
  weightsText?: string,
  lookback = 250,
  value = 0,
): Promise<VarReport> {
  const series = await Promise.all(files.map(loadBars));
  const symbols = series.map((bars, i) => {
    const symbol = bars[0]?.symbol;
    if (symbol === undefined) throw new ValidationError(`--data ${files[i]}: no bars in the file`);
    return symbol;
  });
  const intervalMs = series[0]?.[0]?.intervalMs ?? 86_400_000;
  if (series.some((s) => s[0]?.intervalMs !== intervalMs))
    throw new ValidationError('--data files must share one bar interval');
  const named = weightsText === undefined ? undefined : parseWeights(weightsText);
  const weights = symbols.map((s) => {
    if (named === undefined) return 1 / symbols.length;
    const w = named.get(s.split('-')[0] ?? s);
    if (w === undefined) throw new ValidationError(`--weights gives no weight for ${s}`);
    return w;
  });
  const closes = alignedCloses(series, lookback);
  return portfolioVar({ symbols, weights, returns: closes.map(simpleReturns), intervalMs, value });
}

/** What `sherwood risk --live` reads of a session's GET /api/status (the dashboard API). */
const LiveStatusSchema = z.object({
  riskState: z.enum(['RUNNING', 'REDUCING', 'HALTED']),
  riskReasons: z.array(z.string()),
  riskDenials: z.record(z.string(), z.number()).optional(),
  riskVar: z
    .object({
      value: z.number(),
      observations: z.number(),
      figures: z.array(
        z.object({
          confidence: z.number(),
          historicalVar: z.number(),
          historicalEs: z.number(),
          parametricVar: z.number(),
          parametricEs: z.number(),
        }),
      ),
    })
    .optional(),
});
export type LiveRiskStatus = z.infer<typeof LiveStatusSchema>;

/** Reads a running session's risk figures from its dashboard; a clear error when none answers or the answer is odd. */
export async function fetchLiveRisk(baseUrl: string, timeoutMs = 3000): Promise<LiveRiskStatus> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/status`;
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw new SherwoodError(
      `no running session answers at ${url} (${errorMessage(err)}); is the dashboard enabled?`,
      'SESSION_UNREACHABLE',
      { url },
    );
  }
  const parsed = LiveStatusSchema.safeParse(body);
  if (!parsed.success) {
    throw new SherwoodError(
      `${url} did not answer like a Sherwood session: ${z.prettifyError(parsed.error)}`,
      'SESSION_UNREACHABLE',
      { url },
    );
  }
  return parsed.data;
}

function formatLive(s: LiveRiskStatus, url: string): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`.padStart(8);
  const lines = [
    `session at ${url}: ${s.riskState}${s.riskReasons.length > 0 ? ` — ${s.riskReasons.join('; ')}` : ''}`,
  ];
  const denials = Object.entries(s.riskDenials ?? {}).filter(([, n]) => n > 0);
  lines.push(denials.length === 0 ? 'denials: none' : `denials: ${denials.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  const v = s.riskVar;
  if (v === undefined) {
    lines.push('VaR/ES: no figure yet (no position, or fewer returns than needed)');
  } else {
    lines.push(`VaR/ES, one day, value ${v.value.toFixed(2)}, ${v.observations} returns:`);
    lines.push('confidence  historical VaR   ES        parametric VaR   ES');
    for (const f of v.figures) {
      const money = (x: number): string => ` (${(x * v.value).toFixed(2)})`;
      lines.push(
        `${`${f.confidence * 100}%`.padEnd(10)}  ${pct(f.historicalVar)}${money(f.historicalVar)}  ${pct(f.historicalEs)}${money(f.historicalEs)}  ${pct(f.parametricVar)}${money(f.parametricVar)}  ${pct(f.parametricEs)}${money(f.parametricEs)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatReport(r: VarReport): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`.padStart(8);
  const money = (x: number): string => (r.value > 0 ? ` (${(x * r.value).toFixed(2)})` : '');
  const lines = [
    `portfolio: ${r.symbols.map((s, i) => `${s} ${r.weights[i]}`).join(', ')}`,
    `returns: ${r.observations} bars, one-day horizon (×${r.horizonScale.toFixed(4)}), per-bar μ ${r.mean.toExponential(3)} σ ${r.stdev.toExponential(3)}`,
    'confidence  historical VaR   ES        parametric VaR   ES',
    ...r.figures.map(
      (f) =>
        `${`${f.confidence * 100}%`.padEnd(10)}  ${pct(f.historicalVar)}${money(f.historicalVar)}  ${pct(f.historicalEs)}${money(f.historicalEs)}  ${pct(f.parametricVar)}${money(f.parametricVar)}  ${pct(f.parametricEs)}${money(f.parametricEs)}`,
    ),
    'correlations:',
    ...r.correlations.map(
      (row, i) => `  ${(r.symbols[i] ?? '').padEnd(10)} ${row.map((c) => c.toFixed(3).padStart(7)).join(' ')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, io: RiskCommandIo = defaultIo): void {
  addConfigOptions(
    program
      .command('risk')
      .description("print the risk limits in effect, the running session's risk state and VaR, or the VaR of bar files")
      .option('--live [url]', "the running session's risk state, denials and live VaR/ES (default: its dashboard)")
      .option('--data <file...>', 'bar files (CSV, gz) of the portfolio assets, one per asset')
      .option('--weights <list>', 'weights per asset as fractions of value, e.g. BTC=0.5,ETH=0.5 (default equal)')
      .option('--lookback <bars>', 'returns to use (default: risk.var_lookback)')
      .option('--value <amount>', 'portfolio value, to print the figures in money too')
      .option('--json', 'print JSON'),
  ).action(async (opts: RiskOptions) => {
    // Flags first: a bad value says so before the configuration is read or a session is asked.
    const flags = parseFlags(RiskFlagsSchema, { lookback: opts.lookback, value: opts.value });
    const context = { ...(io.cwd !== undefined && { cwd: io.cwd }), ...(io.env !== undefined && { env: io.env }) };
    const config = loadConfigFromOptions(opts, context).config;
    const limits = config.risk;
    const dashboard = config.monitoring.dashboard;
    const liveUrl =
      opts.live === undefined || opts.live === false
        ? undefined
        : typeof opts.live === 'string'
          ? opts.live
          : `http://${dashboard.host}:${dashboard.port}`;
    const live = liveUrl === undefined ? undefined : await fetchLiveRisk(liveUrl);
    const lookback = flags.lookback ?? limits.var_lookback;
    const value = flags.value ?? 0;
    const report =
      opts.data && opts.data.length > 0 ? await riskFigures(opts.data, opts.weights, lookback, value) : undefined;
    if (opts.json) {
      io.out(`${JSON.stringify({ limits, ...(live && { live }), ...(report && { var: report }) }, null, 2)}\n`);
      return;
    }
    if (live !== undefined && liveUrl !== undefined) io.out(`${formatLive(live, liveUrl)}\n`);
    const rows = Object.entries(limits).map(([k, v]) => `  ${k.padEnd(26)} ${String(v)}`);
    io.out(`risk limits:\n${rows.join('\n')}\n`);
    if (report) io.out(`\n${formatReport(report)}`);
  });
}
