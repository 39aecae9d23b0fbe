// Loads market data for the simulator's replay: bar or quote files (format detected), or by default the shipped
// sample's bar files. Symbols are mapped from USDT to USD; files for pairs the simulator does not list are skipped.
import type { Bar, Quote } from '../../model/market.ts';
import { detectFormat, listSampleBarFiles, openBars, openQuotes } from '../../data/historical/index.ts';
import { DataError } from '../../core/errors.ts';
import { barTickSource, quoteTickSource, type TickSource } from './quote-path.ts';

export interface LoadOptions {
  /** Symbols to keep (the simulator's pairs). */
  readonly symbols: readonly string[];
  readonly ticksPerBar?: number;
  /** Force the symbol of every file (when a file name does not carry one). */
  readonly symbol?: string;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function bySymbol<T extends { readonly symbol: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(item.symbol) ?? [];
    list.push(item);
    map.set(item.symbol, list);
  }
  return map;
}

/** One tick source per symbol from the given files (bars or best bid/ask quotes). */
export async function loadTickSources(paths: readonly string[], options: LoadOptions): Promise<TickSource[]> {
  const sources = new Map<string, TickSource>();
  const historical = { mapUsdtToUsd: true, ...(options.symbol === undefined ? {} : { symbol: options.symbol }) };
  for (const path of paths) {
    const format = await detectFormat(path);
    if (format.kind === 'bars') {
      const bars = await collect<Bar>(openBars(path, historical));
      for (const [symbol, list] of bySymbol(bars))
        if (options.symbols.includes(symbol)) sources.set(symbol, barTickSource(symbol, list, options.ticksPerBar));
    } else if (format.kind === 'quotes') {
      const quotes = await collect<Quote>(openQuotes(path, historical));
      for (const [symbol, list] of bySymbol(quotes))
        if (options.symbols.includes(symbol)) sources.set(symbol, quoteTickSource(symbol, list));
    } else {
      throw new DataError(`${path} holds ${format.kind}; the simulator replays bars or quotes`, { file: path });
    }
  }
  return [...sources.values()];
}

/** The shipped sample: for each listed pair, its shortest-interval bar file. */
export async function loadSampleSources(options: LoadOptions): Promise<TickSource[]> {
  const chosen = new Map<string, string>();
  for (const file of listSampleBarFiles()) {
    if (options.symbols.includes(file.symbol) && !chosen.has(file.symbol)) chosen.set(file.symbol, file.path);
  }
  return loadTickSources([...chosen.values()], options);
}
