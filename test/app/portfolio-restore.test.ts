// The portfolio of a session on a lasting venue, across restarts: the saved ledger plus the journaled fills it lacks.
import { describe, expect, it } from 'vitest';
import { restorePortfolio } from '../../src/app/portfolio-restore.ts';
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { MemoryStore } from '../../src/persistence/memory-store.ts';
import type { NewFill, NewOrder, Store } from '../../src/persistence/store.ts';

const T0 = Date.UTC(2025, 0, 1);

async function journal(
  store: Store,
  id: string,
  strategyId: string,
  side: 'buy' | 'sell',
  qty: string,
  price: string,
  at: number,
) {
  const order: NewOrder = {
    clientOrderId: id,
    accountNumber: 'ACC',
    strategyId,
    symbol: 'BTC-USD',
    side,
    type: 'market',
    timeInForce: 'gtc',
    quantity: dec(qty),
    createdAt: at,
  };
  await store.recordOrderIntent(order);
  const fill: NewFill = {
    id: `${id}-f`,
    clientOrderId: id,
    symbol: 'BTC-USD',
    side,
    quantity: dec(qty),
    price: dec(price),
    fee: dec('1'),
    timestamp: at,
  };
  await store.recordFill(fill);
}

describe('restorePortfolio', () => {
  it('rebuilds the books from the journal when nothing was saved: positions per strategy, cash as the venue says', async () => {
    const store = new MemoryStore();
    await journal(store, 'a', 'mm', 'buy', '0.5', '100', T0);
    await journal(store, 'b', 'mm#stop', 'sell', '0.1', '110', T0 + 1); // a venue stop's fill belongs to its owner
    await journal(store, 'c', 'trend', 'buy', '0.2', '120', T0 + 2);
    const r = await restorePortfolio(store, new SimulatedClock(T0 + 3), 'ACC', dec('1000'));
    expect([r.loaded, r.replayed, r.problems]).toEqual([false, 3, []]);
    expect(toPlain(r.portfolio.cash)).toBe('1000');
    expect(toPlain(r.portfolio.position('BTC-USD').quantity)).toBe('0.6');
    expect(toPlain(r.portfolio.position('BTC-USD', 'mm').quantity)).toBe('0.4');
    expect(toPlain(r.portfolio.position('BTC-USD', 'trend').quantity)).toBe('0.2');
  });

  it('applies on top of the saved ledger only the fills it lacks', async () => {
    const store = new MemoryStore();
    const clock = new SimulatedClock(T0);
    await journal(store, 'a', 'mm', 'buy', '0.5', '100', T0);
    const first = await restorePortfolio(store, clock, 'ACC', dec('1000'));
    await first.portfolio.save(store);
    // After the save, before a crash: another fill reaches the journal only.
    await journal(store, 'b', 'mm', 'buy', '0.25', '100', T0 + 1);
    const again = await restorePortfolio(store, clock, 'ACC', dec('999999')); // the saved cash wins over the venue's
    expect([again.loaded, again.replayed]).toEqual([true, 1]);
    expect(toPlain(again.portfolio.position('BTC-USD', 'mm').quantity)).toBe('0.75');
    expect(toPlain(again.portfolio.cash)).toBe(toPlain(dec('1000').minus(dec('26'))));
  });

  it('reports a fill the books refuse instead of failing the start', async () => {
    const store = new MemoryStore();
    await journal(store, 'a', 'mm', 'sell', '1', '100', T0); // a sell of nothing: spot is long only
    const r = await restorePortfolio(store, new SimulatedClock(T0), 'ACC', dec('1000'));
    expect(r.problems).toEqual([expect.stringMatching(/^fill a-f \(sell 1 BTC-USD\): .*long-only/)]);
  });
});
