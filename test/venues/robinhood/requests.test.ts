import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/core/decimal.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import {
  cancelPath,
  orderFilterParams,
  orderPath,
  prepareOrder,
  targetOf,
  withQuery,
} from '../../../src/venues/robinhood/requests.ts';

const ID = '2f6c1b9e-8a40-4d3f-9a51-0c7e5d2b1a11';
const newId = (): string => ID;

describe('query strings', () => {
  it('repeat keys and keep commas and colons raw', () => {
    expect(
      withQuery('/p/', [
        ['symbol', 'BTC-USD'],
        ['symbol', 'ETH-USD'],
        ['quantity', '0.1,1'],
        ['x', undefined],
      ]),
    ).toBe('/p/?symbol=BTC-USD&symbol=ETH-USD&quantity=0.1,1');
    expect(withQuery('/p/', [])).toBe('/p/');
    expect(withQuery('/p/', [['t', '2026-01-01T00:00:00.000Z']])).toBe('/p/?t=2026-01-01T00:00:00.000Z');
    expect(withQuery('/p/', [['q', 'a b+c']])).toBe('/p/?q=a%20b%2Bc');
  });

  it('send order filters as UTC ISO times and only v1 sends id and limit', () => {
    const f = {
      createdAtStart: Date.UTC(2026, 0, 2),
      updatedAtEnd: '2026-01-03T00:00:00-04:00',
      id: 'abc',
      limit: 5,
      state: 'open',
    };
    expect(withQuery('/o/', orderFilterParams('v1', f))).toBe(
      '/o/?created_at_start=2026-01-02T00:00:00.000Z&updated_at_end=2026-01-03T04:00:00.000Z&id=abc&state=open&limit=5',
    );
    expect(withQuery('/o/', orderFilterParams('v2', f))).toBe(
      '/o/?created_at_start=2026-01-02T00:00:00.000Z&updated_at_end=2026-01-03T04:00:00.000Z&state=open',
    );
    expect(() => orderFilterParams('v2', { createdAtStart: 'yesterday' })).toThrow(ValidationError);
  });

  it('take the target of an absolute next URL byte for byte', () => {
    expect(targetOf('https://trading.robinhood.com/api/v1/crypto/trading/orders/?cursor=a%3Db&x=1')).toBe(
      '/api/v1/crypto/trading/orders/?cursor=a%3Db&x=1',
    );
    expect(targetOf('http://127.0.0.1:9/api/v1/crypto/trading/holdings?cursor=z')).toBe(
      '/api/v1/crypto/trading/holdings?cursor=z',
    );
    expect(targetOf('/relative/?cursor=1')).toBe('/relative/?cursor=1');
  });

  it('build order paths with trailing slashes', () => {
    expect(orderPath('v2', 'abc-1')).toBe('/api/v2/crypto/trading/orders/abc-1/');
    expect(cancelPath('v1', 'abc-1')).toBe('/api/v1/crypto/trading/orders/abc-1/cancel/');
    expect(() => orderPath('v2', '../x')).toThrow(ValidationError);
  });
});

describe('prepareOrder', () => {
  it('serializes a market order like the reference example', () => {
    const { body, clientOrderId } = prepareOrder(
      { symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.0001' },
      newId,
    );
    expect(clientOrderId).toBe(ID);
    expect(body).toBe(
      `{"client_order_id":"${ID}","side":"buy","type":"market","symbol":"BTC-USD","market_order_config":{"asset_quantity":"0.0001"}}`,
    );
  });

  it('sends decimals as plain strings and defaults time in force to gtc', () => {
    const { body } = prepareOrder(
      {
        symbol: 'ETH-USD',
        side: 'buy',
        type: 'limit',
        assetQuantity: dec('0.05'),
        limitPrice: '2400.00',
        clientOrderId: ID,
      },
      newId,
    );
    expect(JSON.parse(body)).toEqual({
      client_order_id: ID,
      side: 'buy',
      type: 'limit',
      symbol: 'ETH-USD',
      limit_order_config: { asset_quantity: '0.05', limit_price: '2400', time_in_force: 'gtc' },
    });
    const tiny = prepareOrder(
      {
        symbol: 'BTC-USD',
        side: 'sell',
        type: 'stop_loss',
        assetQuantity: '1e-8',
        stopPrice: '58000',
        timeInForce: 'gfd',
      },
      newId,
    );
    expect(tiny.body).toContain('"asset_quantity":"0.00000001"');
    expect(tiny.body).toContain(
      '"stop_loss_order_config":{"asset_quantity":"0.00000001","stop_price":"58000","time_in_force":"gfd"}',
    );
  });

  it('builds a quote-sized stop limit', () => {
    const { body } = prepareOrder(
      {
        symbol: 'BTC-USD',
        side: 'sell',
        type: 'stop_limit',
        quoteAmount: '50.00',
        limitPrice: '57900',
        stopPrice: '58000',
      },
      newId,
    );
    expect(JSON.parse(body).stop_limit_order_config).toEqual({
      quote_amount: '50',
      limit_price: '57900',
      stop_price: '58000',
      time_in_force: 'gtc',
    });
  });

  const bad: Array<[string, Parameters<typeof prepareOrder>[0], RegExp]> = [
    ['lowercase symbol', { symbol: 'btc-usd', side: 'buy', type: 'market', assetQuantity: '1' }, /symbol/],
    [
      'both sizes',
      { symbol: 'BTC-USD', side: 'buy', type: 'limit', assetQuantity: '1', quoteAmount: '1', limitPrice: '1' },
      /exactly one/,
    ],
    ['no size', { symbol: 'BTC-USD', side: 'buy', type: 'limit', limitPrice: '1' }, /exactly one/],
    ['quote-sized market', { symbol: 'BTC-USD', side: 'buy', type: 'market', quoteAmount: '10' }, /quoteAmount/],
    ['limit without price', { symbol: 'BTC-USD', side: 'buy', type: 'limit', assetQuantity: '1' }, /limitPrice/],
    [
      'stop_limit without stop',
      { symbol: 'BTC-USD', side: 'buy', type: 'stop_limit', assetQuantity: '1', limitPrice: '1' },
      /stopPrice/,
    ],
    ['zero quantity', { symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0' }, /assetQuantity.*got 0/],
    [
      'bad client order id',
      { symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '1', clientOrderId: 'nope' },
      /clientOrderId.*UUID/,
    ],
  ];
  it.each(bad)('rejects %s with a ValidationError naming the field', (_n, request, message) => {
    expect(() => prepareOrder(request, newId)).toThrow(message);
    expect(() => prepareOrder(request, newId)).toThrow(ValidationError);
  });
});
