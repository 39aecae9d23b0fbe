// prepareOrder rounds and checks a request against its pair. A request the strategy context already prepared is not
// checked twice when the engine sees the same pair limits, and is checked again when they differ.
import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { prepareOrder, rememberPrepared } from '../../src/execution/prepare-order.ts';
import type { OrderRequest } from '../../src/execution/types.ts';
import type { TradingPair } from '../../src/model/trading-pair.ts';

const pair = (minOrderSize: string): TradingPair => ({
  symbol: 'BTC-USD',
  assetCode: 'BTC',
  quoteCode: 'USD',
  assetIncrement: dec('0.00000001'),
  quoteIncrement: dec('0.01'),
  minOrderSize: dec(minOrderSize),
  maxOrderSize: dec('100'),
  status: 'tradable',
});

describe('prepareOrder', () => {
  it('rounds quantity down and prices to a better price', () => {
    const r = prepareOrder(pair('0.0001'), {
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      quantity: '0.123456789',
      limitPrice: '100.019',
      strategyId: 's',
      reason: 'test',
    });
    expect(r.ok && [toPlain(r.order.quantity!), toPlain(r.order.limitPrice!)]).toEqual(['0.12345678', '100.01']);
  });

  it('reuses a remembered preparation for the same limits and checks again for different ones', () => {
    const request: OrderRequest = {
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      quantity: dec('0.001'),
      referencePrice: dec('65000'),
      strategyId: 's',
      reason: 'test',
    };
    const first = prepareOrder(pair('0.0001'), request);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    rememberPrepared(request, pair('0.0001'), first.order);
    // Another pair object with equal limits (the engine loads its own): the remembered order, not a new one.
    const again = prepareOrder(pair('0.0001'), request);
    expect(again.ok && again.order).toBe(first.order);
    // Limits changed since (a larger minimum): the request is checked again and refused.
    const stricter = prepareOrder(pair('0.01'), request);
    expect(stricter.ok).toBe(false);
    if (!stricter.ok) expect(stricter.reason).toMatch(/below the pair's minimum 0.01/);
  });
});
