// The memory store (backtests, tests) must keep the same contract as the SQL stores: the shared suite, minus the one
// guard it cannot give without tracking async context (a call on the outer store inside transaction(fn)).
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/core/decimal.ts';
import { MemoryDatabase, MemoryStore, openStore } from '../../src/persistence/index.ts';
import { describeStore } from './store-suite.ts';

describeStore(
  'memory',
  () => {
    const db = new MemoryDatabase();
    return Promise.resolve({
      open: () => Promise.resolve(new MemoryStore(db)),
      countRows: (table: string) => Promise.resolve(db.rowCount(table)),
      dispose: () => Promise.resolve(),
    });
  },
  { guardsOuterStoreInTransaction: false, migrates: false },
);

describe('memory store', () => {
  it('opens through openStore with the memory driver', async () => {
    const store = await openStore({ driver: 'memory' });
    expect(store.driver).toBe('memory');
    await store.setKv('k', { a: 1 }, 1);
    expect(await store.getKv('k')).toEqual({ a: 1 });
  });

  it('keeps its own copy of what it is given: later changes to the caller objects do not leak in', async () => {
    const store = new MemoryStore();
    const payload = { reason: 'first' };
    await store.appendEvent({ type: 'Note', payload, createdAt: 1 });
    payload.reason = 'changed';
    const order = await store.recordOrderIntent({
      clientOrderId: 'a',
      accountNumber: 'ACC',
      strategyId: 's',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      timeInForce: 'gtc',
      quantity: dec('0.1'),
      createdAt: 5,
    });
    (order as { status: string }).status = 'filled';
    expect((await store.listEvents())[0]?.payload).toEqual({ reason: 'first' });
    expect((await store.getOrder('a'))?.status).toBe('created');
  });

  it('undoes a venue id index entry with the transaction that wrote it', async () => {
    const store = new MemoryStore();
    await store.recordOrderIntent({
      clientOrderId: 'a',
      accountNumber: 'ACC',
      strategyId: 's',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      timeInForce: 'gtc',
      createdAt: 5,
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.updateOrder(
          'a',
          { venueOrderId: 'V1', status: 'open' },
          { type: 'OrderAccepted', cause: 't', createdAt: 6 },
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.getOrderByVenueId('V1')).toBeUndefined();
    expect((await store.getOrder('a'))?.version).toBe(1);
    expect(await store.orderEvents('a')).toHaveLength(1);
  });
});

describe('memory store without payload copies', () => {
  it('keeps journal payloads as given but still copies strategy state and key-values', async () => {
    const store = new MemoryStore(new MemoryDatabase({ copyPayloads: false }));
    const payload = { n: 1 };
    await store.appendEvent({ type: 'Note', payload, createdAt: 1 });
    const state = { n: 1 };
    await store.saveStrategyState('s', state, 1);
    await store.setKv('k', state, 1);
    state.n = 2;
    expect((await store.listEvents())[0]?.payload).toBe(payload);
    expect((await store.loadStrategyState('s'))?.state).toEqual({ n: 1 });
    expect(await store.getKv('k')).toEqual({ n: 1 });
  });
});
