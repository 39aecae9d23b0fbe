// Historical market data: streaming loaders for the formats of the real data sets, the shipped sample, and a
// time merge. Every `open*` returns a re-iterable stream; each pass re-reads the file.
import { DataError } from '../../core/errors.ts';
import type { Bar, DepthSnapshot, DepthUpdate, Quote, Trade } from '../../model/market.ts';
import { freqtradeJsonBars, ohlcvCsvBars } from './bars.ts';
import { cddBars, cddMultiAssetBars } from './cdd.ts';
import { hftbacktestDepthSnapshots, hftbacktestDepthUpdates } from './depth.ts';
import { detectFormat, type DataKind, type DetectedFormat } from './formats.ts';
import { newStats, resolveOptions, type HistoricalOptions, type HistoricalStream, type LoadStats, type ResolvedOptions } from './options.ts';
import { RowContext } from './rows.ts';
import { freqtradeJsonTrades, hftbacktestQuotes, hftbacktestTrades, nautilusQuotes, nautilusTrades } from './ticks.ts';

export type { DataKind, DetectedFormat, FormatId } from './formats.ts';
export type { HistoricalOptions, HistoricalStream, InvalidRowPolicy, LoadStats } from './options.ts';
export type { SampleBarFile } from './sample.ts';
export { detectFormat } from './formats.ts';
export { mergeByTime } from './merge.ts';
export { SAMPLE_DATA_DIR, listSampleBarFiles } from './sample.ts';
export { mapUsdtToUsd, normalizeSymbol, symbolFromFileName } from './symbols.ts';

type Loader<T> = (ctx: RowContext, format: DetectedFormat) => AsyncGenerator<T[]>;

class LoaderStream<T extends { readonly timestamp: number }> implements HistoricalStream<T> {
  readonly path: string;
  readonly #options: ResolvedOptions;
  readonly #kind: DataKind;
  readonly #load: Loader<T>;
  #stats: LoadStats = newStats();

  constructor(path: string, options: HistoricalOptions | undefined, kind: DataKind, load: Loader<T>) {
    this.path = path;
    this.#options = resolveOptions(options);
    this.#kind = kind;
    this.#load = load;
  }

  get stats(): Readonly<LoadStats> {
    return this.#stats;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const ctx = new RowContext(this.path, this.#options);
    this.#stats = ctx.stats;
    const format = await detectFormat(this.path);
    if (format.kind !== this.#kind) {
      throw new DataError(`${this.path}: holds ${format.kind} (${format.format}), not ${this.#kind}`, {
        file: this.path,
        format: format.format,
      });
    }
    const { from, to } = this.#options;
    for await (const batch of this.#load(ctx, format)) {
      for (const item of batch) {
        if (item.timestamp < from) continue;
        if (item.timestamp >= to) return; // every format is time-ordered: nothing later can be inside the window
        ctx.stats.emitted++;
        yield item;
      }
    }
  }
}

function unsupported(format: DetectedFormat, kind: DataKind): never {
  throw new DataError(`no ${kind} loader for format ${format.format}`, { format: format.format });
}

/** OHLCV bars from `.csv(.gz)` (Binance conversions, nautilus, CryptoDataDownload) or freqtrade `.json(.gz)`. */
export function openBars(path: string, options?: HistoricalOptions): HistoricalStream<Bar> {
  return new LoaderStream<Bar>(path, options, 'bars', (ctx, format) => {
    switch (format.format) {
      case 'ohlcv-csv':
        return ohlcvCsvBars(ctx, format.headerLine);
      case 'freqtrade-ohlcv-json':
        return freqtradeJsonBars(ctx);
      case 'cdd-ohlcv-csv':
        return cddBars(ctx, format.headerLine);
      case 'cdd-multi-asset-csv':
        return cddMultiAssetBars(ctx, format.headerLine);
      default:
        return unsupported(format, 'bars');
    }
  });
}

/** Public trades from hftbacktest, nautilus or freqtrade files. */
export function openTrades(path: string, options?: HistoricalOptions): HistoricalStream<Trade> {
  return new LoaderStream<Trade>(path, options, 'trades', (ctx, format) => {
    switch (format.format) {
      case 'hftbacktest-trades-csv':
        return hftbacktestTrades(ctx, format.headerLine);
      case 'nautilus-trades-csv':
        return nautilusTrades(ctx, format.headerLine);
      case 'freqtrade-trades-json':
        return freqtradeJsonTrades(ctx);
      default:
        return unsupported(format, 'trades');
    }
  });
}

/** Best bid/ask quotes from hftbacktest bbo or nautilus quote files. */
export function openQuotes(path: string, options?: HistoricalOptions): HistoricalStream<Quote> {
  return new LoaderStream<Quote>(path, options, 'quotes', (ctx, format) => {
    switch (format.format) {
      case 'hftbacktest-bbo-csv':
        return hftbacktestQuotes(ctx, format.headerLine);
      case 'nautilus-quotes-csv':
        return nautilusQuotes(ctx, format.headerLine);
      default:
        return unsupported(format, 'quotes');
    }
  });
}

/** L2 depth: a snapshot file yields DepthSnapshot values, an updates file DepthUpdate values. */
export function openDepth(path: string, options?: HistoricalOptions): HistoricalStream<DepthSnapshot | DepthUpdate> {
  return new LoaderStream<DepthSnapshot | DepthUpdate>(path, options, 'depth', (ctx, format) => {
    switch (format.format) {
      case 'hftbacktest-depth-snapshot-csv':
        return hftbacktestDepthSnapshots(ctx, format.headerLine);
      case 'hftbacktest-depth-updates-csv':
        return hftbacktestDepthUpdates(ctx, format.headerLine);
      default:
        return unsupported(format, 'depth');
    }
  });
}
