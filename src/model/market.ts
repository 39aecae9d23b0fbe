// Market data values. Prices here are floats on purpose: they feed indicators, signals and valuations on the hot
// path. Anything that becomes an order, a fill or a ledger entry is converted to an exact Decimal (core/decimal.ts)
// and rounded to the pair's increments at that moment. Timestamps are integer milliseconds since the epoch (UTC).

/** An OHLCV bar; `timestamp` is the bar's open time. */
export interface Bar {
  readonly symbol: string;
  readonly timestamp: number;
  readonly intervalMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base-asset volume. */
  readonly volume: number;
}

/** Best bid and ask. A crossed quote (bid > ask) is allowed: venues send them and consumers decide. */
export interface Quote {
  readonly symbol: string;
  readonly timestamp: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize?: number;
  readonly askSize?: number;
}

export type AggressorSide = 'buy' | 'sell';

/** A public trade print. */
export interface Trade {
  readonly symbol: string;
  readonly timestamp: number;
  readonly price: number;
  readonly quantity: number;
  /** The side that took liquidity, when known. */
  readonly aggressor?: AggressorSide;
  readonly tradeId?: string;
}

/** One price level change of an L2 book: quantity 0 removes the level. */
export interface BookLevelUpdate {
  readonly side: 'bid' | 'ask';
  readonly price: number;
  readonly quantity: number;
}

/** An incremental depth message (Binance-style update ids). */
export interface DepthUpdate {
  readonly symbol: string;
  readonly timestamp: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly levels: readonly BookLevelUpdate[];
}

/** A full L2 snapshot. */
export interface DepthSnapshot {
  readonly symbol: string;
  readonly timestamp: number;
  readonly lastUpdateId: number;
  readonly bids: readonly (readonly [price: number, quantity: number])[];
  readonly asks: readonly (readonly [price: number, quantity: number])[];
}

export function midPrice(quote: Quote): number {
  return (quote.bid + quote.ask) / 2;
}

export function isCrossed(quote: Quote): boolean {
  return quote.bid > quote.ask;
}
