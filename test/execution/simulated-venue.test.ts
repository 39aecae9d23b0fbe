// The engine over the in-process SimulatedVenue (backtests): same engine, the matching engine driven by the clock.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { createRandom } from '../../src/core/random.ts';
import { Reconciler } from '../../src/execution/reconciler.ts';
import { MatchingEngine } from '../../src/venues/simulator/engine.ts';
import { MarketState } from '../../src/venues/simulator/market.ts';
import { DEFAULT_PRICES, defaultPairs } from '../../src/venues/simulator/pairs.ts';
import { SimulatedVenue } from '../../src/venues/simulator/venue.ts';
import { VenueOrderRejected } from '../../src/venues/venue-port.ts';
import { harness, T0 } from './helpers.ts';

function simulatedVenue(clock: SimulatedClock): SimulatedVenue {
  const pairs = defaultPairs();
  const market = new MarketState(pairs, DEFAULT_PRICES, createRandom(1));
  const engine = new MatchingEngine({
    pairs,
    market,
    now: () => clock.now(),
    random: createRandom(2),
    cancelDelayMs: 1000,
  });
  engine.addAccount({ accountNumber: 'ACC', buyingPower: '100000', feeRatio: '0.001' });
  return new SimulatedVenue({ engine, accountNumber: 'ACC' });
}

describe('SimulatedVenue', () => {
  it('fills, cancels after the delay and reconciles with exact holdings', async () => {
    const clock = new SimulatedClock(T0);
    const venue = simulatedVenue(clock);
    const h = await harness({ clock, venue });
    try {
      const reconciler = new Reconciler({ engine: h.engine });
      await reconciler.run();
      clock.advanceBy(1);
      const market = await h.engine.submit({
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'market',
        quantity: '0.01',
        strategyId: 's',
        reason: 'r',
        referencePrice: '65000',
      });
      expect(market.status).toBe('open');
      venue.engine.market.setPrice('BTC-USD', '65010');
      clock.advanceBy(1000);
      await h.engine.pollOnce();
      const filled = h.engine.getOrder(market.clientOrderId)!;
      expect(filled.status).toBe('filled');
      expect(toPlain(filled.fees)).toBe(toPlain(venue.engine.orders()[0]!.feeCharged));

      const resting = await h.engine.submit({
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.01',
        limitPrice: '50000',
        strategyId: 's',
        reason: 'r',
        timeoutMs: 5000,
      });
      clock.advanceBy(5000);
      await h.engine.idle();
      expect(h.engine.pendingCancel(resting.clientOrderId)).toBeDefined();
      clock.advanceBy(1000);
      await h.engine.pollOnce();
      expect(h.engine.getOrder(resting.clientOrderId)!.status).toBe('canceled');
      const report = await reconciler.run();
      expect(report.problems).toEqual([]);
      expect(report.holdings).toEqual([
        expect.objectContaining({ asset: 'BTC', venueChange: '0.01', localChange: '0.01' }),
      ]);
      expect([...venue.submits.values()].every((n) => n === 1)).toBe(true);
    } finally {
      h.engine.stop();
      await h.store.close();
    }
  });

  it('answers a re-sent order id with the original order, and refuses the id for a different order', async () => {
    const clock = new SimulatedClock(T0);
    const venue = simulatedVenue(clock);
    const request = {
      clientOrderId: '00000000-0000-4000-8000-0000000000aa',
      symbol: 'BTC-USD',
      side: 'buy' as const,
      type: 'limit' as const,
      quantity: dec('0.01'),
      limitPrice: dec('50000'),
      timeInForce: 'gtc' as const,
    };
    const first = await venue.submitOrder(request);
    const again = await venue.submitOrder({ ...request });
    expect(again.venueOrderId).toBe(first.venueOrderId);
    expect(venue.engine.orders()).toHaveLength(1);
    await expect(venue.submitOrder({ ...request, limitPrice: dec('50001') })).rejects.toBeInstanceOf(
      VenueOrderRejected,
    );
    expect(venue.engine.orders()).toHaveLength(1);
  });
});
