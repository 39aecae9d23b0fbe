// L2 depth loaders for hftbacktest's Binance captures: the REST snapshot and the @depth@100ms diff stream.
// Rows are one level each; consecutive rows of one message are grouped back into one value.
import type { BookLevelUpdate, DepthSnapshot, DepthUpdate } from '../../model/market.ts';
import { columnIndex } from './csv-stream.ts';
import { headerColumns } from './formats.ts';
import { readLineBatches } from './lines.ts';
import { TimeOrder, type RowContext } from './rows.ts';
import { resolveSymbol, symbolFromFileName } from './symbols.ts';
import { nsTextToMs } from './time.ts';

function updateId(ctx: RowContext, text: string | undefined, field: string, line: number): number {
  const id = /^\d{1,16}$/.test(text ?? '') ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw ctx.error(line, `${field} is not a whole number`, text ?? '<missing>');
  return id;
}

function side(ctx: RowContext, text: string | undefined, line: number): 'bid' | 'ask' {
  if (text === 'b') return 'bid';
  if (text === 'a') return 'ask';
  throw ctx.error(line, 'side is not b or a', text ?? '<missing>');
}

/** Header, then rows as cells with their line numbers; bad column counts go through ctx.reject. */
async function* csvCells(
  ctx: RowContext,
  headerLine: number,
  onHeader: (header: string[]) => void,
): AsyncGenerator<{ cells: string[]; line: number }[]> {
  let count = -1;
  for await (const batch of readLineBatches(ctx.file)) {
    const out: { cells: string[]; line: number }[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.firstLine + i;
      const text = batch.lines[i] ?? '';
      if (line <= headerLine) {
        if (line === headerLine) {
          const header = headerColumns(text);
          count = header.length;
          onHeader(header);
        }
        continue;
      }
      if (text === '' || count < 0) continue;
      ctx.stats.rowsRead++;
      try {
        out.push({ cells: ctx.cells(text, count, line), line });
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
}

/** `local_ts_ns,last_update_id,side,level,price,qty` → one DepthSnapshot per last_update_id (receive time, ms). */
export async function* hftbacktestDepthSnapshots(ctx: RowContext, headerLine: number): AsyncGenerator<DepthSnapshot[]> {
  const symbol = resolveSymbol(ctx.file, symbolFromFileName(ctx.file), ctx.options);
  const order = new TimeOrder(ctx, false);
  let k = { ts: 0, id: 0, side: 0, price: 0, qty: 0 };
  let current: { timestamp: number; lastUpdateId: number; bids: [number, number][]; asks: [number, number][] } | undefined;
  const onHeader = (h: string[]): void => {
    const at = (n: string): number => columnIndex(ctx, h, n);
    k = { ts: at('local_ts_ns'), id: at('last_update_id'), side: at('side'), price: at('price'), qty: at('qty') };
  };
  for await (const rows of csvCells(ctx, headerLine, onHeader)) {
    const out: DepthSnapshot[] = [];
    for (const { cells: c, line } of rows) {
      try {
        const lastUpdateId = updateId(ctx, c[k.id], 'last_update_id', line);
        const s = side(ctx, c[k.side], line);
        const level: [number, number] = [
          ctx.positive(c[k.price], 'price', line),
          ctx.nonNegative(c[k.qty], 'qty', line),
        ];
        if (current === undefined || current.lastUpdateId !== lastUpdateId) {
          const timestamp = nsTextToMs(c[k.ts] ?? '');
          if (timestamp === undefined) throw ctx.error(line, 'local_ts_ns is not nanoseconds', c[k.ts]);
          order.check(timestamp, line);
          if (current !== undefined) out.push({ symbol, ...current });
          current = { timestamp, lastUpdateId, bids: [], asks: [] };
        }
        (s === 'bid' ? current.bids : current.asks).push(level);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
  if (current !== undefined) yield [{ symbol, ...current }];
}

/**
 * `local_ts_ns,event_time_ms,first_update_id,final_update_id,side,price,qty` → one DepthUpdate per message
 * (consecutive rows with the same first/final update id), stamped with the exchange event time.
 */
export async function* hftbacktestDepthUpdates(ctx: RowContext, headerLine: number): AsyncGenerator<DepthUpdate[]> {
  const symbol = resolveSymbol(ctx.file, symbolFromFileName(ctx.file), ctx.options);
  const order = new TimeOrder(ctx, false);
  let k = { time: 0, first: 0, final: 0, side: 0, price: 0, qty: 0 };
  let current: { timestamp: number; firstUpdateId: number; finalUpdateId: number; levels: BookLevelUpdate[] } | undefined;
  let currentFirstText: string | undefined;
  let currentFinalText: string | undefined;
  const onHeader = (h: string[]): void => {
    const at = (n: string): number => columnIndex(ctx, h, n);
    k = {
      time: at('event_time_ms'),
      first: at('first_update_id'),
      final: at('final_update_id'),
      side: at('side'),
      price: at('price'),
      qty: at('qty'),
    };
  };
  for await (const rows of csvCells(ctx, headerLine, onHeader)) {
    const out: DepthUpdate[] = [];
    for (const { cells: c, line } of rows) {
      try {
        // Rows of one message repeat its ids: compare the text before parsing it again.
        const firstText = c[k.first];
        const finalText = c[k.final];
        const repeat = current !== undefined && firstText === currentFirstText && finalText === currentFinalText;
        const firstUpdateId =
          repeat && current ? current.firstUpdateId : updateId(ctx, firstText, 'first_update_id', line);
        const finalUpdateId =
          repeat && current ? current.finalUpdateId : updateId(ctx, finalText, 'final_update_id', line);
        if (finalUpdateId < firstUpdateId) {
          throw ctx.error(line, `final_update_id is below first_update_id ${firstUpdateId}`, finalUpdateId);
        }
        const timestamp = ctx.number(c[k.time], 'event_time_ms', line);
        const level: BookLevelUpdate = {
          side: side(ctx, c[k.side], line),
          price: ctx.positive(c[k.price], 'price', line),
          quantity: ctx.nonNegative(c[k.qty], 'qty', line),
        };
        const same =
          current !== undefined && current.firstUpdateId === firstUpdateId && current.finalUpdateId === finalUpdateId;
        if (same && timestamp !== current?.timestamp) {
          throw ctx.error(line, `event_time_ms differs within update ${firstUpdateId}-${finalUpdateId}`, timestamp);
        }
        if (!same) {
          order.check(timestamp, line);
          if (current !== undefined) out.push({ symbol, ...current });
          current = { timestamp, firstUpdateId, finalUpdateId, levels: [] };
          currentFirstText = firstText;
          currentFinalText = finalText;
        }
        current?.levels.push(level);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
  if (current !== undefined) yield [{ symbol, ...current }];
}
