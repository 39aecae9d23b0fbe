// The crash test's checks must catch what they claim to: a duplicate POST, an order unknown locally, an intent left
// open, a holdings or cash difference. Small hand-made venue and store states.
import { describe, expect, it } from 'vitest';
import { checkCrashRun, type CheckInput } from '../../scripts/crash/checks.ts';
import { dec, ZERO } from '../../src/core/decimal.ts';
import type { FillRecord, OrderRecord } from '../../src/persistence/store.ts';
import type { SimOrder } from '../../src/venues/simulator/index.ts';

const venueOrder = (id: string, cid: string, filled: string, state: SimOrder['state'] = 'filled'): SimOrder =>
  ({
    id,
    request: { clientOrderId: cid, symbol: 'BTC-USD', side: 'buy', type: 'market' },
    state,
    filledQuantity: dec(filled),
    feeCharged: dec('0.5'),
    executions: filled === '0' ? [] : [{ price: dec('100'), quantity: dec(filled), fee: dec('0.5'), timestamp: 1 }],
  }) as unknown as SimOrder;

const localOrder = (cid: string, venueId: string | null, status: string, filled: string): OrderRecord =>
  ({ clientOrderId: cid, venueOrderId: venueId, status, filledQuantity: dec(filled) }) as unknown as OrderRecord;

const fill = (cid: string, quantity: string): FillRecord =>
  ({
    id: `${cid}:0`,
    clientOrderId: cid,
    symbol: 'BTC-USD',
    side: 'buy',
    quantity: dec(quantity),
    price: dec('100'),
    fee: dec('0.5'),
  }) as unknown as FillRecord;

function consistent(): CheckInput {
  return {
    venueOrders: [venueOrder('V1', 'c1', '0.01')],
    startHoldings: new Map([['BTC', dec('1')]]),
    endHoldings: new Map([['BTC', dec('1.01')]]),
    startCash: dec('1000'),
    endCash: dec('998.5'),
    posts: new Map([
      ['c1', 1],
      ['c2', 1],
    ]),
    unreadablePosts: 0,
    localOrders: [localOrder('c1', 'V1', 'filled', '0.01'), localOrder('c2', null, 'failed', '0')],
    localFills: [fill('c1', '0.01')],
  };
}

describe('crash test checks', () => {
  it('pass on a consistent state', () => {
    expect(checkCrashRun(consistent()).problems).toEqual([]);
  });

  it('catch a client_order_id POSTed twice', () => {
    const input = { ...consistent(), posts: new Map([['c1', 2]]) };
    expect(checkCrashRun(input).problems).toEqual([expect.stringMatching(/c1 was POSTed 2 times/)]);
  });

  it('catch a venue order unknown locally, and an intent left open', () => {
    const base = consistent();
    const input: CheckInput = {
      ...base,
      venueOrders: [...base.venueOrders, venueOrder('V2', 'c3', '0', 'open')],
      posts: new Map([...base.posts, ['c3', 1]]),
      localOrders: [localOrder('c1', 'V1', 'filled', '0.01'), localOrder('c2', null, 'unknown', '0')],
    };
    const problems = checkCrashRun(input).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/venue order V2 .* known locally 0 times/),
        expect.stringMatching(/c2 never reached the venue but is unknown/),
      ]),
    );
  });

  it('catch holdings and cash that differ from the fills by the last decimal', () => {
    const input = { ...consistent(), endHoldings: new Map([['BTC', dec('1.01000001')]]), endCash: ZERO.plus('998.49') };
    const problems = checkCrashRun(input).problems;
    expect(problems).toEqual([
      expect.stringMatching(/BTC: venue holdings changed by 0.01000001, local fills add up to 0.01/),
      expect.stringMatching(/USD: venue cash changed by -1.51/),
    ]);
  });
});
