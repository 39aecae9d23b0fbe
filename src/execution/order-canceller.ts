// The execution engine's cancels. Robinhood cancels asynchronously: the order stays working (and may still fill)
// until the venue reports it canceled, so a cancel is a pending request tracked on the order until then. It is saved
// (pending-cancels.ts) before it is sent, sent under the order's lock once the venue id is known, and followed up by
// the status poll (status-poller.ts). Time comes only from the injected clock.
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { isWorkingStatus, type Order } from '../model/order.ts';
import type { Store } from '../persistence/store.ts';
import type { VenueOrderReport, VenuePort } from '../venues/venue-port.ts';
import type { OrderLocks } from './order-locks.ts';
import type { OrderRegistry, PendingCancel, Tracked } from './order-registry.ts';
import { PendingCancelJournal } from './pending-cancels.ts';
import type { ExecutionLogger } from './types.ts';

export interface CancelFilter {
  readonly strategyId?: string;
  readonly symbol?: string;
}

/** What the canceller needs of the execution engine: its orders, their locks and the way it applies a report. */
export interface CancelHost {
  readonly venue: VenuePort;
  readonly store: Pick<Store, 'getKv' | 'setKv' | 'updateOrder'>;
  readonly clock: Clock;
  readonly log: ExecutionLogger;
  readonly orders: OrderRegistry;
  readonly locks: OrderLocks;
  /** Being submitted: the cancel goes out after the submit answer, which brings the venue id. */
  isInFlight(clientOrderId: string): boolean;
  /** Applies a venue report to the order; the caller holds the order's lock. */
  applyLocked(tracked: Tracked, report: VenueOrderReport, cause: string): Promise<unknown>;
}

export class OrderCanceller {
  readonly #host: CancelHost;
  readonly #journal: PendingCancelJournal;
  /** Cancels between their request and their send (saving the pending cancel comes first). */
  readonly #requesting = new Set<Promise<void>>();

  constructor(host: CancelHost) {
    this.#host = host;
    this.#journal = new PendingCancelJournal(host.store, host.clock, host.log);
  }

  /** Whether a cancel is still between its request and its send (idle() would have to wait). */
  get busy(): boolean {
    return this.#requesting.size > 0;
  }

  /** What `idle()` waits for besides the order locks. */
  inProgress(): IterableIterator<Promise<void>> {
    return this.#requesting.values();
  }

  /** Cancels requested before a restart and not confirmed: pending again, sent by the next poll once the id is known. */
  async restore(): Promise<void> {
    const saved = await this.#journal.load();
    if (saved.size === 0) return;
    for (const [cid, p] of saved) {
      const tracked = this.#host.orders.openEntry(cid);
      if (tracked !== undefined && tracked.pendingCancel === undefined) tracked.pendingCancel = { ...p };
    }
    await this.#save(); // drops the orders that ended meanwhile
  }

  /**
   * Requests a cancel. Robinhood cancels asynchronously: the order stays working (and may still fill) until the
   * venue reports it canceled; the pending cancel is tracked until then. Resolves false when there is nothing to cancel.
   */
  async cancel(clientOrderId: string, reason: string): Promise<boolean> {
    const host = this.#host;
    const tracked = host.orders.get(clientOrderId);
    if (tracked === undefined) return false;
    const status = tracked.order.status;
    if (!isWorkingStatus(status) && status !== 'created') return false;
    if (tracked.pendingCancel !== undefined) return true;
    tracked.pendingCancel = { requestedAt: host.clock.now(), reason };
    const work = (async () => {
      // Durable before it is sent, like an order's intent: a crash between here and the venue does not lose it.
      await this.#save();
      // Without a venue id (still in flight, or unknown) the cancel goes out once the id is known.
      if (tracked.order.id !== undefined && !host.isInFlight(clientOrderId)) await this.send(tracked);
    })();
    this.#requesting.add(work);
    try {
      await work;
    } finally {
      this.#requesting.delete(work);
    }
    return true;
  }

  /** Cancels every working order of a strategy and/or symbol; resolves with how many cancels were requested. */
  async cancelAll(filter: CancelFilter): Promise<number> {
    const targets: Order[] = [];
    for (const t of this.#host.orders.open()) {
      const o = t.order;
      if (
        (filter.strategyId === undefined || o.strategyId === filter.strategyId) &&
        (filter.symbol === undefined || o.symbol === filter.symbol)
      ) {
        targets.push(o);
      }
    }
    let n = 0;
    for (const o of targets) if (await this.cancel(o.clientOrderId, 'cancel all')) n++;
    return n;
  }

  /** Sends the order's pending cancel under its lock, journals it, and applies what the venue answered. */
  async send(tracked: Tracked): Promise<void> {
    const host = this.#host;
    const cid = tracked.order.clientOrderId;
    await host.locks.run(cid, async () => {
      const pending = tracked.pendingCancel;
      const id = tracked.order.id;
      if (pending === undefined || id === undefined || !isWorkingStatus(tracked.order.status)) return;
      const at = host.clock.now();
      let report: VenueOrderReport | undefined;
      try {
        report = await host.venue.cancelOrder(id);
        pending.sentAt = at;
      } catch (err) {
        // Refused (already filled?) or failed: read the order to learn its state; the poll retries the cancel.
        host.log.warn({ clientOrderId: cid, err: errorMessage(err) }, 'cancel request failed');
        try {
          report = await host.venue.getOrder(id);
        } catch (readErr) {
          host.log.warn({ clientOrderId: cid, err: errorMessage(readErr) }, 'order read after cancel failed');
        }
      }
      const rec = await host.store.updateOrder(
        cid,
        {},
        {
          type: 'CancelRequested',
          cause: pending.reason,
          payload: { sent: pending.sentAt !== undefined },
          createdAt: at,
        },
        tracked.version,
      );
      tracked.version = rec.version;
      if (report !== undefined) await host.applyLocked(tracked, report, 'cancel response');
    });
  }

  /** The order ended: its pending cancel is over, and no longer saved. */
  forget(tracked: Tracked): Promise<void> {
    delete tracked.pendingCancel;
    return this.#save();
  }

  #save(): Promise<void> {
    const pending: [string, PendingCancel][] = [];
    for (const t of this.#host.orders.open()) {
      if (t.pendingCancel !== undefined) pending.push([t.order.clientOrderId, t.pendingCancel]);
    }
    return this.#journal.save(pending);
  }
}
