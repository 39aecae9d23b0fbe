// Trade and quote loaders: hftbacktest (Binance websocket capture), nautilus (Binance) and freqtrade trades JSON.
import type { AggressorSide, Quote, Trade } from '../../model/market.ts';
import { columnIndex, csvTimedRows } from './csv-stream.ts';
import { readJsonArrayRows } from './json-array.ts';
import { TimeOrder, type RowContext } from './rows.ts';
import { normalizeSymbol, resolveSymbol, symbolFromFileName } from './symbols.ts';
import { nsTextToMs, parseEpochToMs } from './time.ts';

function fileSymbol(ctx: RowContext): string {
  return resolveSymbol(ctx.file, symbolFromFileName(ctx.file), ctx.options);
}

function makerFlag(ctx: RowContext, text: string | undefined, line: number): boolean {
  const t = (text ?? '').toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw ctx.error(line, 'buyer-maker flag is not true or false', text ?? '<missing>');
}

function epochMs(ctx: RowContext, text: string | undefined, field: string, line: number): number {
  const ms = parseEpochToMs(text ?? '');
  if (ms === undefined) throw ctx.error(line, `${field} is not an epoch number`, text ?? '<missing>');
  return ms;
}

/** A buyer-maker trade was taken by a seller. */
const aggressorOf = (buyerIsMaker: boolean): AggressorSide => (buyerIsMaker ? 'sell' : 'buy');

/** `local_ts_ns,event_time_ms,trade_time_ms,trade_id,price,qty,is_buyer_maker`; time is the exchange trade time. */
export function hftbacktestTrades(ctx: RowContext, headerLine: number): AsyncGenerator<Trade[]> {
  const symbol = fileSymbol(ctx);
  return csvTimedRows(ctx, headerLine, (h) => {
    const [time, id, price, qty, maker] = ['trade_time_ms', 'trade_id', 'price', 'qty', 'is_buyer_maker'].map((n) =>
      columnIndex(ctx, h, n),
    ) as [number, number, number, number, number];
    return (c, line): Trade => ({
      symbol,
      timestamp: epochMs(ctx, c[time], 'trade_time_ms', line),
      price: ctx.positive(c[price], 'price', line),
      quantity: ctx.positive(c[qty], 'qty', line),
      aggressor: aggressorOf(makerFlag(ctx, c[maker], line)),
      tradeId: c[id] ?? '',
    });
  });
}

/** `timestamp_ms,timestamp,trade_id,price,quantity,buyer_maker` (nautilus test data). */
export function nautilusTrades(ctx: RowContext, headerLine: number): AsyncGenerator<Trade[]> {
  const symbol = fileSymbol(ctx);
  return csvTimedRows(ctx, headerLine, (h) => {
    const [time, id, price, qty, maker] = ['timestamp_ms', 'trade_id', 'price', 'quantity', 'buyer_maker'].map((n) =>
      columnIndex(ctx, h, n),
    ) as [number, number, number, number, number];
    return (c, line): Trade => ({
      symbol,
      timestamp: epochMs(ctx, c[time], 'timestamp_ms', line),
      price: ctx.positive(c[price], 'price', line),
      quantity: ctx.positive(c[qty], 'quantity', line),
      aggressor: aggressorOf(makerFlag(ctx, c[maker], line)),
      tradeId: c[id] ?? '',
    });
  });
}

/** freqtrade `[[ms, id, type, side, price, amount, cost], ...]`; `side` is the taker's. */
export async function* freqtradeJsonTrades(ctx: RowContext): AsyncGenerator<Trade[]> {
  const symbol = fileSymbol(ctx);
  const order = new TimeOrder(ctx, false);
  for await (const rows of readJsonArrayRows(ctx.file)) {
    const out: Trade[] = [];
    for (const row of rows) {
      ctx.stats.rowsRead++;
      try {
        const v = row.value;
        if (!Array.isArray(v) || v.length !== 7) {
          throw ctx.error(row.line, `element ${row.index} is not [ms, id, type, side, price, amount, cost]`, row.text);
        }
        const [timestamp, id, , side, price, amount] = v as unknown[];
        const num = (x: unknown, field: string, positive: boolean): number => {
          if (typeof x !== 'number' || !Number.isFinite(x) || (positive && x <= 0)) {
            throw ctx.error(row.line, `element ${row.index}: ${field} is not a ${positive ? 'positive' : 'finite'} number`, x);
          }
          return x;
        };
        if (side !== 'buy' && side !== 'sell') {
          throw ctx.error(row.line, `element ${row.index}: side is not buy or sell`, side);
        }
        const trade: Trade = {
          symbol,
          timestamp: num(timestamp, 'timestamp', false),
          price: num(price, 'price', true),
          quantity: num(amount, 'amount', true),
          aggressor: side,
          tradeId: typeof id === 'string' || typeof id === 'number' ? String(id) : '',
        };
        order.check(trade.timestamp, row.line);
        out.push(trade);
      } catch (err) {
        ctx.reject(err);
      }
    }
    if (out.length > 0) yield out;
  }
}

/**
 * `local_ts_ns,update_id,bid_price,bid_qty,ask_price,ask_qty` (Binance bookTicker). bookTicker carries no exchange
 * time, so the capture host's receive time (ns → ms) is used; it ran about 1.27 s behind the exchange's clock.
 */
export function hftbacktestQuotes(ctx: RowContext, headerLine: number): AsyncGenerator<Quote[]> {
  const symbol = fileSymbol(ctx);
  return csvTimedRows(ctx, headerLine, (h) => {
    const [time, bid, bidQty, ask, askQty] = ['local_ts_ns', 'bid_price', 'bid_qty', 'ask_price', 'ask_qty'].map((n) =>
      columnIndex(ctx, h, n),
    ) as [number, number, number, number, number];
    return (c, line): Quote => {
      const timestamp = nsTextToMs(c[time] ?? '');
      if (timestamp === undefined) throw ctx.error(line, 'local_ts_ns is not nanoseconds', c[time]);
      return {
        symbol,
        timestamp,
        bid: ctx.positive(c[bid], 'bid_price', line),
        ask: ctx.positive(c[ask], 'ask_price', line),
        bidSize: ctx.nonNegative(c[bidQty], 'bid_qty', line),
        askSize: ctx.nonNegative(c[askQty], 'ask_qty', line),
      };
    };
  });
}

/** `timestamp_ms,timestamp,symbol,ask_size,ask,bid_size,bid` (nautilus test data); the symbol column names the pair. */
export function nautilusQuotes(ctx: RowContext, headerLine: number): AsyncGenerator<Quote[]> {
  let symbol: string | undefined;
  let rowSymbol: string | undefined;
  return csvTimedRows(ctx, headerLine, (h) => {
    const [time, sym, askSize, ask, bidSize, bid] = ['timestamp_ms', 'symbol', 'ask_size', 'ask', 'bid_size', 'bid'].map(
      (n) => columnIndex(ctx, h, n),
    ) as [number, number, number, number, number, number];
    return (c, line): Quote => {
      const text = c[sym] ?? '';
      if (symbol === undefined) {
        rowSymbol = text;
        symbol = resolveSymbol(ctx.file, normalizeSymbol(text) ?? symbolFromFileName(ctx.file), ctx.options);
      } else if (text !== rowSymbol) {
        throw ctx.error(line, `symbol differs from the file's ${rowSymbol}`, text);
      }
      return {
        symbol,
        timestamp: epochMs(ctx, c[time], 'timestamp_ms', line),
        bid: ctx.positive(c[bid], 'bid', line),
        ask: ctx.positive(c[ask], 'ask', line),
        bidSize: ctx.nonNegative(c[bidSize], 'bid_size', line),
        askSize: ctx.nonNegative(c[askSize], 'ask_size', line),
      };
    };
  });
}
