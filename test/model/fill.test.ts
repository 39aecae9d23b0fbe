import { describe, expect, it } from 'vitest';
import { toPlain } from '../../src/core/decimal.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { createFill, fillNotional, signedFillQuantity } from '../../src/model/fill.ts';

const base = { id: 'f1', clientOrderId: 'c1', symbol: 'BTC-USD', side: 'sell' as const, timestamp: 1_000 };

describe('createFill', () => {
  it('parses values exactly, defaults the fee to zero and computes the notional', () => {
    const f = createFill({ ...base, quantity: '0.000100000000000000', price: '36352.780000000000000000' });
    expect(toPlain(f.quantity)).toBe('0.0001');
    expect(toPlain(f.fee)).toBe('0');
    expect(toPlain(fillNotional(f))).toBe('3.635278');
    expect(toPlain(signedFillQuantity(f))).toBe('-0.0001');
    expect(f.orderId).toBeUndefined();
  });

  it.each([
    [{ quantity: '0', price: '1' }, /quantity 0 must be greater than 0/],
    [{ quantity: '1', price: '-1' }, /price -1 must be greater than 0/],
    [{ quantity: '1', price: '1', fee: '-0.01' }, /fee -0.01 must not be negative/],
    [{ quantity: '1', price: '1', timestamp: 1.5 }, /timestamp 1.5 must be integer ms/],
  ])('refuses %o', (values, message) => {
    expect(() => createFill({ ...base, ...values })).toThrow(ValidationError);
    expect(() => createFill({ ...base, ...values })).toThrow(message);
  });
});
