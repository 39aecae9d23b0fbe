// Reconciliation over the fake venue: unknown and never-sent intents, working orders that moved while we were away,
// orders missing at the venue, external orders and holdings, and what halts the engine.
import { afterEach, describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { Reconciler } from '../../src/execution/reconciler.ts';
import { harness, limitBuy, T0, type Harness } from './helpers.ts';

let h: Harness;
afterEach(async () => {
  h.engine.stop();
  await h.store.close();
});

const reconciler = (h: Harness, externalOrders: 'ignore' | 'adopt' = 'ignore'): Reconciler =>
  new Reconciler({ engine: h.engine, settleWindowMs: 60_000, lookupMarginMs: 1000, externalOrders });

describe('reconciliation', () => {
  it('adopts an unknown order the venue created, with its fills; never re-sends', async () => {
    h = await harness();
    const r = reconciler(h);
    await r.run(); // baseline
    h.clock.advanceBy(1);
    h.venue.submitMode = 'unknown-created';
    const order = await h.engine.submit(limitBuy);
    expect(order.status).toBe('unknown');
    h.venue.fill('V1', '0.004', '60000', '0.05');
    const report = await r.run();
    expect(report.adopted).toEqual([order.clientOrderId]);
    expect(report.halted).toBe(false);
    const adopted = h.engine.getOrder(order.clientOrderId)!;
    expect(adopted.status).toBe('partially_filled');
    expect(adopted.id).toBe('V1');
    expect(toPlain(adopted.filledQuantity)).toBe('0.004');
    expect(h.venue.submits.get(order.clientOrderId)).toBe(1);
    expect(report.holdings).toEqual([expect.objectContaining({ asset: 'BTC', difference: '0', explained: true })]);
  });

  it('an unknown order the venue never saw waits for the settle window, then fails', async () => {
    h = await harness();
    const r = reconciler(h);
    h.venue.submitMode = 'unknown-lost';
    const order = await h.engine.submit(limitBuy);
    h.clock.advanceBy(30_000);
    expect((await r.run()).awaiting).toEqual([order.clientOrderId]);
    h.clock.advanceBy(30_000);
    const report = await r.run();
    expect(report.failed).toEqual([order.clientOrderId]);
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('failed');
    expect(h.venue.submits.get(order.clientOrderId)).toBe(1);
    expect(report.halted).toBe(false);
  });

  it('finds out about intents recorded before a crash: sent or never sent', async () => {
    h = await harness();
    const sentCid = '11111111-1111-4111-8111-111111111111';
    const lostCid = '22222222-2222-4222-8222-222222222222';
    for (const cid of [sentCid, lostCid]) {
      await h.store.recordOrderIntent({
        clientOrderId: cid,
        accountNumber: 'ACC',
        strategyId: 's1',
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        timeInForce: 'gtc',
        quantity: dec('0.01'),
        limitPrice: dec('60000'),
        createdAt: T0,
      });
    }
    // The first was sent before the crash and filled; the second never left.
    await h.venue.submitOrder({
      clientOrderId: sentCid,
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      quantity: dec('0.01'),
      limitPrice: dec('60000'),
    });
    h.venue.fill('V1', '0.01', '60000');
    h.clock.advanceBy(120_000);
    const report = await reconciler(h).run();
    expect(report.adopted).toEqual([sentCid]);
    expect(report.failed).toEqual([lostCid]);
    expect(h.engine.getOrder(sentCid)!.status).toBe('filled');
    expect((await h.store.getOrder(lostCid))?.status).toBe('failed');
    expect(h.venue.submits.get(lostCid)).toBeUndefined();
  });

  it('applies what happened to working orders while the engine was away', async () => {
    h = await harness();
    const r = reconciler(h);
    await r.run();
    h.clock.advanceBy(1);
    const order = await h.engine.submit(limitBuy);
    h.venue.fill('V1', '0.002', '60000');
    h.venue.setStatus('V1', 'canceled');
    const report = await r.run();
    expect(report.updated).toEqual([order.clientOrderId]);
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('canceled');
    expect(report.halted).toBe(false);
  });

  it('halts when a working order is unknown to the venue', async () => {
    h = await harness();
    await h.engine.submit(limitBuy);
    h.venue.orders.clear();
    const report = await reconciler(h).run();
    expect(report.halted).toBe(true);
    expect(h.engine.state).toBe('HALTED');
    expect(h.engine.stateReason).toMatch(/unknown to the venue/);
    expect(await h.store.getKv('execution.state')).toMatchObject({ state: 'HALTED' });
  });

  it('halts when holdings moved without fills to explain it', async () => {
    h = await harness();
    const r = reconciler(h);
    await r.run();
    h.venue.holdings.set('BTC', dec('0.5'));
    const report = await r.run();
    expect(report.halted).toBe(true);
    expect(report.problems[0]).toMatch(/BTC holdings changed by 0.5 .* fills add up to 0/);
  });

  it('reports external orders and holdings; ignored ones explain holdings changes, adopted ones are tracked', async () => {
    h = await harness();
    h.venue.holdings.set('BTC', dec('1'));
    const r = reconciler(h);
    const first = await r.run();
    expect(first.externalHoldings).toEqual([{ asset: 'BTC', quantity: '1' }]);
    h.clock.advanceBy(1);
    await h.venue.submitOrder({
      clientOrderId: 'ext-1',
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'market',
      quantity: dec('0.1'),
    });
    h.venue.fill('V1', '0.1', '60000');
    const ignored = await r.run();
    expect(ignored.externalOrders).toEqual([expect.objectContaining({ clientOrderId: 'ext-1', action: 'ignored' })]);
    expect(ignored.holdings[0]).toMatchObject({ venueChange: '-0.1', externalChange: '-0.1', difference: '0' });
    expect(ignored.halted).toBe(false);

    const adopting = reconciler(h, 'adopt');
    const adopted = await adopting.run();
    expect(adopted.externalOrders[0]?.action).toBe('adopted');
    expect(h.engine.getOrder('ext-1')?.strategyId).toBe('external');
    expect(adopted.halted).toBe(false);
    expect((await adopting.run()).externalOrders).toEqual([]);
  });

  it('runs periodically on the clock', async () => {
    h = await harness();
    const r = reconciler(h);
    r.start(10_000);
    h.clock.advanceBy(10_000);
    await new Promise((res) => setTimeout(res, 50));
    expect((await h.store.listEvents({ type: 'Reconciliation' })).length).toBe(1);
    r.stop();
  });
});
