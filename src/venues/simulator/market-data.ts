// best_bid_ask and estimated_price answers (reference §5.6), from the engine's current quotes.
import { dec, type Decimal, divide, ZERO } from '../../core/decimal.ts';
const TWO = dec('2');
import type { MatchingEngine } from './engine.ts';
import { validationError } from './errors.ts';
import type { SimAccount } from './ledger.ts';
import type { ApiVersion } from './order.ts';
import type { SimPair } from './pairs.ts';
import { bare, isoNanos, isoWithOffset, type Json } from './serialize.ts';

/** Repeated `symbol=` values, checked: comma-joined or lowercase lists are refused like Robinhood does. */
export function symbolsParam(query: URLSearchParams): string[] {
  const symbols = query.getAll('symbol').filter((s) => s !== '');
  for (const s of symbols)
    if (!/^[A-Z0-9]+-[A-Z]+$/.test(s)) throw validationError('Malformed symbol parameter', 'symbol');
  return symbols;
}

export function requirePair(engine: MatchingEngine, symbol: string, version: ApiVersion): SimPair {
  const pair = engine.pairs.get(symbol);
  if (pair === undefined || pair.quoteCode !== 'USD') throw validationError(`Invalid symbol: ${symbol}.`, 'symbol');
  if (version === 2 && !pair.isApiTradable)
    throw validationError(`${symbol} is not tradable through the API.`, 'symbol');
  return pair;
}

function v1Prices(engine: MatchingEngine, symbol: string, quantity: Decimal | undefined): Record<string, Json> {
  const q = engine.market.quote(symbol);
  if (q === undefined) throw validationError(`Invalid symbol: ${symbol}.`, 'symbol');
  const bid =
    quantity === undefined
      ? engine.marketPrice(symbol, 'sell', ZERO, 1)
      : engine.marketPrice(symbol, 'sell', quantity, 1);
  const ask =
    quantity === undefined
      ? engine.marketPrice(symbol, 'buy', ZERO, 1)
      : engine.marketPrice(symbol, 'buy', quantity, 1);
  const sellSpread = q.bid.gt(ZERO) ? divide(q.bid.minus(bid), q.bid) : ZERO;
  const buySpread = q.ask.gt(ZERO) ? divide(ask.minus(q.ask), q.ask) : ZERO;
  return {
    price: bare(divide(bid.plus(ask), TWO)),
    bid_inclusive_of_sell_spread: bare(bid),
    sell_spread: bare(dec(sellSpread.toFixed(8))),
    ask_inclusive_of_buy_spread: bare(ask),
    buy_spread: bare(dec(buySpread.toFixed(8))),
  };
}

export function bestBidAsk(engine: MatchingEngine, query: URLSearchParams, version: ApiVersion): Json {
  let symbols = symbolsParam(query);
  if (symbols.length === 0) {
    if (version === 2) throw validationError('This field is required.', 'symbol');
    symbols = [...engine.pairs.values()].filter((p) => p.quoteCode === 'USD').map((p) => p.symbol);
  }
  const now = engine.now();
  const results = symbols.map((symbol): Json => {
    requirePair(engine, symbol, version);
    if (version === 1) return { symbol, ...v1Prices(engine, symbol, undefined), timestamp: isoWithOffset(now, 0) };
    const q = engine.market.quote(symbol);
    return { symbol, bid: q?.bid.toFixed() ?? '0', ask: q?.ask.toFixed() ?? '0', timestamp: isoNanos(now) };
  });
  return { results };
}

export function estimatedPrice(
  engine: MatchingEngine,
  query: URLSearchParams,
  version: ApiVersion,
  account: SimAccount,
): Json {
  const symbol = query.get('symbol');
  const side = query.get('side');
  const quantityText = query.get('quantity');
  if (symbol === null || symbol === '') throw validationError('This field is required.', 'symbol');
  if (side === null || side === '') throw validationError('This field is required.', 'side');
  if (quantityText === null || quantityText === '') throw validationError('This field is required.', 'quantity');
  if (!['bid', 'ask', 'both'].includes(side)) throw validationError(`"${side}" is not a valid choice.`, 'side');
  symbolsParam(new URLSearchParams({ symbol }));
  const pair = requirePair(engine, symbol, version);
  const parts = quantityText.split(',');
  if (parts.length > 10) throw validationError('Ensure this field has no more than 10 elements.', 'quantity');
  const quantities = parts.map((p) => {
    if (!/^\d+(\.\d+)?$/.test(p.trim())) throw validationError('A valid number is required.', 'quantity');
    const qty = dec(p.trim());
    if (qty.gt(pair.maxOrderSize) || qty.lte(ZERO) || (version === 1 && qty.lt(pair.minOrderSize)))
      throw validationError(
        version === 1
          ? `Quantity ${p.trim()} must be between ${pair.minOrderSize.toFixed()} and ${pair.maxOrderSize.toFixed()}.`
          : `Quantity ${p.trim()} must be greater than 0 and at most ${pair.maxOrderSize.toFixed()}.`,
        'quantity',
      );
    return qty;
  });
  const sides: Array<'bid' | 'ask'> = side === 'both' ? ['bid', 'ask'] : [side as 'bid' | 'ask'];
  const now = engine.now();
  const feeRatio = engine.feeStatus(account).feeRatio;
  const results: Json[] = [];
  for (const qty of quantities) {
    for (const s of sides) {
      if (version === 1) {
        results.push({
          symbol,
          side: s,
          ...v1Prices(engine, symbol, qty),
          quantity: bare(qty),
          timestamp: isoWithOffset(now, 0),
        });
        continue;
      }
      const price = engine.marketPrice(symbol, s === 'ask' ? 'buy' : 'sell', qty, 2);
      const fee = price.times(qty).times(feeRatio);
      const row: Record<string, Json> = {
        symbol,
        side: s,
        quantity: bare(qty),
        timestamp: isoNanos(now),
        fee_ratio: bare(feeRatio),
        est_fee: bare(fee),
      };
      // Observed live: ask rows carry est_total_cost; bid rows carry no est_total_credit.
      if (s === 'ask') Object.assign(row, { ask: bare(price), est_total_cost: bare(price.times(qty).plus(fee)) });
      else row['bid'] = bare(price);
      results.push(row);
    }
  }
  return { results };
}
