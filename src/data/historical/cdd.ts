// CryptoDataDownload files. The single-pair files come newest first, so they are buffered and sorted (they are
// small: the Coinbase hourly file is under 2 MB unzipped) and cleaned of the source's duplicated rows.
// The multi-asset file is oldest first and streamed.
import type { Bar } from '../../model/market.ts';
import { BarAssembler, type RawBar } from './bars.ts';
import { headerColumns } from './formats.ts';
import { readLineBatches } from './lines.ts';
import type { RowContext } from './rows.ts';
import { isQuoteCurrency, mapUsdtToUsd, normalizeSymbol, resolveSymbol, symbolFromFileName } from './symbols.ts';
import { parseCddHour, parseTimeCell } from './time.ts';

interface BufferedRow {
  readonly line: number;
  readonly cells: string[];
}

function parseCddTime(text: string): number | undefined {
  return parseCddHour(text) ?? parseTimeCell(text);
}

/**
 * `date,symbol,open,high,low,close,volume_btc,volume` after an optional banner line. Cleaning, in file order:
 * a row whose OHLCV repeats an earlier row's exactly (with volume > 0: flat zero-volume candles legitimately repeat)
 * is a copy and is dropped, and so is a second row for a timestamp already seen. Both count in `duplicatesDropped`.
 */
export async function* cddBars(ctx: RowContext, headerLine: number): AsyncGenerator<Bar[]> {
  let header: string[] = [];
  const rows: BufferedRow[] = [];
  for await (const batch of readLineBatches(ctx.file)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.firstLine + i;
      const text = batch.lines[i] ?? '';
      if (line < headerLine) continue;
      if (line === headerLine) header = headerColumns(text);
      else if (text !== '') rows.push({ line, cells: text.split(',') });
    }
  }
  const at = (name: string): number => header.indexOf(name);
  const firstSymbol = rows[0]?.cells[at('symbol')];
  const fileSymbol =
    (firstSymbol === undefined ? undefined : normalizeSymbol(firstSymbol)) ?? symbolFromFileName(ctx.file);
  const symbol = resolveSymbol(ctx.file, fileSymbol, ctx.options);
  const base = (fileSymbol ?? symbol).split('-')[0]?.toLowerCase() ?? '';
  const baseVolume = [`volume_${base}`, `volume ${base}`].map(at).find((k) => k >= 0) ?? at('volume');
  const time = at('unix') >= 0 ? at('unix') : at('date');
  const col = { open: at('open'), high: at('high'), low: at('low'), close: at('close'), symbol: at('symbol') };

  const seenContent = new Set<string>();
  const seenTime = new Set<number>();
  const clean: { raw: RawBar; line: number }[] = [];
  for (const { line, cells } of rows) {
    ctx.stats.rowsRead++;
    try {
      if (cells.length !== header.length) {
        throw ctx.error(line, `expected ${header.length} columns, found ${cells.length}`, cells.join(',').slice(0, 120));
      }
      const rowSymbol = cells[col.symbol] ?? '';
      if (firstSymbol !== undefined && rowSymbol !== firstSymbol) {
        throw ctx.error(line, `symbol differs from the file's ${firstSymbol}`, rowSymbol);
      }
      const timeText = cells[time] ?? '';
      const timestamp = parseCddTime(timeText);
      if (timestamp === undefined) throw ctx.error(line, 'date is not a UTC date or hour', timeText);
      const raw: RawBar = {
        timestamp,
        open: ctx.number(cells[col.open], 'open', line),
        high: ctx.number(cells[col.high], 'high', line),
        low: ctx.number(cells[col.low], 'low', line),
        close: ctx.number(cells[col.close], 'close', line),
        volume: baseVolume < 0 ? 0 : ctx.number(cells[baseVolume], 'volume', line),
      };
      const content = [col.open, col.high, col.low, col.close, baseVolume].map((k) => cells[k]).join(',');
      if ((raw.volume > 0 && seenContent.has(content)) || seenTime.has(timestamp)) {
        ctx.stats.duplicatesDropped++;
        continue;
      }
      if (raw.volume > 0) seenContent.add(content);
      seenTime.add(timestamp);
      clean.push({ raw, line });
    } catch (err) {
      ctx.reject(err);
    }
  }
  clean.sort((a, b) => a.raw.timestamp - b.raw.timestamp);

  const assembler = new BarAssembler(ctx, symbol);
  const out: Bar[] = [];
  for (const { raw, line } of clean) {
    try {
      assembler.accept(raw, line, out);
    } catch (err) {
      ctx.reject(err);
    }
  }
  assembler.finish();
  if (out.length > 0) yield out;
}

/** `,BTC:open,BTC:high,…,ETH:open,…`: the asset comes from the `symbol` option; rows empty for it are skipped. */
export async function* cddMultiAssetBars(ctx: RowContext, headerLine: number): AsyncGenerator<Bar[]> {
  let assembler: BarAssembler | undefined;
  let col: Record<'open' | 'high' | 'low' | 'close' | 'volume', number> | undefined;
  let count = 0;
  for await (const batch of readLineBatches(ctx.file)) {
    const out: Bar[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.firstLine + i;
      const text = batch.lines[i] ?? '';
      if (line < headerLine) continue;
      if (line === headerLine) {
        const header = headerColumns(text);
        count = header.length;
        const asset = chooseAsset(ctx, header);
        const at = (field: string): number => header.indexOf(`${asset.toLowerCase()}:${field}`);
        col = { open: at('open'), high: at('high'), low: at('low'), close: at('close'), volume: at('volume') };
        assembler = new BarAssembler(ctx, multiAssetSymbol(ctx, asset));
        continue;
      }
      if (text === '' || col === undefined || assembler === undefined) continue;
      ctx.stats.rowsRead++;
      try {
        const cells = ctx.cells(text, count, line);
        const values = [col.open, col.high, col.low, col.close, col.volume].map((k) => cells[k] ?? '');
        if (values.every((v) => v === '')) {
          ctx.stats.emptyRows++;
          continue;
        }
        const timestamp = parseTimeCell(cells[0] ?? '');
        if (timestamp === undefined) throw ctx.error(line, 'date is not a UTC date', cells[0]);
        const raw: RawBar = {
          timestamp,
          open: ctx.number(values[0], 'open', line),
          high: ctx.number(values[1], 'high', line),
          low: ctx.number(values[2], 'low', line),
          close: ctx.number(values[3], 'close', line),
          volume: col.volume < 0 ? 0 : ctx.number(values[4], 'volume', line),
        };
        assembler.accept(raw, line, out);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
  assembler?.finish();
}

function chooseAsset(ctx: RowContext, header: string[]): string {
  const assets = [...new Set(header.filter((c) => c.endsWith(':open')).map((c) => c.slice(0, -5).toUpperCase()))];
  const wanted = ctx.options.symbol?.split(/[-_/]/)[0]?.toUpperCase();
  if (wanted === undefined) {
    if (assets.length === 1 && assets[0] !== undefined) return assets[0];
    throw ctx.fileError(`holds several assets (${assets.join(', ')}); choose one with the symbol option`, { assets });
  }
  if (!assets.includes(wanted)) {
    throw ctx.fileError(`has no asset ${wanted} (it holds ${assets.join(', ')})`, { assets, symbol: wanted });
  }
  return wanted;
}

/** The quote currency comes from the symbol option when it names one, else from the file name (`…_USD_1d.csv`). */
function multiAssetSymbol(ctx: RowContext, asset: string): string {
  const fromOption = ctx.options.symbol === undefined ? undefined : normalizeSymbol(ctx.options.symbol);
  const name = ctx.file.split(/[\\/]/).pop() ?? ctx.file;
  const tokens = name.replace(/(\.(csv|gz))+$/i, '').split(/[-_.\s]+/);
  const fromName = tokens.filter((t) => t === t.toUpperCase() && isQuoteCurrency(t) && t !== asset).pop();
  const quote = fromOption?.split('-')[1] ?? fromName;
  if (quote === undefined) throw ctx.fileError('cannot tell the quote currency; pass symbol like BTC-USD');
  const symbol = `${asset}-${quote}`;
  return ctx.options.mapUsdtToUsd ? mapUsdtToUsd(symbol) : symbol;
}
