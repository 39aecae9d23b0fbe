// Regression found by the crash test: a periodic reconciliation racing the status poll. The reconciler lists the
// venue's orders, the poll then applies a newer report (the order filled), and the reconciler's older report arrives
// stale. Old news is not a discrepancy: it must not halt the engine.
import { afterEach, describe, expect, it } from 'vitest';
import { applyVenueReport } from '../../src/execution/apply-report.ts';
import { Reconciler } from '../../src/execution/reconciler.ts';
import type { VenueOrderQuery } from '../../src/venues/venue-port.ts';
import { harness, limitBuy, type Harness } from '../execution/helpers.ts';

let h: Harness;
afterEach(async () => {
  h.engine.stop();
  await h.store.close();
});

describe('reconciliation overtaken by a poll', () => {
  it('ignores the stale report instead of halting', async () => {
    h = await harness();
    const reconciler = new Reconciler({ engine: h.engine, settleWindowMs: 60_000, lookupMarginMs: 1000 });
    await reconciler.run(); // baseline
    const order = await h.engine.submit(limitBuy);
    h.clock.advanceBy(10);
    h.venue.fill('V1', '0.004', '60000');
    const list = h.venue.listOrders.bind(h.venue);
    let raced = false;
    h.venue.listOrders = async (query: VenueOrderQuery = {}) => {
      const snapshot = await list(query);
      if (!raced && query.createdSince !== undefined) {
        raced = true; // after the reconciler's list: the order fills and the poll applies it first
        h.clock.advanceBy(10);
        h.venue.fill('V1', '0.006', '60000');
        await h.engine.pollOnce();
      }
      return snapshot;
    };
    const report = await reconciler.run();
    expect(raced).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.halted).toBe(false);
    expect(h.engine.state).toBe('RUNNING');
    expect(h.engine.getOrder(order.clientOrderId)!.status).toBe('filled');
  });

  it('reports a stale status as ignored, not refused', async () => {
    h = await harness();
    const order = await h.engine.submit(limitBuy);
    const older = h.venue.report('V1');
    h.clock.advanceBy(10);
    h.venue.fill('V1', '0.01', '60000');
    await h.engine.pollOnce();
    const filled = h.engine.getOrder(order.clientOrderId)!;
    const result = applyVenueReport(filled, older, {
      at: h.clock.now(),
      cause: 'test',
      lastVenueUpdate: h.clock.now(),
    });
    expect(result.refused).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.ignored).toEqual([expect.stringMatching(/^stale report/)]);
    expect(result.order.status).toBe('filled');
  });
});
