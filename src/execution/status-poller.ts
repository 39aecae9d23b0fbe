// The execution engine's status polling. Robinhood pushes nothing: fills and cancels are learnt by asking. One
// orders-list request covers every working order (updated since the previous poll, minus a margin for reports the
// venue timestamps late), then the pending cancels are followed up: sent once the order's venue id is known, looked up
// by id when the venue has not confirmed them in time. Time comes only from the injected clock.
import type { Clock, TimerHandle } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { isWorkingStatus } from '../model/order.ts';
import type { VenueOrderReport, VenuePort } from '../venues/venue-port.ts';
import { alreadySeen } from './order-records.ts';
import type { OrderRegistry, Tracked } from './order-registry.ts';
import type { ExecutionLogger } from './types.ts';

/** What the poller needs of the execution engine: its orders and the ways it applies what the venue says. */
export interface PollHost {
  readonly venue: VenuePort;
  readonly clock: Clock;
  readonly log: ExecutionLogger;
  readonly orders: OrderRegistry;
  /** Being submitted: its report comes with the submit answer, a poll must not overtake it. */
  isInFlight(clientOrderId: string): boolean;
  applyReport(report: VenueOrderReport, cause: string): Promise<unknown>;
  /** Sends the order's pending cancel (under the order's lock). */
  sendCancel(tracked: Tracked): Promise<void>;
}

export interface PollTiming {
  /** Poll period (ms). */
  readonly intervalMs: number;
  /** A poll asks for orders updated since the previous poll minus this (ms). */
  readonly marginMs: number;
  /** A cancel not confirmed after this long is looked up by id (ms). */
  readonly cancelCheckMs: number;
}

export class StatusPoller {
  readonly #host: PollHost;
  readonly #timing: PollTiming;
  #timer: TimerHandle | undefined;
  #polling = false;
  #lastPollAt: number | undefined;

  constructor(host: PollHost, timing: PollTiming) {
    this.#host = host;
    this.#timing = timing;
  }

  /** Polls every `intervalMs` of the clock until stopped. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#host.clock.setInterval(this.#timing.intervalMs, () => {
      this.pollOnce().catch((err: unknown) => this.#host.log.error({ err: errorMessage(err) }, 'poll failed'));
    });
  }

  stop(): void {
    if (this.#timer !== undefined) this.#host.clock.cancel(this.#timer);
    this.#timer = undefined;
  }

  /** One status poll: a single orders-list request for everything updated since the last poll, plus look-ups by id. */
  async pollOnce(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    const host = this.#host;
    try {
      const startedAt = host.clock.now();
      let oldest = Infinity;
      let working = false;
      for (const t of host.orders.open()) {
        if (!isWorkingStatus(t.order.status) || t.order.id === undefined || host.isInFlight(t.order.clientOrderId))
          continue;
        working = true;
        oldest = Math.min(oldest, t.order.createdAt);
      }
      if (working) {
        const since = (this.#lastPollAt ?? oldest) - this.#timing.marginMs;
        const reports = await host.venue.listOrders({ updatedSince: since });
        for (const report of reports) {
          const t = host.orders.find(report);
          if (t === undefined || host.isInFlight(t.order.clientOrderId) || alreadySeen(t, report)) continue;
          await host.applyReport(report, 'poll');
        }
      }
      this.#lastPollAt = startedAt;
      await this.#checkPendingCancels();
    } finally {
      this.#polling = false;
    }
  }

  async #checkPendingCancels(): Promise<void> {
    const host = this.#host;
    const now = host.clock.now();
    for (const t of [...host.orders.open()]) {
      const pending = t.pendingCancel;
      if (pending === undefined || !isWorkingStatus(t.order.status) || t.order.id === undefined) continue;
      if (pending.sentAt === undefined) {
        await host.sendCancel(t);
      } else if (now - pending.sentAt >= this.#timing.cancelCheckMs) {
        const report = await host.venue.getOrder(t.order.id);
        if (report !== undefined) await host.applyReport(report, 'cancel check');
      }
    }
  }
}
