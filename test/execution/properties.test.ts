// Properties (fast-check, fixed seeds): whatever order venue reports arrive in — shuffled, duplicated, some dropped —
// no order is submitted twice, local filled quantity equals the sum of unique fills (and the venue's), terminal
// orders never change status, and a final reconciliation leaves nothing unexplained.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, sumDec, toPlain } from '../../src/core/decimal.ts';
import { isTerminalStatus, type Order } from '../../src/model/order.ts';
import { Reconciler } from '../../src/execution/reconciler.ts';
import type { VenueOrderReport } from '../../src/venues/venue-port.ts';
import { harness, limitBuy } from './helpers.ts';

const plan = fc.record({
  orders: fc.array(
    fc.record({
      // fills in thousandths of 0.01 BTC; the order is 0.010
      fills: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }),
      end: fc.constantFrom('open', 'canceled', 'failed'),
      submit: fc.constantFrom('accept', 'accept', 'unknown-created', 'unknown-lost'),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  deliveries: fc.array(fc.nat(), { maxLength: 40 }),
  seed: fc.integer(),
});

describe('execution properties', () => {
  it('shuffled, duplicated and dropped reports keep the books exact', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const h = await harness({ seed: p.seed });
        try {
          const reconciler = new Reconciler({ engine: h.engine, settleWindowMs: 60_000, lookupMarginMs: 1000 });
          await reconciler.run();
          h.clock.advanceBy(1);
          const snapshots: VenueOrderReport[] = [];
          for (const o of p.orders) {
            h.venue.submitMode = o.submit;
            const order = await h.engine.submit(limitBuy);
            const venueOrder = h.venue.byClientId(order.clientOrderId);
            if (venueOrder === undefined) continue;
            let filled = 0;
            for (const n of o.fills) {
              if (filled + n > 10) break;
              filled += n;
              h.clock.advanceBy(1);
              h.venue.fill(venueOrder.id, `0.00${n}`, '60000', '0.01');
              snapshots.push(h.venue.report(venueOrder.id));
            }
            if (filled < 10 && o.end !== 'open') {
              h.clock.advanceBy(1);
              h.venue.setStatus(venueOrder.id, o.end);
              snapshots.push(h.venue.report(venueOrder.id));
            }
          }
          // Deliver a shuffled selection, with repeats; anything not delivered is "dropped".
          for (const i of p.deliveries) {
            if (snapshots.length > 0) await h.engine.applyReport(snapshots[i % snapshots.length]!, 'shuffled');
          }
          h.clock.advanceBy(120_000);
          const report = await reconciler.run();

          for (const count of h.venue.submits.values()) expect(count).toBe(1);
          for (const venueOrder of h.venue.orders.values()) {
            const local = h.engine.getOrder(venueOrder.request.clientOrderId)!;
            const fills = await h.store.fillsForOrder(local.clientOrderId);
            const venueFilled = sumDec(venueOrder.fills.map((f) => f.quantity));
            expect(toPlain(local.filledQuantity)).toBe(toPlain(venueFilled));
            expect(toPlain(sumDec(fills.map((f) => f.quantity)))).toBe(toPlain(venueFilled));
            expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
            expect(local.status).toBe(venueOrder.status);
          }
          // Terminal orders never change status afterwards.
          const terminal = new Map<string, string>();
          for (const e of h.events) {
            if (e.topic !== 'order') continue;
            const order = e.message.order as Order;
            const seen = terminal.get(order.clientOrderId);
            if (seen !== undefined) expect(order.status).toBe(seen);
            if (isTerminalStatus(order.status)) terminal.set(order.clientOrderId, order.status);
          }
          const fillEvents = h.events.filter((e) => e.topic === 'fill');
          const allFills = [...h.venue.orders.values()].flatMap((o) => o.fills);
          expect(fillEvents.length).toBe(allFills.length);
          expect(report.problems).toEqual([]);
          expect(report.holdings.every((x) => x.difference === '0')).toBe(true);
          expect(toPlain(h.venue.holdings.get('BTC') ?? dec(0))).toBe(toPlain(sumDec(allFills.map((f) => f.quantity))));
        } finally {
          await h.store.close();
        }
      }),
      { seed: 20240607, numRuns: 60 },
    );
  });
});
