// Parsing of the backtest and optimize command lines into a BacktestConfig input: ISO dates, `k=v` parameters,
// default data. zod checks every flag; an error names the flag and the value (the CLI exits 2 on it).
import { z } from 'zod';
import { checkOutputFile, flagProblems } from '../cli/options.ts';
import { ConfigError } from '../core/errors.ts';
import { listSampleBarFiles } from '../data/historical/index.ts';
import type { BacktestConfigInput } from './config.ts';

const HOUR_MS = 3_600_000;

/** Turns a flag value into a number or boolean when it reads as one (strategy schemas expect typed params). */
export function parseScalar(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(raw)) return Number(raw);
  return raw;
}

/** `k=v` pairs into an object; throws naming the bad pair. */
export function parseParams(pairs: readonly string[] | undefined, flag = '--param'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`${flag} ${JSON.stringify(pair)}: expected key=value`, { flag, value: pair });
    out[pair.slice(0, eq).trim()] = parseScalar(pair.slice(eq + 1).trim());
  }
  return out;
}

const IsoDate = z.string().transform((s, ctx) => {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO date like 2025-06-01', input: s });
    return z.NEVER;
  }
  return t;
});
const DecimalFlag = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal like 10000 or 0.001');
const IntFlag = z.coerce.number().int().min(0);
const BpsFlag = z.coerce.number().min(0).max(10_000);
const ShareFlag = z.coerce.number().gt(0).max(1);

export const BacktestFlagsSchema = z.object({
  strategy: z.string().min(1),
  param: z.array(z.string()).optional(),
  data: z.array(z.string().min(1)).optional(),
  symbols: z.array(z.string().min(1)).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  cash: DecimalFlag.default('10000'),
  holdings: z
    .array(z.string().regex(/^[A-Za-z0-9]+-[A-Za-z]+=\d+(\.\d+)?$/, 'expected SYMBOL=quantity, e.g. BTC-USD=0.5'))
    .optional(),
  feeRate: DecimalFlag.refine((r) => Number(r) < 1, 'must be a ratio below 1, like 0.001 for 0.1 %').optional(),
  spreadBps: BpsFlag.optional(),
  slippageBps: BpsFlag.optional(),
  participation: ShareFlag.optional(),
  latencyMs: IntFlag.optional(),
  budget: DecimalFlag.optional(),
  seed: z.coerce.number().int().default(1),
  json: z.string().min(1).optional(),
  report: z.string().min(1).optional(),
});

export type BacktestFlags = z.input<typeof BacktestFlagsSchema>;

const FLAG_NAMES: Record<string, string> = {
  feeRate: '--fee-rate',
  spreadBps: '--spread-bps',
  slippageBps: '--slippage-bps',
  latencyMs: '--latency-ms',
};

/** A ConfigError (exit 2) with one line per bad flag, naming the flag and the value. */
export function flagError(error: z.ZodError, raw: Record<string, unknown>, _what?: string): ConfigError {
  const lines = flagProblems(error.issues, raw, FLAG_NAMES);
  return new ConfigError(lines.join('\n'), { issues: lines });
}

/** The shipped sample's hourly bars for `symbols` (default BTC-USD). */
export function defaultDataFiles(symbols: readonly string[] | undefined): string[] {
  const wanted = new Set(symbols !== undefined && symbols.length > 0 ? symbols : ['BTC-USD']);
  const files = listSampleBarFiles().filter((f) => f.intervalMs === HOUR_MS && wanted.has(f.symbol));
  if (files.length === 0) {
    throw new ConfigError(`no shipped hourly sample for ${[...wanted].join(', ')}; give --data`, {
      symbols: [...wanted].join(','),
    });
  }
  return files.map((f) => f.path);
}

export interface ParsedBacktestFlags {
  readonly config: BacktestConfigInput;
  readonly json?: string;
  readonly report?: string;
}

export function backtestConfigFromFlags(raw: BacktestFlags): ParsedBacktestFlags {
  const parsed = BacktestFlagsSchema.safeParse(raw);
  if (!parsed.success) throw flagError(parsed.error, raw, 'backtest');
  const f = parsed.data;
  if (f.from !== undefined && f.to !== undefined && f.to <= f.from) {
    const iso = (t: number): string => new Date(t).toISOString();
    throw new ConfigError(
      `--to ${JSON.stringify(raw.to)} (${iso(f.to)}) must be after --from ${JSON.stringify(raw.from)} (${iso(f.from)})`,
      { flag: '--to', value: raw.to },
    );
  }
  if (f.json !== undefined) checkOutputFile('--json', f.json);
  if (f.report !== undefined) checkOutputFile('--report', f.report);
  const symbols = f.symbols
    ?.flatMap((s) => s.split(','))
    .map((s) =>
      s
        .trim()
        .toUpperCase()
        .replace(/-USDT$/, '-USD'),
    );
  const data = f.data !== undefined && f.data.length > 0 ? f.data : defaultDataFiles(symbols);
  const config: BacktestConfigInput = {
    strategy: f.strategy,
    params: parseParams(f.param),
    data,
    ...(symbols !== undefined && { symbols }),
    ...(f.from !== undefined && { from: f.from }),
    ...(f.to !== undefined && { to: f.to }),
    cash: f.cash,
    ...(f.holdings !== undefined && {
      holdings: Object.fromEntries(f.holdings.map((h) => h.split('=') as [string, string])),
    }),
    ...(f.feeRate !== undefined && { feeRate: f.feeRate }),
    ...(f.spreadBps !== undefined && { spreadBps: f.spreadBps }),
    ...(f.slippageBps !== undefined && { slippageBps: f.slippageBps }),
    ...(f.participation !== undefined && { participation: f.participation }),
    ...(f.latencyMs !== undefined && { latencyMs: f.latencyMs }),
    ...(f.budget !== undefined && { budget: f.budget }),
    seed: f.seed,
  };
  return { config, ...(f.json !== undefined && { json: f.json }), ...(f.report !== undefined && { report: f.report }) };
}
