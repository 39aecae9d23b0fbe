// The orders the execution engine tracks, indexed three ways: by client order id (every order still in memory), by
// venue id (reports carry it), and the open ones (what polls, cancels and `openOrders()` walk, so their cost does not
// grow with the orders ever placed). A finished order stays for `retentionMs` of clock time — late reports, look-ups —
// and then lives only in the store, so that a bot running for weeks keeps a bounded memory.
import type { TimerHandle } from '../core/clock.ts';
import { isTerminalStatus, type Order } from '../model/order.ts';
import type { VenueOrderReport } from '../venues/venue-port.ts';

export interface PendingCancel {
  readonly requestedAt: number;
  readonly reason: string;
  /** When the cancel request was last sent; undefined until it was sent successfully. */
  sentAt?: number;
}

/** An order with the engine's bookkeeping. The engine replaces `order` on every change and tells the registry. */
export interface Tracked {
  order: Order;
  /** The store's optimistic version of the order. */
  version: number;
  lastVenueUpdate?: number;
  timeoutMs?: number;
  timer?: TimerHandle;
  pendingCancel?: PendingCancel;
}

export class OrderRegistry {
  readonly #all = new Map<string, Tracked>();
  readonly #open = new Map<string, Tracked>();
  readonly #byVenueId = new Map<string, Tracked>();
  /** Finished orders in the order they finished, until the retention drops them. */
  readonly #finished: { readonly cid: string; readonly at: number }[] = [];
  #finishedHead = 0;
  readonly #retentionMs: number;

  constructor(retentionMs: number) {
    this.#retentionMs = retentionMs;
  }

  add(tracked: Tracked): void {
    const cid = tracked.order.clientOrderId;
    this.#all.set(cid, tracked);
    if (!isTerminalStatus(tracked.order.status)) this.#open.set(cid, tracked);
    if (tracked.order.id !== undefined) this.#byVenueId.set(tracked.order.id, tracked);
  }

  get(clientOrderId: string): Tracked | undefined {
    return this.#all.get(clientOrderId);
  }

  has(clientOrderId: string): boolean {
    return this.#all.has(clientOrderId);
  }

  /** The tracked order a venue report is about (by venue id, else by client order id). */
  find(report: VenueOrderReport): Tracked | undefined {
    return this.#byVenueId.get(report.venueOrderId) ?? this.#all.get(report.clientOrderId);
  }

  /** The orders not yet terminal, oldest first. */
  open(): IterableIterator<Tracked> {
    return this.#open.values();
  }

  openEntry(clientOrderId: string): Tracked | undefined {
    return this.#open.get(clientOrderId);
  }

  /** After `tracked.order` changed: indexes its venue id and, once terminal, starts its retention. */
  changed(tracked: Tracked, now: number): void {
    const order = tracked.order;
    if (order.id !== undefined) this.#byVenueId.set(order.id, tracked);
    if (isTerminalStatus(order.status) && this.#open.delete(order.clientOrderId)) {
      this.#finished.push({ cid: order.clientOrderId, at: now });
    }
    this.#forgetFinished(now);
  }

  /** Drops orders finished more than the retention ago (the store keeps them). */
  #forgetFinished(now: number): void {
    const horizon = now - this.#retentionMs;
    while (this.#finishedHead < this.#finished.length) {
      const f = this.#finished[this.#finishedHead]!;
      if (f.at > horizon) break;
      this.#finishedHead++;
      const t = this.#all.get(f.cid);
      if (t === undefined || !isTerminalStatus(t.order.status)) continue;
      this.#all.delete(f.cid);
      if (t.order.id !== undefined) this.#byVenueId.delete(t.order.id);
    }
    // Compact now and then rather than shift() each time.
    if (this.#finishedHead > 1024 && this.#finishedHead * 2 > this.#finished.length) {
      this.#finished.splice(0, this.#finishedHead);
      this.#finishedHead = 0;
    }
  }
}
