// A worker thread of the optimizer: runs the backtests it is sent, one at a time, and posts their metrics back.
// Data files are loaded once per worker (per file set and window) and reused by every run.
import { parentPort } from 'node:worker_threads';
import { errorMessage, SherwoodError } from '../core/errors.ts';
import { loadData, type LoadedData } from './data.ts';
import { runBacktest, type StrategyFactory } from './engine.ts';
import type { OptimizeJob, OptimizeJobResult } from './optimizer.ts';
import { registryStrategyFactory } from './strategy-source.ts';

const dataCache = new Map<string, Promise<LoadedData>>();
const factories = new Map<string, Promise<StrategyFactory>>();

function factoryFor(module: string | undefined): Promise<StrategyFactory> {
  if (module === undefined) return Promise.resolve(registryStrategyFactory);
  let f = factories.get(module);
  if (f === undefined) {
    f = import(module).then((m: { createStrategy?: StrategyFactory }) => {
      if (typeof m.createStrategy !== 'function') throw new Error(`${module} exports no createStrategy()`);
      return m.createStrategy;
    });
    factories.set(module, f);
  }
  return f;
}

async function run(job: OptimizeJob): Promise<OptimizeJobResult> {
  const c = job.config;
  const key = JSON.stringify([c.data, c.symbols, c.from, c.to]);
  let data = dataCache.get(key);
  if (data === undefined) {
    data = loadData({
      paths: c.data,
      ...(c.symbols !== undefined && { symbols: c.symbols }),
      ...(c.from !== undefined && { from: c.from }),
      ...(c.to !== undefined && { to: c.to }),
    });
    dataCache.set(key, data);
  }
  try {
    const result = await runBacktest(c, { createStrategy: await factoryFor(job.factoryModule), data: await data });
    return { id: job.id, ok: true, metrics: result.metrics, fingerprint: result.fingerprint.hash };
  } catch (err) {
    // The code lets the optimizer tell invalid parameters (a usage error) from a run that broke.
    const code = err instanceof SherwoodError ? err.code : undefined;
    return { id: job.id, ok: false, error: errorMessage(err), ...(code !== undefined && { code }) };
  }
}

parentPort?.on('message', (job: OptimizeJob) => {
  void run(job).then((r) => parentPort?.postMessage(r));
});
