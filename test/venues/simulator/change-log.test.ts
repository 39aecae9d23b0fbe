// The change log answers "orders updated since t" from the tail it keeps, and must give exactly what a scan of every
// order gives: a poll that missed an update would leave an order open in the bot forever.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/core/decimal.ts';
import { createRandom } from '../../../src/core/random.ts';
import { ChangeLog } from '../../../src/venues/simulator/change-log.ts';
import { MatchingEngine } from '../../../src/venues/simulator/engine.ts';
import { MarketState } from '../../../src/venues/simulator/market.ts';
import { DEFAULT_PRICES, defaultPairs } from '../../../src/venues/simulator/pairs.ts';

describe('ChangeLog', () => {
  it('gives the items whose latest change is at or after a time, compacting as it goes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { maxLength: 3000 }),
        fc.integer({ min: 0, max: 5000 }),
        (steps, probe) => {
          const items = Array.from({ length: 41 }, () => ({ updatedAt: -1 }));
          const log = new ChangeLog<{ updatedAt: number }>();
          let now = 0;
          for (const [k, dt] of steps) {
            now += dt;
            items[k]!.updatedAt = now;
            log.record(items[k]!);
          }
          const since = probe % (now + 2);
          const expected = items.filter((i) => i.updatedAt >= since);
          expect(new Set(log.since(since))).toEqual(new Set(expected));
          expect(log.since(since)).toHaveLength(expected.length);
        },
      ),
      { seed: 17, numRuns: 200 },
    );
  });

  it('refuses to answer once a change was recorded out of time order', () => {
    const log = new ChangeLog<{ updatedAt: number }>();
    log.record({ updatedAt: 10 });
    expect(log.since(0)).toHaveLength(1);
    log.record({ updatedAt: 5 });
    expect(log.since(0)).toBeUndefined();
    log.clear();
    expect(log.since(0)).toEqual([]);
  });
});

describe('MatchingEngine.ordersUpdatedSince', () => {
  it('equals filtering every order of the account, through placements, fills and cancels', () => {
    let now = 1_750_000_000_000;
    const pairs = defaultPairs();
    const market = new MarketState(pairs, DEFAULT_PRICES, createRandom(3));
    const engine = new MatchingEngine({ pairs, market, now: () => now, random: createRandom(4), cancelDelayMs: 500 });
    for (const a of ['A', 'B']) engine.addAccount({ accountNumber: a, buyingPower: '100000000', feeRatio: '0.001' });
    const random = createRandom(5);
    const probes: number[] = [];
    for (let i = 0; i < 600; i++) {
      now += random.int(0, 400);
      const account = random.chance(0.5) ? 'A' : 'B';
      const price = 60_000 + random.int(-500, 500);
      market.setQuote('BTC-USD', String(price), String(price + 1), '1');
      const limit = random.chance(0.7);
      engine.placeOrder(account, 2, {
        symbol: 'BTC-USD',
        clientOrderId: `c${i}`,
        side: 'buy',
        type: limit ? 'limit' : 'market',
        assetQuantity: dec('0.001'),
        ...(limit && { limitPrice: dec(String(price - random.int(0, 300))), timeInForce: 'gtc' as const }),
      });
      const open = engine.orders(account).filter((o) => o.state === 'open');
      if (open.length > 0 && random.chance(0.3)) {
        try {
          engine.requestCancel(open[open.length - 1]!.id, account);
        } catch {
          // filled meanwhile: the venue refuses the cancel, as Robinhood does
        }
      }
      engine.process();
      if (i % 25 === 0) probes.push(now - random.int(0, 20_000));
    }
    for (const since of [...probes, 0, now + 1]) {
      for (const account of ['A', 'B']) {
        const scanned = engine.orders(account).filter((o) => o.updatedAt >= since);
        expect(engine.ordersUpdatedSince(account, since).map((o) => o.id)).toEqual(scanned.map((o) => o.id));
      }
    }
  });
});
