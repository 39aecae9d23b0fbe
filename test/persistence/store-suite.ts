// The behaviour every Store must have, run against SQLite and PostgreSQL by the two *.test.ts files beside this one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/core/decimal.ts';
import { PersistenceError } from '../../src/core/errors.ts';
import { createRandom, seededUuid } from '../../src/core/random.ts';
import {
  deriveFillId,
  isVersionConflict,
  type NewFill,
  type NewOrder,
  type OrderRecord,
  type Store,
} from '../../src/persistence/index.ts';

/** A fresh, empty database (SQLite file or PostgreSQL schema) that can be opened several times. */
export interface FreshDatabase {
  open(): Promise<Store>;
  /** Rows in a table, read without the store (to check what really reached the database). */
  countRows(table: string): Promise<number>;
  dispose(): Promise<void>;
}

export interface StoreSuiteOptions {
  /** Whether calling the outer store inside transaction(fn) is refused (needs async-context tracking). */
  readonly guardsOuterStoreInTransaction?: boolean;
  /** Whether the store keeps a migration table (the SQL stores; the memory store has no schema to migrate). */
  readonly migrates?: boolean;
}

export function describeStore(
  label: string,
  createDatabase: () => Promise<FreshDatabase>,
  options: StoreSuiteOptions = {},
): void {
  describe(`Store on ${label}`, () => {
    let database: FreshDatabase;
    let store: Store;
    const opened: Store[] = [];
    const random = createRandom(42);
    const newId = (): string => seededUuid(random);

    const openAnother = async (): Promise<Store> => {
      const s = await database.open();
      opened.push(s);
      return s;
    };
    const intent = (overrides: Partial<NewOrder> = {}): NewOrder => ({
      clientOrderId: newId(),
      accountNumber: 'ACC-1',
      strategyId: 'sma',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      timeInForce: 'gtc',
      quantity: dec('0.00100000'),
      limitPrice: dec('65000.12'),
      createdAt: 1_700_000_000_000,
      ...overrides,
    });
    const fill = (order: OrderRecord, overrides: Partial<NewFill> = {}): NewFill => ({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: dec('0.0004'),
      price: dec('65000.12'),
      fee: dec('0.01'),
      timestamp: 1_700_000_001_000,
      ...overrides,
    });
    const event = (type: string, createdAt: number) => ({ type, cause: `test ${type}`, createdAt });

    beforeEach(async () => {
      database = await createDatabase();
      store = await openAnother();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await database.dispose();
    });

    it('runs its migrations once: opening again keeps the schema and the data', async () => {
      await store.recordOrderIntent(intent({ clientOrderId: 'kept' }));
      await store.close();
      const again = await openAnother();
      const third = await openAnother();
      expect((await again.getOrder('kept'))?.status).toBe('created');
      expect((await third.listOrders()).length).toBe(1);
      if (options.migrates !== false) expect(await database.countRows('sherwood_migration')).toBe(1);
    });

    it('records an intent with defaults and its first journal event', async () => {
      const order = await store.recordOrderIntent(intent({ clientOrderId: 'o-1' }), {
        cause: 'sma crossed up',
        payload: { fast: 1.5 },
      });
      expect(order).toMatchObject({ status: 'created', version: 1, venueOrderId: null, submittedAt: null });
      expect(order.filledQuantity.eq(dec('0'))).toBe(true);
      expect(order.fees.eq(dec('0'))).toBe(true);
      expect(order.updatedAt).toBe(order.createdAt);
      expect(await store.getOrder('o-1')).toEqual(order);
      const events = await store.orderEvents('o-1');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        seq: 1,
        type: 'OrderIntent',
        fromStatus: null,
        toStatus: 'created',
        cause: 'sma crossed up',
        payload: { fast: 1.5 },
      });
    });

    it('makes the intent durable before the order is sent', async () => {
      const observer = await openAnother(); // another connection: sees only committed data
      const sent: string[] = [];
      const venue = {
        submit: async (clientOrderId: string): Promise<string> => {
          const seen = await observer.getOrder(clientOrderId);
          expect(seen?.status).toBe('created');
          expect(await observer.orderEvents(clientOrderId)).toHaveLength(1);
          sent.push(clientOrderId);
          return `venue-${clientOrderId}`;
        },
      };
      const order = await store.recordOrderIntent(intent());
      const venueOrderId = await venue.submit(order.clientOrderId);
      await store.updateOrder(
        order.clientOrderId,
        { status: 'submitted', venueOrderId, submittedAt: 1_700_000_000_050 },
        event('OrderSubmitted', 1_700_000_000_050),
        order.version,
      );
      expect(sent).toEqual([order.clientOrderId]);
      const byVenue = await observer.getOrderByVenueId(venueOrderId);
      expect(byVenue).toMatchObject({ clientOrderId: order.clientOrderId, status: 'submitted', version: 2 });
      expect(byVenue?.submittedAt).toBe(1_700_000_000_050);
    });

    it('refuses a second intent with the same client_order_id and leaves the journal alone', async () => {
      await store.recordOrderIntent(intent({ clientOrderId: 'dup' }));
      await expect(store.recordOrderIntent(intent({ clientOrderId: 'dup', symbol: 'ETH-USD' }))).rejects.toThrow();
      expect((await store.getOrder('dup'))?.symbol).toBe('BTC-USD');
      expect(await store.orderEvents('dup')).toHaveLength(1);
    });

    it('journals every change in order, with its cause, chaining from/to statuses', async () => {
      const order = await store.recordOrderIntent(intent({ clientOrderId: 'life' }));
      const path = ['submitted', 'open', 'partially_filled', 'filled'] as const;
      let version = order.version;
      for (const [i, status] of path.entries()) {
        const updated = await store.updateOrder(
          'life',
          { status },
          { ...event(`to-${status}`, 1_700_000_000_100 + i), payload: { step: i } },
          version,
        );
        version = updated.version;
      }
      const events = await store.orderEvents('life');
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events.map((e) => e.toStatus)).toEqual(['created', ...path]);
      expect(events.map((e) => e.fromStatus)).toEqual([null, 'created', ...path.slice(0, -1)]);
      expect(events.map((e) => e.cause).slice(1)).toEqual(path.map((s) => `test to-${s}`));
      expect(events[4]?.payload).toEqual({ step: 3 });
      const final = await store.getOrder('life');
      expect(final).toMatchObject({ status: 'filled', version: 5, updatedAt: 1_700_000_000_103 });
    });

    it('rejects a stale expectedVersion with a version conflict and writes nothing', async () => {
      const order = await store.recordOrderIntent(intent({ clientOrderId: 'occ' }));
      const other = await openAnother();
      await other.updateOrder('occ', { status: 'submitted' }, event('OrderSubmitted', 2), order.version);
      const attempt = store.updateOrder('occ', { status: 'canceled' }, event('OrderCanceled', 3), order.version);
      await expect(attempt).rejects.toSatisfy(isVersionConflict);
      await expect(attempt).rejects.toMatchObject({ details: { expectedVersion: 1, actualVersion: 2 } });
      expect(await store.getOrder('occ')).toMatchObject({ status: 'submitted', version: 2 });
      expect(await store.orderEvents('occ')).toHaveLength(2);
    });

    it('says which order is missing when updating one that does not exist', async () => {
      await expect(store.updateOrder('nope', { status: 'open' }, event('OrderAccepted', 1))).rejects.toMatchObject({
        details: { reason: 'not_found', clientOrderId: 'nope' },
      });
    });

    it('serialises concurrent updates without expectedVersion into one gap-free journal', async () => {
      const order = await store.recordOrderIntent(intent({ clientOrderId: 'busy' }));
      const writers = Array.from({ length: 8 }, (_, i) =>
        store.updateOrder(order.clientOrderId, { reason: `w${i}` }, event('Note', 10 + i)),
      );
      const results = await Promise.all(writers);
      expect(new Set(results.map((r) => r.version)).size).toBe(8);
      expect((await store.orderEvents('busy')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await store.getOrder('busy'))?.version).toBe(9);
    });

    it('round-trips decimals exactly in every table', async () => {
      const tiny = '0.000000000000000001';
      const huge = '123456789012345678.123456789';
      const exact = (d: Decimal | null | undefined): string | undefined => d?.toFixed();
      const order = await store.recordOrderIntent(
        intent({ quantity: dec(tiny), limitPrice: dec(huge), quoteAmount: dec('1.50'), stopPrice: dec(huge) }),
      );
      const read = await store.getOrder(order.clientOrderId);
      expect([exact(read?.quantity), exact(read?.limitPrice), exact(read?.stopPrice)]).toEqual([tiny, huge, huge]);
      expect(read?.quoteAmount?.eq(dec('1.5'))).toBe(true);
      const updated = await store.updateOrder(
        order.clientOrderId,
        { filledQuantity: dec(tiny), averageFillPrice: dec(huge), fees: dec(tiny) },
        event('OrderFilled', 5),
      );
      expect([exact(updated.filledQuantity), exact(updated.averageFillPrice), exact(updated.fees)]).toEqual([
        tiny,
        huge,
        tiny,
      ]);
      await store.recordFill(fill(order, { quantity: dec(tiny), price: dec(huge), fee: dec(tiny) }));
      const [f] = await store.fillsForOrder(order.clientOrderId);
      expect([exact(f?.quantity), exact(f?.price), exact(f?.fee)]).toEqual([tiny, huge, tiny]);
      await store.upsertPosition({
        strategyId: 'sma',
        symbol: 'BTC-USD',
        quantity: dec(tiny),
        averageEntryPrice: dec(huge),
        realizedPnl: dec(`-${huge}`),
        fees: dec(tiny),
        updatedAt: 7,
      });
      const [p] = await store.listPositions();
      expect([exact(p?.quantity), exact(p?.averageEntryPrice), exact(p?.realizedPnl)]).toEqual([
        tiny,
        huge,
        `-${huge}`,
      ]);
      await store.appendEquity({
        timestamp: 8,
        scope: 'account',
        scopeId: 'ACC-1',
        equity: dec(huge),
        cash: dec(tiny),
        positionsValue: dec('0'),
        drawdown: 0.125,
      });
      const [e] = await store.equityHistory();
      expect([exact(e?.equity), exact(e?.cash), exact(e?.positionsValue), e?.drawdown]).toEqual([
        huge,
        tiny,
        '0',
        0.125,
      ]);
    });

    it('records a fill once: a replay returns false, a different fill under the same id is refused', async () => {
      const order = await store.recordOrderIntent(intent());
      expect(await store.recordFill(fill(order, { id: 'exec-1' }))).toBe(true);
      expect(await store.recordFill(fill(order, { id: 'exec-1' }))).toBe(false);
      await expect(store.recordFill(fill(order, { id: 'exec-1', quantity: dec('0.5') }))).rejects.toMatchObject({
        details: { reason: 'fill_mismatch', id: 'exec-1' },
      });
      // Without a venue id the id is derived from the content: the same execution maps to the same row.
      expect(await store.recordFill(fill(order, { quantity: dec('0.60') }))).toBe(true);
      expect(await store.recordFill(fill(order, { quantity: dec('0.6') }))).toBe(false);
      const fills = await store.fillsForOrder(order.clientOrderId);
      expect(fills.map((f) => f.id).sort()).toEqual(
        [
          'exec-1',
          deriveFillId({
            clientOrderId: order.clientOrderId,
            timestamp: 1_700_000_001_000,
            quantity: dec('0.6'),
            price: dec('65000.12'),
          }),
        ].sort(),
      );
      expect(fills.find((f) => f.id === 'exec-1')).toMatchObject({ liquidity: 'unknown', feeCurrency: 'USD' });
    });

    it('refuses a fill for an order it does not know (foreign key)', async () => {
      const ghost = { ...(await store.recordOrderIntent(intent())), clientOrderId: 'ghost' };
      await expect(store.recordFill(fill(ghost, { id: 'x' }))).rejects.toThrow();
      expect(await store.listFills()).toEqual([]);
    });

    it('filters fills by order, symbol and time', async () => {
      const btc = await store.recordOrderIntent(intent());
      const eth = await store.recordOrderIntent(intent({ symbol: 'ETH-USD' }));
      await store.recordFill(fill(btc, { id: 'b1', timestamp: 100 }));
      await store.recordFill(fill(btc, { id: 'b2', timestamp: 300 }));
      await store.recordFill(fill(eth, { id: 'e1', timestamp: 200, symbol: 'ETH-USD' }));
      expect((await store.listFills()).map((f) => f.id)).toEqual(['b1', 'e1', 'b2']);
      expect((await store.listFills({ symbol: 'BTC-USD' })).map((f) => f.id)).toEqual(['b1', 'b2']);
      expect((await store.listFills({ since: 200, until: 300 })).map((f) => f.id)).toEqual(['e1']);
      expect((await store.fillsForOrder(eth.clientOrderId)).map((f) => f.id)).toEqual(['e1']);
    });

    it('lists orders by filter and open orders including created, submitted and unknown', async () => {
      const statuses = ['created', 'submitted', 'open', 'partially_filled', 'unknown', 'filled', 'canceled'] as const;
      for (const [i, status] of statuses.entries()) {
        await store.recordOrderIntent(
          intent({ clientOrderId: `s-${status}`, status, createdAt: 1000 + i, symbol: i % 2 ? 'ETH-USD' : 'BTC-USD' }),
        );
      }
      await store.recordOrderIntent(
        intent({ clientOrderId: 's-other', strategyId: 'rsi', status: 'rejected', createdAt: 900 }),
      );
      expect((await store.listOpenOrders()).map((o) => o.status)).toEqual([
        'created',
        'submitted',
        'open',
        'partially_filled',
        'unknown',
      ]);
      expect((await store.listOrders({ statuses: ['filled', 'canceled'] })).length).toBe(2);
      expect((await store.listOrders({ statuses: [] })).length).toBe(0);
      expect((await store.listOrders({ symbol: 'ETH-USD' })).map((o) => o.clientOrderId)).toEqual([
        's-submitted',
        's-partially_filled',
        's-filled',
      ]);
      expect((await store.listOrders({ strategyId: 'rsi' })).map((o) => o.clientOrderId)).toEqual(['s-other']);
      expect((await store.listOrders({ since: 1005 })).map((o) => o.clientOrderId)).toEqual(['s-filled', 's-canceled']);
    });

    it('rolls back every write of a transaction that throws', async () => {
      const before = await store.recordOrderIntent(intent({ clientOrderId: 'keep' }));
      const failure = store.transaction(async (tx) => {
        const order = await tx.recordOrderIntent(intent({ clientOrderId: 'half' }));
        await tx.recordFill(fill(order, { id: 'half-fill' }));
        await tx.updateOrder('keep', { status: 'submitted' }, event('OrderSubmitted', 2));
        await tx.appendEvent({ type: 'RiskHalt', payload: { reason: 'test' }, createdAt: 3 });
        await tx.setKv('halted', true, 3);
        await tx.upsertPosition({
          strategyId: 'sma',
          symbol: 'BTC-USD',
          quantity: dec(1),
          averageEntryPrice: dec(1),
          realizedPnl: dec(0),
          fees: dec(0),
          updatedAt: 3,
        });
        throw new Error('crash in the middle');
      });
      await expect(failure).rejects.toThrow('crash in the middle');
      expect(await store.getOrder('half')).toBeUndefined();
      expect(await store.getOrder('keep')).toEqual(before);
      expect(await store.orderEvents('keep')).toHaveLength(1);
      expect(await store.listFills()).toEqual([]);
      expect(await store.listEvents()).toEqual([]);
      expect(await store.getKv('halted')).toBeUndefined();
      expect(await store.listPositions()).toEqual([]);
      for (const table of ['orders', 'order_events', 'trades', 'events', 'kv', 'positions']) {
        expect(await database.countRows(table)).toBe(table === 'orders' || table === 'order_events' ? 1 : 0);
      }
    });

    it('rolls back a fill when the order update in the same transaction hits a version conflict', async () => {
      const order = await store.recordOrderIntent(intent());
      await store.updateOrder(order.clientOrderId, { status: 'open' }, event('OrderAccepted', 2));
      const attempt = store.transaction(async (tx) => {
        await tx.recordFill(fill(order, { id: 'f' }));
        await tx.updateOrder(order.clientOrderId, { status: 'filled' }, event('OrderFilled', 3), order.version);
      });
      await expect(attempt).rejects.toSatisfy(isVersionConflict);
      expect(await store.listFills()).toEqual([]);
      expect((await store.getOrder(order.clientOrderId))?.status).toBe('open');
    });

    it('commits a transaction, joins nested ones and guards against escaping it', async () => {
      const result = await store.transaction(async (tx) => {
        const order = await tx.recordOrderIntent(intent({ clientOrderId: 'tx' }));
        await tx.transaction((inner) => inner.recordFill(fill(order, { id: 'tx-fill' })));
        if (options.guardsOuterStoreInTransaction !== false) {
          await expect(store.getOrder('tx')).rejects.toMatchObject({ details: { reason: 'outside_transaction' } });
        }
        return order.clientOrderId;
      });
      expect(result).toBe('tx');
      expect((await store.fillsForOrder('tx')).map((f) => f.id)).toEqual(['tx-fill']);
      let leaked: Store | undefined;
      let release: () => void = () => undefined;
      let later: Promise<OrderRecord | undefined> | undefined;
      await store.transaction((tx) => {
        leaked = tx;
        // Work scheduled inside the transaction but run after it ended may use the outer store again.
        later = new Promise<void>((resolve) => (release = resolve)).then(() => store.getOrder('tx'));
        return Promise.resolve();
      });
      release();
      expect((await later)?.clientOrderId).toBe('tx');
      await expect(leaked!.getOrder('tx')).rejects.toBeInstanceOf(PersistenceError);
    });

    it('upserts positions per strategy and symbol', async () => {
      const position = {
        strategyId: 'sma',
        symbol: 'BTC-USD',
        quantity: dec('0.5'),
        averageEntryPrice: dec('60000'),
        realizedPnl: dec('0'),
        fees: dec('0.3'),
        updatedAt: 1,
      };
      await store.upsertPosition(position);
      await store.upsertPosition({ ...position, strategyId: 'rsi', symbol: 'ETH-USD' });
      await store.upsertPosition({ ...position, quantity: dec('0'), realizedPnl: dec('12.34'), updatedAt: 2 });
      const all = await store.listPositions();
      expect(all.map((p) => `${p.strategyId}/${p.symbol}`)).toEqual(['rsi/ETH-USD', 'sma/BTC-USD']);
      const [sma] = await store.listPositions({ strategyId: 'sma' });
      expect(sma?.quantity.eq(dec('0'))).toBe(true);
      expect(sma?.realizedPnl.toFixed()).toBe('12.34');
      expect(sma?.updatedAt).toBe(2);
      expect(await store.listPositions({ symbol: 'ETH-USD' })).toHaveLength(1);
    });

    it('keeps an equity history per scope; a replayed point replaces the old one', async () => {
      const point = (timestamp: number, equity: string, scopeId = 'ACC-1') => ({
        timestamp,
        scope: 'account' as const,
        scopeId,
        equity: dec(equity),
        cash: dec(equity),
        positionsValue: dec(0),
        drawdown: 0,
      });
      for (const [i, v] of ['100', '101', '99', '102'].entries()) await store.appendEquity(point(1000 * (i + 1), v));
      await store.appendEquity(point(2000, '101.5'));
      await store.appendEquity({ ...point(1500, '7', 'sma'), scope: 'strategy' });
      const account = await store.equityHistory({ scope: 'account', scopeId: 'ACC-1' });
      expect(account.map((p) => p.equity.toFixed())).toEqual(['100', '101.5', '99', '102']);
      expect((await store.equityHistory({ from: 1500, to: 3000 })).map((p) => p.timestamp)).toEqual([1500, 2000]);
      expect((await store.equityHistory({ scope: 'account', limit: 2 })).map((p) => p.timestamp)).toEqual([3000, 4000]);
      expect((await store.equityHistory({ scope: 'strategy' }))[0]?.scopeId).toBe('sma');
    });

    it('saves and loads strategy state, key-values and journal events', async () => {
      expect(await store.loadStrategyState('sma')).toBeUndefined();
      await store.saveStrategyState('sma', { warm: false, bars: 3 }, 1);
      await store.saveStrategyState('sma', { warm: true, bars: 50, last: [1.5, 'x', null] }, 2);
      expect(await store.loadStrategyState('sma')).toEqual({
        strategyId: 'sma',
        state: { warm: true, bars: 50, last: [1.5, 'x', null] },
        updatedAt: 2,
      });

      expect(await store.getKv('engine.state')).toBeUndefined();
      await store.setKv('engine.state', { state: 'HALTED', reason: 'drawdown 12% > 10%' }, 5);
      await store.setKv('engine.state', { state: 'HALTED', reason: 'unknown order' }, 6);
      expect(await store.getKv('engine.state')).toEqual({ state: 'HALTED', reason: 'unknown order' });
      await store.deleteKv('engine.state');
      expect(await store.getKv('engine.state')).toBeUndefined();

      const first = await store.appendEvent({
        type: 'OrderDenied',
        payload: { reason: 'max position' },
        createdAt: 10,
      });
      const second = await store.appendEvent({ type: 'RiskHalt', payload: { reason: 'drawdown' }, createdAt: 20 });
      await store.appendEvent({ type: 'OrderDenied', payload: { reason: 'stale quote' }, createdAt: 30 });
      expect(second).toBeGreaterThan(first);
      expect((await store.listEvents()).map((e) => e.type)).toEqual(['OrderDenied', 'RiskHalt', 'OrderDenied']);
      expect((await store.listEvents({ type: 'OrderDenied' })).map((e) => e.payload)).toEqual([
        { reason: 'max position' },
        { reason: 'stale quote' },
      ]);
      expect((await store.listEvents({ afterId: first, limit: 1 })).map((e) => e.id)).toEqual([second]);
      expect((await store.listEvents({ since: 20 })).map((e) => e.createdAt)).toEqual([20, 30]);
    });

    it('refuses to be used after close', async () => {
      await store.close();
      await expect(store.getOrder('x')).rejects.toMatchObject({ details: { reason: 'unusable' } });
      await store.close(); // closing twice is harmless
    });
  });
}
