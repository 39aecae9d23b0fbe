// Loads a backtest's market data: any format the historical loaders read, one or many files and symbols, Tether
// pairs mapped to dollar pairs, cut to [from, to). Bars and ticks (quotes, trades) are kept apart: a run replays bars
// through bar paths, or ticks one by one — not both.
import { DataError } from '../core/errors.ts';
import { detectFormat, openBars, openQuotes, openTrades } from '../data/historical/index.ts';
import { intervalLabel, isoTime } from '../data/historical/time.ts';
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
  const spans = new Spans();
  const note = (symbol: string): boolean => {
    if (keep !== undefined && !keep.has(symbol)) return false;
    if (!seen.includes(symbol)) seen.push(symbol);
    return true;
  };
  for (const [index, path] of request.paths.entries()) {
    const format = await detectFormat(path);
    if (format.kind === 'bars') {
      // A multi-asset file holds every symbol: ask it for each wanted one.
      const perSymbol = format.format === 'cdd-multi-asset-csv' && keep !== undefined ? [...keep] : [undefined];
      for (const symbol of perSymbol) {
        for await (const bar of openBars(path, { ...options, ...(symbol !== undefined && { symbol }) })) {
          if (!note(bar.symbol)) continue;
          bars.push(bar);
          spans.see(index, path, 'bars', bar.symbol, bar.timestamp, bar.intervalMs);
        }
      }
    } else if (format.kind === 'quotes') {
      for await (const q of openQuotes(path, options)) {
        if (!note(q.symbol)) continue;
        ticks.push({ kind: 'quote', value: q });
        spans.see(index, path, 'quotes', q.symbol, q.timestamp);
      }
    } else if (format.kind === 'trades') {
      for await (const t of openTrades(path, options)) {
        if (!note(t.symbol)) continue;
        ticks.push({ kind: 'trade', value: t });
        spans.see(index, path, 'trades', t.symbol, t.timestamp);
      }
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
  spans.check();
  const order = new Map(seen.map((s, i) => [s, i]));
  // Stable sort: same-time bars by symbol order, so every run replays them in the same order.
  bars.sort((a, b) => byTime(a, b) || (order.get(a.symbol) ?? 0) - (order.get(b.symbol) ?? 0));
  ticks.sort((a, b) => byTime(a.value, b.value));
  return { kind: bars.length > 0 ? 'bars' : 'ticks', symbols: seen, bars, ticks };
}

interface Span {
  readonly file: string;
  readonly kind: 'bars' | 'quotes' | 'trades';
  readonly symbol: string;
  readonly intervalMs: number | undefined;
  first: number;
  last: number;
}

/**
 * What each file holds per symbol (kind, interval, time range), so that files which would be replayed together are
 * checked: a file given twice, or two files covering the same time for one symbol, would replay its events twice
 * (every trade doubled), and bars of two intervals for one symbol would interleave. Consecutive files (2024, then
 * 2025) are fine.
 */
class Spans {
  readonly #spans = new Map<string, Span>();

  /** `index`: the file's place in the request (a file given twice is two files here). */
  see(index: number, file: string, kind: Span['kind'], symbol: string, timestamp: number, intervalMs?: number): void {
    const key = `${index}\u0000${kind}\u0000${symbol}`;
    const span = this.#spans.get(key);
    if (span === undefined) this.#spans.set(key, { file, kind, symbol, intervalMs, first: timestamp, last: timestamp });
    else {
      span.first = Math.min(span.first, timestamp);
      span.last = Math.max(span.last, timestamp);
    }
  }

  check(): void {
    const list = [...this.#spans.values()];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i] as Span;
        const b = list[j] as Span;
        if (a.symbol !== b.symbol || a.kind !== b.kind) continue;
        if (a.intervalMs !== b.intervalMs) {
          throw new DataError(
            `${a.symbol}: ${a.file} has ${intervalLabel(a.intervalMs)} bars and ${b.file} ${intervalLabel(b.intervalMs)} bars; ` +
              'a backtest replays one bar interval per symbol',
            { symbol: a.symbol, files: `${a.file}, ${b.file}` },
          );
        }
        if (a.first <= b.last && b.first <= a.last) {
          const what = a.file === b.file ? `${a.file} is given twice` : `${a.file} and ${b.file} overlap`;
          throw new DataError(
            `${a.symbol}: ${what} (${isoTime(Math.max(a.first, b.first))} to ${isoTime(Math.min(a.last, b.last))}); ` +
              `their ${a.kind} would be replayed twice`,
            { symbol: a.symbol, files: `${a.file}, ${b.file}` },
          );
        }
      }
    }
  }
}
