// The shared loop of the tick loaders: header → row parser, per-row validation, time order, batches out.
import { readLineBatches } from './lines.ts';
import { headerColumns } from './formats.ts';
import { TimeOrder, type RowContext } from './rows.ts';

/** Parses one row's cells; throws the row's DataError (via ctx.error). */
export type RowParser<T> = (cells: string[], line: number) => T;

/** Looks a column up by name or fails with a file error naming it. */
export function columnIndex(ctx: RowContext, header: readonly string[], name: string): number {
  const k = header.indexOf(name);
  if (k < 0) throw ctx.fileError(`has no column ${name} (columns: ${header.join(',')})`);
  return k;
}

/** Streams a CSV whose rows each become one timestamped value (non-decreasing time). */
export async function* csvTimedRows<T extends { readonly timestamp: number }>(
  ctx: RowContext,
  headerLine: number,
  makeParser: (header: string[]) => RowParser<T>,
): AsyncGenerator<T[]> {
  const order = new TimeOrder(ctx, false);
  let parse: RowParser<T> | undefined;
  let count = 0;
  for await (const batch of readLineBatches(ctx.file)) {
    const out: T[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.firstLine + i;
      const text = batch.lines[i] ?? '';
      if (line <= headerLine) {
        if (line === headerLine) {
          const header = headerColumns(text);
          count = header.length;
          parse = makeParser(header);
        }
        continue;
      }
      if (text === '' || parse === undefined) continue;
      ctx.stats.rowsRead++;
      try {
        const value = parse(ctx.cells(text, count, line), line);
        order.check(value.timestamp, line);
        out.push(value);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
}
