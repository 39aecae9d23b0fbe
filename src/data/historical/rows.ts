// Row-level validation: every bad row becomes `file:line: <what is wrong> (got …)`, thrown or skipped and counted.
import { DataError } from '../../core/errors.ts';
import { newStats, type LoadStats, type ResolvedOptions } from './options.ts';
import { isoTime } from './time.ts';

const MAX_SAMPLES = 10;

export class RowContext {
  readonly stats: LoadStats = newStats();
  readonly #rowErrors = new WeakSet<DataError>();

  constructor(
    readonly file: string,
    readonly options: ResolvedOptions,
  ) {}

  /** A DataError for one row; `reject` may skip it. */
  error(line: number, what: string, got?: unknown): DataError {
    const suffix = got === undefined ? '' : ` (got ${show(got)})`;
    const err = new DataError(`${this.file}:${line}: ${what}${suffix}`, { file: this.file, line });
    this.#rowErrors.add(err);
    return err;
  }

  /** A DataError about the whole file (never skipped). */
  fileError(what: string, details: Record<string, unknown> = {}): DataError {
    return new DataError(`${this.file}: ${what}`, { file: this.file, ...details });
  }

  /** Under `onInvalid: 'skip'` counts a bad row and returns; otherwise (or for any other error) rethrows. */
  reject(err: unknown): void {
    if (this.options.onInvalid === 'skip' && err instanceof DataError && this.#rowErrors.has(err)) {
      this.stats.skipped++;
      if (this.stats.skippedSamples.length < MAX_SAMPLES) this.stats.skippedSamples.push(err.message);
      return;
    }
    throw err;
  }

  /** A finite number from a cell; empty, NaN and Infinity are errors. */
  number(text: string | undefined, field: string, line: number): number {
    const value = text === undefined || text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) throw this.error(line, `${field} is not a finite number`, text ?? '<missing>');
    return value;
  }

  positive(text: string | undefined, field: string, line: number): number {
    const value = this.number(text, field, line);
    if (value <= 0) throw this.error(line, `${field} must be positive`, text);
    return value;
  }

  nonNegative(text: string | undefined, field: string, line: number): number {
    const value = this.number(text, field, line);
    if (value < 0) throw this.error(line, `${field} must not be negative`, text);
    return value;
  }

  /** Splits a CSV line (no quoted fields in these formats) and checks the column count. */
  cells(text: string, expected: number, line: number): string[] {
    const cells = text.split(',');
    if (cells.length !== expected) {
      throw this.error(line, `expected ${expected} columns, found ${cells.length}`, text.slice(0, 120));
    }
    return cells;
  }
}

/** Checks that timestamps increase (strictly for bars, non-decreasing for ticks). */
export class TimeOrder {
  #last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: RowContext,
    private readonly strict: boolean,
  ) {}

  check(timestamp: number, line: number): void {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw this.ctx.error(line, 'timestamp is not a whole non-negative number of ms', timestamp);
    }
    if (this.strict ? timestamp <= this.#last : timestamp < this.#last) {
      const rule = this.strict ? 'is not after' : 'is before';
      throw this.ctx.error(line, `timestamp ${rule} the previous row's ${isoTime(this.#last)}`, isoTime(timestamp));
    }
    this.#last = timestamp;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
