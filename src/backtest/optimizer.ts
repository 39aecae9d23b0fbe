// The optimizer: many backtests of one strategy with different parameters, run in parallel on worker threads, ranked
// by a metric. Walk-forward (K folds) guards against overfitting: the time range is cut into K+1 equal windows; for
// each fold the best parameters on window k (in-sample) are then run on window k+1 (out-of-sample), and both scores
// are reported side by side.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SherwoodError, ValidationError } from '../core/errors.ts';
import type { BacktestConfigInput } from './config.ts';
import type { Metrics } from './metrics.ts';
import type { ParamValue } from './param-space.ts';

export type MetricName =
  'sharpe' | 'sortino' | 'calmar' | 'totalReturn' | 'annualizedReturn' | 'profitFactor' | 'winRate' | 'maxDrawdown';

export const METRIC_NAMES: readonly MetricName[] = [
  'sharpe',
  'sortino',
  'calmar',
  'totalReturn',
  'annualizedReturn',
  'profitFactor',
  'winRate',
  'maxDrawdown',
];

export interface OptimizeJob {
  readonly id: number;
  /** Fully resolved (data paths, window): the worker only runs it. */
  readonly config: BacktestConfigInput & { readonly data: readonly string[] };
  /** A module exporting `createStrategy(type, id, params)`; default: the strategies registry. */
  readonly factoryModule?: string;
}

export type OptimizeJobResult =
  | { readonly id: number; readonly ok: true; readonly metrics: Metrics; readonly fingerprint: string }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly code?: string };

export interface Candidate {
  readonly params: Record<string, ParamValue>;
  readonly metrics?: Metrics;
  readonly score: number;
  readonly error?: string;
  /** The failed run's error code (a SherwoodError's), when it had one. */
  readonly errorCode?: string;
}

export interface Fold {
  readonly fold: number;
  readonly inSample: { readonly from: number; readonly to: number };
  readonly outOfSample: { readonly from: number; readonly to: number };
  readonly best: Candidate;
  readonly outOfSampleResult: Candidate;
}

export interface OptimizeResult {
  readonly metric: MetricName;
  /** Every candidate on the whole range, best first. */
  readonly ranking: readonly Candidate[];
  readonly folds: readonly Fold[];
  readonly runs: number;
}

export interface OptimizeOptions {
  readonly base: BacktestConfigInput & { readonly data: readonly string[] };
  readonly points: ReadonlyArray<Record<string, ParamValue>>;
  readonly metric: MetricName;
  readonly workers?: number;
  /** Number of walk-forward folds (0: none). Needs `span` (the data's first and last timestamps). */
  readonly walkForward?: number;
  readonly span?: { readonly from: number; readonly to: number };
  readonly factoryModule?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Higher is better for every metric but max drawdown. A failed run scores -Infinity. */
export function scoreOf(metrics: Metrics | undefined, metric: MetricName): number {
  if (metrics === undefined) return -Infinity;
  const v = metric === 'profitFactor' ? (metrics.profitFactor ?? Number.MAX_VALUE) : metrics[metric];
  return metric === 'maxDrawdown' ? -v : v;
}

export function rank(candidates: readonly Candidate[]): Candidate[] {
  // Stable: equal scores keep the order of the parameter space.
  return candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.score - a.c.score || a.i - b.i)
    .map((x) => x.c);
}

/** The ESM build of `tsx/esm/api` (require.resolve would give the CommonJS one, which cannot register ESM hooks). */
function tsxEsmApi(from: URL): string {
  const pkgFile = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const rel = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  return path.join(path.dirname(pkgFile), rel);
}

/**
 * Starts an optimizer worker. Run from TypeScript sources, the worker first registers tsx's loader and then imports
 * the .ts entry (Node 20 does not apply `execArgv: ['--import', 'tsx']` to a worker's own entry file).
 */
function startWorker(): Worker {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new Worker(new URL('./optimize-worker.js', here));
  const entry = new URL('./optimize-worker.ts', here).href;
  const tsx = pathToFileURL(tsxEsmApi(here)).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

/** A pool of worker threads running jobs; tsx-compatible (the worker is a .ts file). */
class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Array<{ job: OptimizeJob; resolve: (r: OptimizeJobResult) => void; reject: (e: Error) => void }> =
    [];
  readonly #pending = new Map<Worker, (r: OptimizeJobResult) => void>();
  readonly #dead = new Set<Worker>();

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (r: OptimizeJobResult) => {
        const done = this.#pending.get(w);
        this.#pending.delete(w);
        this.#idle.push(w);
        done?.(r);
        this.#pump();
      });
      w.on('error', (err) => {
        // A dead worker fails its job and leaves the pool; with no worker left, every queued job fails.
        const done = this.#pending.get(w);
        this.#pending.delete(w);
        this.#dead.add(w);
        done?.({ id: -1, ok: false, error: String(err) });
        if (this.#dead.size === this.#workers.length) {
          for (const q of this.#queue.splice(0)) q.resolve({ id: q.job.id, ok: false, error: String(err) });
        }
      });
      this.#workers.push(w);
      this.#idle.push(w);
    }
  }

  run(job: OptimizeJob): Promise<OptimizeJobResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const w = this.#idle.pop() as Worker;
      if (this.#dead.has(w)) continue;
      const next = this.#queue.shift();
      if (next === undefined) break;
      this.#pending.set(w, (r) => next.resolve({ ...r, id: next.job.id }));
      w.postMessage(next.job);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/**
 * Every run failed: nothing to rank. Invalid parameters are a usage error (as `sherwood backtest` with them is); any
 * other failure is the optimizer's. The first failure is in parameter-space order (ranking keeps it for ties).
 */
function allFailed(ranking: readonly Candidate[]): SherwoodError {
  const first = ranking[0] as Candidate;
  const message = `all ${ranking.length} runs failed; the first, ${JSON.stringify(first.params)}: ${first.error}`;
  const details = { runs: ranking.length, params: first.params, error: first.error };
  return first.errorCode === 'VALIDATION_ERROR' || first.errorCode === 'CONFIG_ERROR'
    ? new ValidationError(message, details)
    : new SherwoodError(message, 'OPTIMIZE_FAILED', details);
}

export async function optimize(options: OptimizeOptions): Promise<OptimizeResult> {
  const size = Math.max(1, Math.min(options.workers ?? availableParallelism(), options.points.length));
  const pool = new WorkerPool(size);
  const folds = options.walkForward ?? 0;
  const total = options.points.length * (1 + folds) + folds;
  let done = 0;
  let nextId = 0;
  const runAll = async (
    points: ReadonlyArray<Record<string, ParamValue>>,
    window?: { from: number; to: number },
  ): Promise<Candidate[]> =>
    Promise.all(
      points.map(async (params) => {
        const job: OptimizeJob = {
          id: nextId++,
          config: {
            ...options.base,
            params: { ...options.base.params, ...params },
            ...(window !== undefined && { from: window.from, to: window.to }),
          },
          ...(options.factoryModule !== undefined && { factoryModule: options.factoryModule }),
        };
        const r = await pool.run(job);
        options.onProgress?.(++done, total);
        return r.ok
          ? { params, metrics: r.metrics, score: scoreOf(r.metrics, options.metric) }
          : { params, score: -Infinity, error: r.error, ...(r.code !== undefined && { errorCode: r.code }) };
      }),
    );
  try {
    const ranking = rank(await runAll(options.points));
    if (ranking.length > 0 && ranking.every((c) => c.error !== undefined)) throw allFailed(ranking);
    const out: Fold[] = [];
    if (folds > 0) {
      if (options.span === undefined) throw new Error('walk-forward needs the data span');
      const { from, to } = options.span;
      const width = Math.floor((to - from) / (folds + 1));
      const windows = Array.from({ length: folds + 1 }, (_, k) => ({
        from: from + k * width,
        to: k === folds ? to + 1 : from + (k + 1) * width,
      }));
      for (let k = 0; k < folds; k++) {
        const inSample = windows[k] as { from: number; to: number };
        const outOfSample = windows[k + 1] as { from: number; to: number };
        const best = rank(await runAll(options.points, inSample))[0] as Candidate;
        const oos = (await runAll([best.params], outOfSample))[0] as Candidate;
        out.push({ fold: k + 1, inSample, outOfSample, best, outOfSampleResult: oos });
      }
    }
    return { metric: options.metric, ranking, folds: out, runs: done };
  } finally {
    await pool.close();
  }
}
