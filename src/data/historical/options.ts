// Options and per-read statistics shared by every historical loader.
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';

/** What to do with a row that fails validation: stop with a DataError (default) or skip it and count it. */
export type InvalidRowPolicy = 'throw' | 'skip';

export interface HistoricalOptions {
  /**
   * The instrument. For a multi-asset file it chooses the asset ('BTC' or 'BTC-USD'); for a single-instrument file it
   * names the rows (it must have the file's base asset when the file tells one).
   */
  symbol?: string;
  /** Rename `X-USDT` to `X-USD` (Binance Tether pairs standing in for dollar pairs). */
  mapUsdtToUsd?: boolean;
  /** Keep rows with `timestamp >= from` (ms, inclusive). */
  from?: number;
  /** Keep rows with `timestamp < to` (ms, exclusive); reading stops at the first row at or after `to`. */
  to?: number;
  /** Default 'throw'. */
  onInvalid?: InvalidRowPolicy;
  /** Bar interval in ms, when neither the file name (`-1h`, `_1d`…) nor the first two rows tell it. */
  intervalMs?: number;
}

const epochMs = z.number().int().nonnegative();
const OptionsSchema = z.strictObject({
  symbol: z.string().trim().min(1).optional(),
  mapUsdtToUsd: z.boolean().optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  onInvalid: z.enum(['throw', 'skip']).optional(),
  intervalMs: z.number().int().positive().optional(),
});

export interface ResolvedOptions {
  readonly symbol: string | undefined;
  readonly mapUsdtToUsd: boolean;
  readonly from: number;
  readonly to: number;
  readonly onInvalid: InvalidRowPolicy;
  readonly intervalMs: number | undefined;
}

export function resolveOptions(options: HistoricalOptions = {}): ResolvedOptions {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ValidationError(`invalid historical data options: ${z.prettifyError(parsed.error)}`, {
      options,
    });
  }
  const o = parsed.data;
  if (o.from !== undefined && o.to !== undefined && o.to <= o.from) {
    throw new ValidationError(`invalid historical data options: to ${o.to} must be after from ${o.from}`, { options });
  }
  return {
    symbol: o.symbol,
    mapUsdtToUsd: o.mapUsdtToUsd ?? false,
    from: o.from ?? Number.NEGATIVE_INFINITY,
    to: o.to ?? Number.POSITIVE_INFINITY,
    onInvalid: o.onInvalid ?? 'throw',
    intervalMs: o.intervalMs,
  };
}

/** Counters of one pass over a file; a new pass starts new counters. */
export interface LoadStats {
  /** Data rows read (header and banner lines not counted; JSON: array elements). */
  rowsRead: number;
  /** Values yielded to the caller (after the from/to filter). */
  emitted: number;
  /** Invalid rows skipped under `onInvalid: 'skip'`. */
  skipped: number;
  /** Rows dropped by cleaning (CryptoDataDownload duplicates). */
  duplicatesDropped: number;
  /** Rows with no value for the chosen asset (multi-asset files), skipped by design. */
  emptyRows: number;
  /** The messages of the first few skipped rows. */
  skippedSamples: string[];
}

export function newStats(): LoadStats {
  return { rowsRead: 0, emitted: 0, skipped: 0, duplicatesDropped: 0, emptyRows: 0, skippedSamples: [] };
}

/** What every `open*` function returns: iterate it (again and again), then read `stats` of the last pass. */
export interface HistoricalStream<T> extends AsyncIterable<T> {
  readonly path: string;
  readonly stats: Readonly<LoadStats>;
}
