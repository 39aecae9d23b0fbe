// A cancel requested while the submit is still in flight, then a crash: the restarted engine must not forget it. The
// pending cancel is kept in the store (kv) before anything is sent, restored by load(), and sent by the first poll
// once reconciliation has given the order its venue id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/decimal.ts';
import { PENDING_CANCELS_KEY } from '../../src/execution/pending-cancels.ts';
import type { VenueOrderReport } from '../../src/venues/venue-port.ts';
import { harness, limitBuy, type Harness } from './helpers.ts';

const dirs: string[] = [];
const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    h.engine.stop();
    await h.store.close().catch(() => undefined);
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(sqlitePath: string, clock?: Harness['clock']): Promise<Harness> {
  const h = await harness({ sqlitePath, ...(clock !== undefined && { clock }) });
  open.push(h);
  return h;
}

describe('pending cancels across a restart', () => {
  it('a cancel asked for during an in-flight submit survives a crash and is sent after reconciliation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sherwood-cancel-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.db');
    const first = await start(file);
    // The submit never answers: the process dies with the order in flight.
    first.venue.submitOrder = () => new Promise<VenueOrderReport>(() => undefined);
    void first.engine.submit(limitBuy);
    const cid = await waitForOpenOrder(first);
    expect(await first.engine.cancel(cid, 'strategy exit')).toBe(true);
    expect(first.venue.cancels).toEqual([]); // no venue id yet: nothing sent
    expect(await first.store.getKv(PENDING_CANCELS_KEY)).toEqual({
      [cid]: { requestedAt: first.clock.now(), reason: 'strategy exit' },
    });
    first.engine.stop();
    await first.store.close();
    open.splice(open.indexOf(first), 1);

    // Restart on the same file: the order is loaded, its cancel pending again.
    const second = await start(file, first.clock);
    expect(second.engine.pendingCancel(cid)?.reason).toBe('strategy exit');
    // Reconciliation finds the order open at the venue (it did arrive) and applies it.
    const placed = await second.venue.submitOrder({
      clientOrderId: cid,
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      timeInForce: 'gtc',
      quantity: dec('0.01'),
      limitPrice: dec('60000'),
    });
    await second.engine.applyReport(placed, 'reconcile');
    expect(second.engine.getOrder(cid)?.status).toBe('open');
    await second.engine.pollOnce();
    expect(second.venue.cancels).toEqual([placed.venueOrderId]);
    // Once the venue confirms, the saved set is empty again.
    second.clock.advanceBy(1000);
    second.venue.setStatus(placed.venueOrderId, 'canceled');
    await second.engine.pollOnce();
    expect(second.engine.getOrder(cid)?.status).toBe('canceled');
    expect(await second.store.getKv(PENDING_CANCELS_KEY)).toEqual({});
  });

  it('ignores an unreadable saved value and drops cancels of orders that are no longer open', async () => {
    const h = await harness();
    open.push(h);
    await h.store.setKv(PENDING_CANCELS_KEY, { gone: { requestedAt: 1, reason: 'x' } }, 1);
    await h.engine.load();
    expect(await h.store.getKv(PENDING_CANCELS_KEY)).toEqual({});
    await h.store.setKv(PENDING_CANCELS_KEY, { broken: { requestedAt: 'soon' } }, 1);
    await expect(h.engine.load()).resolves.toBeUndefined();
  });
});

async function waitForOpenOrder(h: Harness): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const order = h.engine.openOrders()[0];
    if (order !== undefined) return order.clientOrderId;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the submit never recorded its intent');
}
