// What the backtest/paper parity test needs from the simulator: quotes of one instant set together, and fee tiers
// that follow the last 30 days of volume (as the backtester's do).
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src/core/decimal.ts';
import { createRandom } from '../../../src/core/random.ts';
import { MatchingEngine, THIRTY_DAYS_MS } from '../../../src/venues/simulator/engine.ts';
import { MarketState } from '../../../src/venues/simulator/market.ts';
import { defaultPairs } from '../../../src/venues/simulator/pairs.ts';
import { control, setup, uuid, type Setup } from './helpers.ts';

let s: Setup | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

describe('POST /_sim/market/quotes', () => {
  it('sets every quote of the batch before matching, so an order sees the whole market of that instant', async () => {
    s = await setup({ speed: 0 });
    const state = await control(s.sim, '/_sim/market/quotes', {
      quotes: [
        { symbol: 'BTC-USD', bid: '65000', ask: '65001', size: '2' },
        { symbol: 'ETH-USD', price: '2400' },
      ],
    });
    expect(state.quotes['BTC-USD']).toEqual({ bid: '65000', ask: '65001', size: '2' });
    expect(Number(state.quotes['ETH-USD'].bid)).toBeLessThan(2400);
    expect(Number(state.quotes['ETH-USD'].ask)).toBeGreaterThan(2400);
  });

  it('changes nothing when one entry is bad, and names the field', async () => {
    s = await setup({ speed: 0 });
    await control(s.sim, '/_sim/market/quotes', { quotes: [{ symbol: 'BTC-USD', bid: '65000', ask: '65001' }] });
    const unknown = await fetch(`${s.sim.url}/_sim/market/quotes`, {
      method: 'POST',
      body: JSON.stringify({
        quotes: [
          { symbol: 'BTC-USD', bid: '1', ask: '2' },
          { symbol: 'FOO-USD', price: '1' },
        ],
      }),
    });
    expect(unknown.status).toBe(404);
    expect(s.sim.market.quote('BTC-USD')?.bid.toFixed()).toBe('65000');
    const missing = await fetch(`${s.sim.url}/_sim/market/quotes`, {
      method: 'POST',
      body: JSON.stringify({ quotes: [{ symbol: 'BTC-USD', bid: '1' }] }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('quotes.0.price');
  });
});

describe('fee tiers by rolling 30-day volume', () => {
  it('drops fills older than the window, so the tier goes back up', () => {
    let now = Date.UTC(2025, 0, 1);
    const market = new MarketState(defaultPairs(), { 'BTC-USD': 100_000 }, createRandom(1));
    const engine = new MatchingEngine({
      pairs: defaultPairs(),
      market,
      now: () => now,
      random: createRandom(2),
      volumeWindowMs: THIRTY_DAYS_MS,
    });
    const account = engine.addAccount({ accountNumber: 'A', buyingPower: '1000000' });
    const buy = (qty: string): void => {
      engine.placeOrder('A', 2, {
        symbol: 'BTC-USD',
        clientOrderId: uuid(),
        side: 'buy',
        type: 'market',
        assetQuantity: dec(qty),
      });
      market.setPrice('BTC-USD', '100000');
      engine.process();
    };
    expect(engine.feeStatus(account).feeRatio.toFixed()).toBe('0.0095');
    buy('0.6'); // ~$60k: the $50k tier
    expect(engine.feeStatus(account).feeRatio.toFixed()).toBe('0.0075');
    now += THIRTY_DAYS_MS - 1;
    expect(engine.feeStatus(account).feeRatio.toFixed()).toBe('0.0075');
    now += 2;
    expect(engine.feeStatus(account).feeRatio.toFixed()).toBe('0.0095');
    expect(account.thirtyDayVolume.toFixed()).toBe('0');
  });
});
