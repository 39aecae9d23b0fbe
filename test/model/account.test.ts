import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { holdingOf, lockedQuantity, type Account } from '../../src/model/account.ts';

describe('account', () => {
  it('reads holdings, zero when absent, and the locked part', () => {
    const account: Account = {
      accountNumber: 'RH-1',
      status: 'active',
      buyingPower: dec('1042.55'),
      currency: 'USD',
      holdings: new Map([['BTC', { total: dec('0.5'), available: dec('0.3') }]]),
    };
    expect(toPlain(lockedQuantity(holdingOf(account, 'BTC')))).toBe('0.2');
    expect(toPlain(holdingOf(account, 'ETH').total)).toBe('0');
  });
});
