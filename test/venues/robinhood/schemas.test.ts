import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../../../src/core/errors.ts';
import { parseErrorBody } from '../../../src/venues/robinhood/errors.ts';
import * as S from '../../../src/venues/robinhood/schemas.ts';
import { orderJson } from './helpers.ts';

const parse = <T extends Parameters<typeof S.parseResponse>[0]>(schema: T, text: string) =>
  S.parseResponse(schema, text, 'test.endpoint');

describe('decimal fields', () => {
  it('accept strings and bare numbers, keeping 18-decimal numbers exact', () => {
    const text =
      '{"next":null,"previous":null,"results":[{"account_number":"A","asset_code":"BTC","total_quantity":0.123456789012345678,"quantity_available_for_trading":"0.100000000000000001"}]}';
    const [h] = parse(S.holdingPageSchema, text).results;
    expect(h!.totalQuantity.toFixed()).toBe('0.123456789012345678');
    expect(h!.quantityAvailableForTrading.toFixed()).toBe('0.100000000000000001');
  });

  it('parse huge and tiny numbers without float loss', () => {
    const text =
      '{"results":[{"symbol":"BTC-USD","bid":"68329.2","ask":123456789012345678.123456789012345678,"timestamp":"2026-08-19T19:20:41.579217945Z"}]}';
    const [q] = parse(S.quotesV2Schema, text);
    expect(q!.ask.toFixed()).toBe('123456789012345678.123456789012345678');
    expect(q!.bid.toFixed()).toBe('68329.2');
    expect(q!.timestampMs).toBe(Date.parse('2026-08-19T19:20:41.579Z'));
  });
});

describe('accounts', () => {
  it('reads a v2 account with fee tier numbers and ignores unknown fields', () => {
    const text = JSON.stringify({
      next: null,
      previous: null,
      results: [
        {
          account_number: '11223344',
          status: 'active',
          buying_power: '1042.55',
          buying_power_currency: 'USD',
          account_type: 'individual',
          is_api_tradable: true,
          fee_tier_status: {
            fee_ratio: 0.0095,
            thirty_day_volume: 0,
            next_fee_tier_ratio: null,
            next_fee_tier_threshold: null,
          },
          some_new_field: { nested: 1 },
        },
      ],
    });
    const [a] = parse(S.accountPageSchema, text).results;
    expect(a!.accountNumber).toBe('11223344');
    expect(a!.buyingPower.toFixed()).toBe('1042.55');
    expect(a!.isApiTradable).toBe(true);
    expect(a!.feeTierStatus?.feeRatio?.toFixed()).toBe('0.0095');
    expect(a!.feeTierStatus?.nextFeeTierRatio).toBeNull();
    expect(a).not.toHaveProperty('some_new_field');
  });

  it('reads a v1 account (no v2 fields)', () => {
    const a = parse(
      S.accountSchema,
      '{"account_number":"X1","status":"active","buying_power":"10.00","buying_power_currency":"USD"}',
    );
    expect(a.isApiTradable).toBeUndefined();
    expect(a.feeTierStatus).toBeUndefined();
  });
});

describe('trading pairs', () => {
  it('tolerates a missing min_order_amount and keeps increments exact', () => {
    const text = JSON.stringify({
      next: 'https://trading.robinhood.com/api/v2/crypto/trading/trading_pairs/?cursor=abc',
      previous: null,
      results: [
        {
          symbol: 'BTC-USD',
          asset_code: 'BTC',
          quote_code: 'USD',
          asset_increment: '0.00000001',
          quote_increment: '0.01',
          max_order_size: '20.0000000000000000',
          min_order_amount: '0.1',
          status: 'tradable',
          is_api_tradable: true,
        },
        {
          symbol: 'XYZ-USD',
          asset_code: 'XYZ',
          quote_code: 'USD',
          asset_increment: '1',
          quote_increment: '0.000001',
          max_order_size: '1000000',
          status: 'tradable',
          is_api_tradable: false,
        },
      ],
    });
    const page = parse(S.tradingPairPageSchema, text);
    expect(page.next).toContain('cursor=abc');
    expect(page.results[0]!.minOrderAmount?.toFixed()).toBe('0.1');
    expect(page.results[1]!.minOrderAmount).toBeUndefined();
    expect(page.results[0]!.assetIncrement.toFixed()).toBe('0.00000001');
  });
});

describe('quotes', () => {
  it('accepts crossed v2 quotes (bid > ask)', () => {
    const [q] = parse(S.quotesV2Schema, '{"results":[{"symbol":"BTC-USD","bid":"68329.2","ask":"68320.1"}]}');
    expect(q!.bid.gt(q!.ask)).toBe(true);
    expect(q!.timestamp).toBeUndefined();
  });

  it('maps v1 spread-inclusive prices to bid and ask', () => {
    const [q] = parse(
      S.quotesV1Schema,
      '{"results":[{"symbol":"BTC-USD","price":100.5,"bid_inclusive_of_sell_spread":100,"sell_spread":0.005,"ask_inclusive_of_buy_spread":101,"buy_spread":0.005,"timestamp":"2024-01-01T00:00:00Z"}]}',
    );
    expect(q!.bid.toFixed()).toBe('100');
    expect(q!.ask.toFixed()).toBe('101');
    expect(q!.price?.toFixed()).toBe('100.5');
  });
});

describe('estimated price', () => {
  it('reads v2 ask rows (no price) and bid rows without est_total_credit', () => {
    const text =
      '{"results":[{"symbol":"BTC-USD","side":"ask","quantity":0.001,"timestamp":"2026-08-19T19:20:41Z","fee_ratio":0.0095,"est_fee":0.61726991,"ask":64975.78,"est_total_cost":65.59304991},{"symbol":"BTC-USD","side":"bid","quantity":0.001,"bid":64970.1,"est_fee":0.6}]}';
    const [ask, bid] = parse(S.estimatesSchema, text);
    expect(ask!.price).toBeUndefined();
    expect(ask!.estTotalCost?.toFixed()).toBe('65.59304991');
    expect(ask!.ask!.times(ask!.quantity).plus(ask!.estFee!).toFixed()).toBe('65.59304991');
    expect(bid!.estTotalCredit).toBeUndefined();
  });
});

describe('orders', () => {
  it('reads padded decimal strings, null average price, numbers for fees, and local offsets', () => {
    const o = parse(S.orderSchema, JSON.stringify(orderJson()));
    expect(o.config?.assetQuantity?.toFixed()).toBe('0.0001');
    expect(o.config?.limitPrice?.toFixed()).toBe('36352.78');
    expect(o.config?.timeInForce).toBeUndefined(); // not echoed on limit orders
    expect(o.averagePrice).toBeNull();
    expect(o.feeCharged?.toFixed()).toBe('0');
    expect(o.estimatedFeeRemaining?.toFixed()).toBe('0.034535141');
    expect(o.createdAtMs).toBe(Date.parse('2026-08-20T17:26:18.409Z'));
  });

  it('reads executions and tolerates missing optional fields and unknown states', () => {
    const raw = orderJson({
      state: 'some_future_state',
      average_price: '36000.5',
      executions: [{ effective_price: '36000.5', quantity: 0.00005, timestamp: '2026-08-20T13:27:00-04:00' }],
      fee_charged: undefined,
      estimated_fee_remaining: undefined,
      account_number: undefined,
      extra: [1, 2, 3],
    });
    const o = parse(S.orderSchema, JSON.stringify(raw));
    expect(o.state).toBe('some_future_state');
    expect(o.executions[0]!.quantity.toFixed()).toBe('0.00005');
    expect(o.feeCharged).toBeUndefined();
    expect(o.accountNumber).toBeUndefined();
  });
});

describe('validation failures', () => {
  it('name the endpoint, the offending path and the value', () => {
    const text = JSON.stringify({
      next: null,
      previous: null,
      results: [orderJson(), orderJson({ filled_asset_quantity: 'lots' })],
    });
    let caught: unknown;
    try {
      parse(S.orderPageSchema, text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const err = caught as ResponseValidationError;
    expect(err.details).toMatchObject({
      endpoint: 'test.endpoint',
      path: 'results.1.filled_asset_quantity',
      value: '"lots"',
    });
    expect(err.message).toContain('results.1.filled_asset_quantity');
  });

  it('report a missing required field', () => {
    expect(() => parse(S.quotesV2Schema, '{"results":[{"symbol":"BTC-USD","bid":"1"}]}')).toThrow(/results\.0\.ask/);
  });

  it('report a body that is not JSON', () => {
    expect(() => parse(S.orderSchema, '<html>bad gateway</html>')).toThrow(ResponseValidationError);
  });
});

describe('parseErrorBody', () => {
  it('reads the standard shape', () => {
    expect(
      parseErrorBody(
        '{"type":"validation_error","errors":[{"detail":"Must be a valid UUID.","attr":"client_order_id"}]}',
      ),
    ).toEqual({
      type: 'validation_error',
      errors: [{ detail: 'Must be a valid UUID.', attr: 'client_order_id' }],
    });
  });
  it('reads DRF detail, field errors and plain text', () => {
    expect(parseErrorBody('{"detail":"Not found."}').errors).toEqual([{ detail: 'Not found.', attr: null }]);
    expect(parseErrorBody('{"symbol":["Malformed symbol parameter"]}').errors).toEqual([
      { detail: 'Malformed symbol parameter', attr: 'symbol' },
    ]);
    expect(parseErrorBody('Too many requests').errors).toEqual([{ detail: 'Too many requests', attr: null }]);
    expect(parseErrorBody('').errors).toEqual([]);
  });
});
