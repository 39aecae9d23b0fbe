// Loads a backtest's market data: any format the historical loaders read, one or many files and symbols, Tether
// pairs mapped to dollar pairs, cut to [from, to). Bars and ticks (quotes, trades) are kept apart: a run replays bars
// through bar paths, or ticks one by one — not both.
import { DataError } from '../core/errors.ts';
import { detectFormat, openBars, openQuotes, openTrades } from '../data/historical/index.ts';
import type { Bar, Quote, Trade } from '../model/market.ts';

export type TickEvent =
  { readonly kind: 'quote'; readonly value: Quote } | { readonly kind: 'trade'; readonly value: Trade };

export interface LoadedData {
  readonly kind: 'bars' | 'ticks';
  /** Symbols in first-seen order. */
  readonly symbols: readonly string[];
  /** Bars ordered by time, then by symbol order (bars mode). */
  readonly bars: readonly Bar[];
  /** Ticks ordered by time, ties in file order (ticks mode). */
  readonly ticks: readonly TickEvent[];
}

export interface DataRequest {
  readonly paths: readonly string[];
  /** Keep only these symbols (already in `BTC-USD` form). */
  readonly symbols?: readonly string[];
  readonly from?: number;
  readonly to?: number;
}

function byTime<T extends { readonly timestamp: number }>(a: T, b: T): number {
  return a.timestamp - b.timestamp;
}

export async function loadData(request: DataRequest): Promise<LoadedData> {
  const options = {
    mapUsdtToUsd: true,
    ...(request.from !== undefined && { from: request.from }),
    ...(request.to !== undefined && { to: request.to }),
  };
  const keep = request.symbols === undefined || request.symbols.length === 0 ? undefined : new Set(request.symbols);
  const bars: Bar[] = [];
  const ticks: TickEvent[] = [];
  const seen: string[] = [];
  const note = (symbol: string): boolean => {
    if (keep !== undefined && !keep.has(symbol)) return false;
    if (!seen.includes(symbol)) seen.push(symbol);
    return true;
  };
  for (const path of request.paths) {
    const format = await detectFormat(path);
    if (format.kind === 'bars') {
      // A multi-asset file holds every symbol: ask it for each wanted one.
      const perSymbol = format.format === 'cdd-multi-asset-csv' && keep !== undefined ? [...keep] : [undefined];
      for (const symbol of perSymbol) {
        for await (const bar of openBars(path, { ...options, ...(symbol !== undefined && { symbol }) })) {
          if (note(bar.symbol)) bars.push(bar);
        }
      }
    } else if (format.kind === 'quotes') {
      for await (const q of openQuotes(path, options)) if (note(q.symbol)) ticks.push({ kind: 'quote', value: q });
    } else if (format.kind === 'trades') {
      for await (const t of openTrades(path, options)) if (note(t.symbol)) ticks.push({ kind: 'trade', value: t });
    } else {
      throw new DataError(`${path}: ${format.kind} data cannot drive a backtest (bars, quotes or trades can)`, {
        file: path,
      });
    }
  }
  if (bars.length > 0 && ticks.length > 0) {
    throw new DataError('give either bar files or tick files (quotes, trades) to one backtest, not both', {
      paths: request.paths.join(', '),
    });
  }
  if (bars.length === 0 && ticks.length === 0) {
    throw new DataError(`no market data in ${request.paths.join(', ')} for the chosen symbols and dates`, {
      paths: request.paths.join(', '),
    });
  }
  const order = new Map(seen.map((s, i) => [s, i]));
  // Stable sort: same-time bars by symbol order, so every run replays them in the same order.
  bars.sort((a, b) => byTime(a, b) || (order.get(a.symbol) ?? 0) - (order.get(b.symbol) ?? 0));
  ticks.sort((a, b) => byTime(a.value, b.value));
  return { kind: bars.length > 0 ? 'bars' : 'ticks', symbols: seen, bars, ticks };
}
