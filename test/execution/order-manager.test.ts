// The order manager over a hand-written fake venue: every transition it drives, exact partial fills and fees,
// rounding, size denials, cancels and timeouts, and duplicate / late / out-of-order venue reports.
import { afterEach, describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { ExecutionEngine } from '../../src/execution/execution-engine.ts';
import type { VenueOrderRequest } from '../../src/venues/venue-port.ts';
import { harness, limitBuy, type Harness } from './helpers.ts';

let h: Harness;
afterEach(async () => {
  h.engine.stop();
  await h.store.close();
});

const orderTypes = (h: Harness): string[] => h.events.filter((e) => e.topic === 'order').map((e) => e.message.type);

describe('submitting', () => {
  it('writes the intent before sending, then goes created → submitted → open', async () => {
    h = await harness();
    const seenAtSend: Array<string | undefined> = [];
    const submit = h.venue.submitOrder.bind(h.venue);
    h.venue.submitOrder = async (req: VenueOrderRequest) => {
      seenAtSend.push((await h.store.getOrder(req.clientOrderId))?.status);
      return submit(req);
    };
    const order = await h.engine.submit(limitBuy);
    expect(seenAtSend).toEqual(['created']);
    expect(order.status).toBe('open');
    expect(order.id).toBe('V1');
    expect(orderTypes(h)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    const journal = await h.store.orderEvents(order.clientOrderId);
    expect(journal.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ['OrderIntent', null, 'created'],
      ['OrderSubmitted', 'created', 'submitted'],
      ['OrderAccepted', 'submitted', 'open'],
    ]);
    expect((await h.store.getOrder(order.clientOrderId))?.venueOrderId).toBe('V1');
  });

  it('a definite venue refusal is rejected, a request never sent is failed, a lost answer is unknown', async () => {
    h = await harness();
    h.venue.submitMode = 'reject';
    expect((await h.engine.submit(limitBuy)).status).toBe('rejected');
    h.venue.submitMode = 'not-sent';
    expect((await h.engine.submit(limitBuy)).status).toBe('failed');
    h.venue.submitMode = 'unknown-lost';
    const unknown = await h.engine.submit(limitBuy);
    expect(unknown.status).toBe('unknown');
    expect(orderTypes(h)).toEqual(['OrderRejected', 'OrderFailed', 'OrderSubmitted', 'OrderUnknown']);
    expect(h.venue.submits.get(unknown.clientOrderId)).toBe(1);
  });

  it('takes a market order whose reference price is a float mid off the price grid (only the amount is checked)', async () => {
    h = await harness();
    const order = await h.engine.submit({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      quantity: '0.01',
      strategyId: 's',
      reason: 'entry',
      referencePrice: (100 + 100.02) / 2, // 100.00999999999999
    });
    expect(order.status).not.toBe('rejected');
    const tooSmall = await h.engine.submit({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      quantity: '0.00001',
      strategyId: 's',
      reason: 'entry',
      referencePrice: 60000.004999,
    });
    expect(tooSmall.status).toBe('rejected');
    expect(tooSmall.statusReason).toMatch(/below the pair's minimum 1 USD/);
  });

  it('rounds quantity down and prices never worse than asked', async () => {
    h = await harness();
    const buy = await h.engine.submit({ ...limitBuy, quantity: '0.0123456789', limitPrice: '60000.129' });
    expect(toPlain(buy.quantity!)).toBe('0.01234567');
    expect(toPlain(buy.limitPrice!)).toBe('60000.12');
    const sell = await h.engine.submit({ ...limitBuy, side: 'sell', limitPrice: '60000.121' });
    expect(toPlain(sell.limitPrice!)).toBe('60000.13');
    const stop = await h.engine.submit({
      ...limitBuy,
      side: 'sell',
      type: 'stop_limit',
      stopPrice: '58000.001',
      limitPrice: '57900.001',
    });
    expect(toPlain(stop.stopPrice!)).toBe('58000.01');
  });

  it.each([
    ['below the minimum size', { quantity: '0.0000001' }, /below the pair's minimum|rounds to 0/],
    ['above the maximum size', { quantity: '25' }, /above the pair's maximum 20/],
    ['below the minimum amount', { quantity: '0.00001' }, /order amount 0.6 USD .* below the pair's minimum 1 USD/],
    ['an unknown symbol', { symbol: 'FOO-USD' }, /unknown symbol FOO-USD/],
    [
      'a quote-sized market order',
      { type: 'market', quoteAmount: '50', quantity: undefined, limitPrice: undefined },
      /asset units only/,
    ],
  ])('denies %s with OrderRejected and sends nothing', async (_name, patch, reason) => {
    h = await harness();
    const order = await h.engine.submit({ ...limitBuy, ...patch } as typeof limitBuy);
    expect(order.status).toBe('rejected');
    expect(order.statusReason).toMatch(reason);
    expect(h.venue.submits.size).toBe(0);
    expect(h.events[0]?.message).toMatchObject({ type: 'OrderRejected' });
    expect((await h.store.getOrder(order.clientOrderId))?.status).toBe('rejected');
  });
});

describe('fills', () => {
  it('partial fills add up exactly, with fees, and each fill is published once', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    h.venue.fill('V1', '0.003', '60000', '0.1');
    await h.engine.pollOnce();
    h.venue.fill('V1', '0.003', '59999.99', '0.2');
    h.clock.advanceBy(1000);
    await h.engine.pollOnce();
    await h.engine.pollOnce(); // same reports again: nothing new
    h.venue.fill('V1', '0.004', '59999.98', '0.3');
    h.clock.advanceBy(1000);
    await h.engine.pollOnce();
    const done = h.engine.getOrder(order.clientOrderId)!;
    expect(done.status).toBe('filled');
    expect(toPlain(done.filledQuantity)).toBe('0.01');
    expect(toPlain(done.fees)).toBe('0.6');
    expect(toPlain(done.filledNotional)).toBe(toPlain(dec('179.99997').plus('239.99992').plus('180')));
    expect(orderTypes(h)).toEqual([
      'OrderSubmitted',
      'OrderAccepted',
      'OrderPartiallyFilled',
      'OrderPartiallyFilled',
      'OrderFilled',
    ]);
    expect(h.events.filter((e) => e.topic === 'fill')).toHaveLength(3);
    const stored = await h.store.fillsForOrder(order.clientOrderId);
    expect(stored.map((f) => toPlain(f.quantity))).toEqual(['0.003', '0.003', '0.004']);
    expect((await h.store.getOrder(order.clientOrderId))?.status).toBe('filled');
  });

  it('refuses a terminal order changing status, and ignores stale and duplicate reports', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    const stale = h.venue.report('V1');
    h.clock.advanceBy(10);
    h.venue.fill('V1', '0.01', '60000');
    await h.engine.pollOnce();
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('filled');
    const before = h.events.length;
    await h.engine.applyReport(stale, 'late duplicate'); // older `open` report
    await h.engine.applyReport(h.venue.report('V1'), 'duplicate');
    h.venue.setStatus('V1', 'canceled');
    const result = await h.engine.applyReport(h.venue.report('V1'), 'venue says canceled');
    expect(result?.refused[0]).toMatch(/illegal transition filled → canceled/);
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('filled');
    expect(h.events.length).toBe(before);
    expect(h.engine.refusals).toBeGreaterThanOrEqual(2);
  });

  it('records a late fill on a canceled order without changing its status', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    h.venue.setStatus('V1', 'canceled');
    await h.engine.pollOnce();
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('canceled');
    h.clock.advanceBy(10);
    h.venue.fill('V1', '0.002', '60000', '0', 'canceled');
    await h.engine.applyReport(h.venue.report('V1'), 'late');
    const o = h.engine.getOrder(order.clientOrderId)!;
    expect(o.status).toBe('canceled');
    expect(toPlain(o.filledQuantity)).toBe('0.002');
    expect(h.events.filter((e) => e.topic === 'fill')).toHaveLength(1);
  });

  it('polls with one list request for all open orders', async () => {
    h = await harness();
    await h.engine.submit(limitBuy);
    await h.engine.submit(limitBuy);
    let lists = 0;
    const list = h.venue.listOrders.bind(h.venue);
    h.venue.listOrders = (q) => {
      lists++;
      return list(q);
    };
    await h.engine.pollOnce();
    expect(lists).toBe(1);
  });

  it('polls on the clock', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    h.engine.startPolling();
    h.venue.fill('V1', '0.01', '60000');
    h.clock.advanceBy(1000);
    await h.engine.idle();
    await new Promise((r) => setImmediate(r));
    await h.engine.idle();
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('filled');
  });
});

describe('cancels and timeouts', () => {
  it('tracks a pending cancel until the venue reports canceled', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    expect(await h.engine.cancel(order.clientOrderId, 'strategy exit')).toBe(true);
    expect(h.venue.cancels).toEqual(['V1']);
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('open');
    expect(h.engine.pendingCancel(order.clientOrderId)?.reason).toBe('strategy exit');
    expect(await h.engine.cancel(order.clientOrderId)).toBe(true); // not sent twice
    expect(h.venue.cancels).toHaveLength(1);
    h.clock.advanceBy(500);
    h.venue.setStatus('V1', 'canceled');
    await h.engine.pollOnce();
    const canceled = h.engine.getOrder(order.clientOrderId)!;
    expect(canceled.status).toBe('canceled');
    expect(h.engine.pendingCancel(order.clientOrderId)).toBeUndefined();
    const event = h.events.find((e) => e.message.type === 'OrderCanceled')!.message;
    expect(event.reason).toMatch(/strategy exit/);
    const journal = await h.store.orderEvents(order.clientOrderId);
    expect(journal.map((e) => e.type)).toContain('CancelRequested');
    expect(await h.engine.cancel(order.clientOrderId)).toBe(false);
  });

  it('a refused cancel reads the order: filled meanwhile', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    h.venue.fill('V1', '0.01', '60000');
    h.venue.cancelRefused = true;
    await h.engine.cancel(order.clientOrderId);
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('filled');
  });

  it('looks a slow cancel up by id after cancelCheckMs', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    await h.engine.cancel(order.clientOrderId);
    let gets = 0;
    const get = h.venue.getOrder.bind(h.venue);
    h.venue.getOrder = (id) => {
      gets++;
      return get(id);
    };
    h.venue.setStatus('V1', 'canceled');
    h.venue.listOrders = () => Promise.resolve([]); // the list misses it
    h.clock.advanceBy(2000);
    await h.engine.pollOnce();
    expect(gets).toBe(1);
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('canceled');
  });

  it('cancels an order still working after its timeout', async () => {
    h = await harness();
    const order = await h.engine.submit({ ...limitBuy, timeoutMs: 5000 });
    h.clock.advanceBy(4999);
    expect(h.venue.cancels).toEqual([]);
    h.clock.advanceBy(1);
    await h.engine.idle();
    expect(h.venue.cancels).toEqual(['V1']);
    expect(h.engine.pendingCancel(order.clientOrderId)?.reason).toBe('timeout after 5000ms');
  });

  it('a cancel requested while the submit is in flight goes out once the venue id is known', async () => {
    h = await harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const submit = h.venue.submitOrder.bind(h.venue);
    h.venue.submitOrder = async (req) => {
      await gate;
      return submit(req);
    };
    const pending = h.engine.submit(limitBuy);
    await new Promise((r) => setImmediate(r));
    const [o] = h.engine.openOrders();
    expect(await h.engine.cancel(o!.clientOrderId)).toBe(true);
    expect(h.venue.cancels).toEqual([]);
    release();
    await pending;
    expect(h.venue.cancels).toEqual(['V1']);
  });

  it('cancelAll cancels by strategy and symbol', async () => {
    h = await harness();
    await h.engine.submit(limitBuy);
    await h.engine.submit({ ...limitBuy, strategyId: 's2' });
    expect(await h.engine.cancelAll({ strategyId: 's2' })).toBe(1);
    expect(h.venue.cancels).toEqual(['V2']);
    expect(await h.engine.cancelAll({ symbol: 'BTC-USD' })).toBe(2);
    expect(h.venue.cancels).toEqual(['V2', 'V1']);
  });
});

describe('engine state', () => {
  it('HALTED sends nothing, REDUCING only sells; the state is persisted and restored', async () => {
    h = await harness();
    await h.engine.setState('REDUCING', 'drawdown');
    expect((await h.engine.submit(limitBuy)).status).toBe('rejected');
    expect((await h.engine.submit({ ...limitBuy, side: 'sell' })).status).toBe('open');
    await h.engine.halt('venue mismatch');
    const denied = await h.engine.submit({ ...limitBuy, side: 'sell' });
    expect(denied.statusReason).toBe('engine halted: venue mismatch');
    expect(h.venue.submits.size).toBe(1);
    expect(h.events.filter((e) => e.topic === 'execution.state').map((e) => e.message.state)).toEqual([
      'REDUCING',
      'HALTED',
    ]);
    const again = new ExecutionEngine({
      venue: h.venue,
      store: h.store,
      clock: h.clock,
      bus: h.bus,
      ids: { next: () => 'x' },
      accountNumber: 'ACC',
    });
    await again.load();
    expect(again.state).toBe('HALTED');
    expect(again.stateReason).toBe('venue mismatch');
    expect(again.openOrders()).toHaveLength(1);
  });
});

describe('memory', () => {
  it('forgets orders finished longer ago than finishedRetentionMs; the store keeps them', async () => {
    h = await harness({ finishedRetentionMs: 60_000 });
    const first = await h.engine.submit({ ...limitBuy });
    h.venue.fill('V1', '0.01', '60000');
    await h.engine.pollOnce();
    expect(h.engine.getOrder(first.clientOrderId)?.status).toBe('filled');
    h.clock.advanceBy(30_000);
    const second = await h.engine.submit({ ...limitBuy });
    h.venue.fill('V2', '0.01', '60000');
    await h.engine.pollOnce();
    // Another order finishing 61 s after the first: the first is forgotten, the second (and open ones) are kept.
    h.clock.advanceBy(31_000);
    const third = await h.engine.submit({ ...limitBuy });
    h.venue.fill('V3', '0.01', '60000');
    await h.engine.pollOnce();
    const open = await h.engine.submit({ ...limitBuy });
    expect(h.engine.isKnown(first.clientOrderId)).toBe(false);
    expect(h.engine.getOrder(second.clientOrderId)?.status).toBe('filled');
    expect(h.engine.getOrder(third.clientOrderId)?.status).toBe('filled');
    expect(h.engine.openOrders().map((o) => o.clientOrderId)).toEqual([open.clientOrderId]);
    expect((await h.store.getOrder(first.clientOrderId))?.status).toBe('filled');
    // A late report of the forgotten order is not taken for someone else's.
    const late = await h.venue.getOrder('V1');
    expect(late).toBeDefined();
    expect(await h.engine.applyReport(late!, 'late poll')).toBeUndefined();
  });
});
