// Bar loaders for streamed formats: OHLCV CSV (Binance conversions, nautilus BTC-PERP, your own) and freqtrade JSON.
import type { Bar } from '../../model/market.ts';
import { readJsonArrayRows } from './json-array.ts';
import { readLineBatches } from './lines.ts';
import { headerColumns } from './formats.ts';
import { TimeOrder, type RowContext } from './rows.ts';
import { resolveSymbol, symbolFromFileName } from './symbols.ts';
import { intervalFromFileName, parseTimeCell } from './time.ts';

export interface RawBar {
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Checks bars (OHLC sanity, strictly increasing time) and stamps symbol and interval. When the interval is not known
 * up front, the first bar waits for the second one, whose distance gives it.
 */
export class BarAssembler {
  readonly #ctx: RowContext;
  readonly #symbol: string;
  readonly #order: TimeOrder;
  #intervalMs: number | undefined;
  #held: RawBar | undefined;

  constructor(ctx: RowContext, symbol: string) {
    this.#ctx = ctx;
    this.#symbol = symbol;
    this.#order = new TimeOrder(ctx, true);
    this.#intervalMs = ctx.options.intervalMs ?? intervalFromFileName(ctx.file);
  }

  /** Validates one row and appends the bars it releases to `out`. Throws the row's DataError. */
  accept(raw: RawBar, line: number, out: Bar[]): void {
    const { open, high, low, close, volume } = raw;
    if (high < low) throw this.#ctx.error(line, `high ${high} is below low ${low}`, `low=${low} high=${high}`);
    if (low > Math.min(open, close)) {
      throw this.#ctx.error(line, `low is above min(open, close) ${Math.min(open, close)}`, low);
    }
    if (high < Math.max(open, close)) {
      throw this.#ctx.error(line, `high is below max(open, close) ${Math.max(open, close)}`, high);
    }
    if (volume < 0) throw this.#ctx.error(line, 'volume is negative', volume);
    this.#order.check(raw.timestamp, line);
    if (this.#intervalMs === undefined) {
      if (this.#held === undefined) {
        this.#held = raw;
        return;
      }
      this.#intervalMs = raw.timestamp - this.#held.timestamp;
    }
    if (this.#held !== undefined) {
      out.push(this.#bar(this.#held, this.#intervalMs));
      this.#held = undefined;
    }
    out.push(this.#bar(raw, this.#intervalMs));
  }

  /** At the end of the file: a lone bar of unknown interval cannot be stamped. */
  finish(): void {
    if (this.#held !== undefined) {
      throw this.#ctx.fileError(
        'cannot infer the bar interval from a single row; name the file like BTC_USDT-1h.csv or pass intervalMs',
      );
    }
  }

  #bar(raw: RawBar, intervalMs: number): Bar {
    return {
      symbol: this.#symbol,
      timestamp: raw.timestamp,
      intervalMs,
      open: raw.open,
      high: raw.high,
      low: raw.low,
      close: raw.close,
      volume: raw.volume,
    };
  }
}

interface OhlcvColumns {
  readonly count: number;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** -1 when the file has no volume column (volume is then 0). */
  readonly volume: number;
}

function ohlcvColumns(header: string): OhlcvColumns {
  const cols = headerColumns(header);
  const at = (name: string): number => cols.indexOf(name);
  const timestamp = at('timestamp');
  return {
    count: cols.length,
    time: timestamp >= 0 ? timestamp : at('date') >= 0 ? at('date') : at('time'),
    open: at('open'),
    high: at('high'),
    low: at('low'),
    close: at('close'),
    volume: at('volume'),
  };
}

/** `timestamp,date,open,high,low,close,volume` and friends: columns found by name; time as epoch digits or text. */
export async function* ohlcvCsvBars(ctx: RowContext, headerLine: number): AsyncGenerator<Bar[]> {
  const assembler = new BarAssembler(ctx, resolveSymbol(ctx.file, symbolFromFileName(ctx.file), ctx.options));
  let cols: OhlcvColumns | undefined;
  for await (const batch of readLineBatches(ctx.file)) {
    const out: Bar[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.firstLine + i;
      const text = batch.lines[i] ?? '';
      if (line <= headerLine) {
        if (line === headerLine) cols = ohlcvColumns(text);
        continue;
      }
      if (text === '' || cols === undefined) continue;
      ctx.stats.rowsRead++;
      try {
        const c = ctx.cells(text, cols.count, line);
        const timeText = c[cols.time] ?? '';
        const timestamp = parseTimeCell(timeText);
        if (timestamp === undefined) throw ctx.error(line, 'timestamp is not an epoch number or a UTC date', timeText);
        const raw: RawBar = {
          timestamp,
          open: ctx.number(c[cols.open], 'open', line),
          high: ctx.number(c[cols.high], 'high', line),
          low: ctx.number(c[cols.low], 'low', line),
          close: ctx.number(c[cols.close], 'close', line),
          volume: cols.volume < 0 ? 0 : ctx.number(c[cols.volume], 'volume', line),
        };
        assembler.accept(raw, line, out);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
  assembler.finish();
}

/** freqtrade `[[ms, open, high, low, close, volume], ...]`, streamed element by element. */
export async function* freqtradeJsonBars(ctx: RowContext): AsyncGenerator<Bar[]> {
  const assembler = new BarAssembler(ctx, resolveSymbol(ctx.file, symbolFromFileName(ctx.file), ctx.options));
  const fields = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
  for await (const rows of readJsonArrayRows(ctx.file)) {
    const out: Bar[] = [];
    for (const row of rows) {
      ctx.stats.rowsRead++;
      try {
        const v = row.value;
        if (!Array.isArray(v) || v.length !== 6) {
          throw ctx.error(row.line, `element ${row.index} is not [ms, open, high, low, close, volume]`, row.text);
        }
        const n = v.map((x, k) => {
          if (typeof x !== 'number' || !Number.isFinite(x)) {
            throw ctx.error(row.line, `element ${row.index}: ${fields[k] ?? '?'} is not a finite number`, x);
          }
          return x;
        });
        const [timestamp = 0, open = 0, high = 0, low = 0, close = 0, volume = 0] = n;
        assembler.accept({ timestamp, open, high, low, close, volume }, row.line, out);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
  assembler.finish();
}
