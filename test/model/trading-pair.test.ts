import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { ValidationError } from '../../src/core/errors.ts';
import {
  canTrade,
  parseTradingPair,
  roundPrice,
  roundQuantity,
  roundQuoteAmount,
  TradingPairSchema,
  validateOrderSize,
} from '../../src/model/trading-pair.ts';

// The live BTC-USD row (robinhood-api.md §5.4), with a v1-style minimum order size.
const btc = parseTradingPair({
  symbol: 'BTC-USD',
  assetCode: 'BTC',
  quoteCode: 'USD',
  assetIncrement: '0.00000001',
  quoteIncrement: '0.01',
  minOrderSize: '0.000001',
  maxOrderSize: '20.0000000000000000',
  minOrderAmount: '0.1',
  status: 'tradable',
});

describe('TradingPairSchema', () => {
  it('parses decimals losslessly from strings and numbers', () => {
    expect(toPlain(btc.assetIncrement)).toBe('0.00000001');
    expect(toPlain(btc.maxOrderSize)).toBe('20');
    const fromNumbers = parseTradingPair({
      symbol: 'ETH-USD',
      assetCode: 'ETH',
      quoteCode: 'USD',
      assetIncrement: 0.000001,
      quoteIncrement: 0.01,
      maxOrderSize: 500,
    });
    expect(toPlain(fromNumbers.assetIncrement)).toBe('0.000001');
    // v2 has no min_order_size: the asset increment is the smallest order
    expect(toPlain(fromNumbers.minOrderSize)).toBe('0.000001');
    expect(fromNumbers.minOrderAmount).toBeUndefined();
    expect(fromNumbers.status).toBe('tradable');
  });

  it('names the field and the value when something is wrong', () => {
    const bad = {
      symbol: 'BTC-USD',
      assetCode: 'BTC',
      quoteCode: 'USD',
      assetIncrement: 'abc',
      quoteIncrement: '0',
      maxOrderSize: '20',
    };
    const result = TradingPairSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toContain('assetIncrement: not a decimal: "abc"');
    expect(issues).toContain('quoteIncrement: must be greater than 0, got 0');
    expect(() => parseTradingPair(bad)).toThrow(ValidationError);
    expect(() => parseTradingPair(bad)).toThrow(/assetIncrement/);
  });

  it('refuses a minimum above the maximum and a symbol that does not match its codes', () => {
    const base = { assetCode: 'BTC', quoteCode: 'USD', assetIncrement: '0.01', quoteIncrement: '0.01' };
    expect(() => parseTradingPair({ ...base, symbol: 'BTC-USD', minOrderSize: '5', maxOrderSize: '1' })).toThrow(
      /minOrderSize 5 is above maxOrderSize 1/,
    );
    expect(() => parseTradingPair({ ...base, symbol: 'ETH-USD', maxOrderSize: '1' })).toThrow(/does not match/);
  });
});

describe('rounding', () => {
  it('rounds quantities down to the asset increment', () => {
    expect(toPlain(roundQuantity(btc, dec('0.123456789')))).toBe('0.12345678');
    expect(toPlain(roundQuantity(btc, dec('0.00000001')))).toBe('0.00000001');
    expect(toPlain(roundQuantity(btc, dec('0.000000009')))).toBe('0');
  });

  it('rounds quote amounts down to the quote increment', () => {
    expect(toPlain(roundQuoteAmount(btc, dec('50.019')))).toBe('50.01');
  });

  it('never rounds a limit price to a worse one: buys down, sells up', () => {
    expect(toPlain(roundPrice(btc, dec('64000.129'), 'buy'))).toBe('64000.12');
    expect(toPlain(roundPrice(btc, dec('64000.121'), 'sell'))).toBe('64000.13');
    expect(toPlain(roundPrice(btc, dec('64000.12'), 'buy'))).toBe('64000.12');
    expect(toPlain(roundPrice(btc, dec('64000.12'), 'sell'))).toBe('64000.12');
  });
});

describe('validateOrderSize', () => {
  it('accepts a valid order', () => {
    expect(validateOrderSize(btc, dec('0.001'), dec('64000.00'))).toEqual([]);
    expect(validateOrderSize(btc, dec('0.001'))).toEqual([]);
  });

  it('reports a quantity below the minimum with both values', () => {
    const problems = validateOrderSize(btc, dec('0.0000001'));
    expect(problems.map((p) => p.message)).toEqual(["quantity 0.0000001 is below the pair's minimum 0.000001"]);
  });

  it('reports every problem at once', () => {
    const problems = validateOrderSize(btc, dec('0.0000000001'), dec('10.001'));
    expect(problems.map((p) => p.code)).toEqual([
      'quantity_precision',
      'quantity_below_minimum',
      'price_precision',
      'amount_below_minimum',
    ]);
    expect(problems[1]!.message).toBe("quantity 0.0000000001 is below the pair's minimum 0.000001");
    expect(problems[3]!.message).toContain("is below the pair's minimum 0.1 USD");
  });

  it('reports non-positive values and the maximum', () => {
    expect(validateOrderSize(btc, dec('0')).map((p) => p.code)).toEqual(['quantity_not_positive']);
    expect(validateOrderSize(btc, dec('21')).map((p) => p.message)).toEqual([
      "quantity 21 is above the pair's maximum 20",
    ]);
    expect(validateOrderSize(btc, dec('1'), dec('-1')).map((p) => p.code)).toEqual(['price_not_positive']);
  });
});

describe('canTrade', () => {
  it('follows the pair status', () => {
    expect(canTrade(btc, 'buy')).toBe(true);
    const sellOnly = { ...btc, status: 'sellonly' as const };
    expect(canTrade(sellOnly, 'buy')).toBe(false);
    expect(canTrade(sellOnly, 'sell')).toBe(true);
    expect(canTrade({ ...btc, status: 'untradable' }, 'sell')).toBe(false);
  });
});
