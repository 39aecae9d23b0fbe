// ExecutionEngine (the order manager): rounds and checks an approved request, journals the intent, sends it once
// through the venue port, and drives the order through the model's transition table from the venue's reports
// (submit answers, polling, cancels, reconciliation). Every change is written to the store with its cause before it
// is published on the bus. Time comes only from the injected clock.
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { IdGenerator } from '../core/ids.ts';
import { orderEventFields } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import { createOrder, isTerminalStatus, transition, type Order } from '../model/order.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import type { JsonValue, Store } from '../persistence/store.ts';
import { VenueOrderRejected, type VenueOrderReport, type VenuePort } from '../venues/venue-port.ts';
import { applyVenueReport, type ApplyResult, type OrderChangeEvent, type ReportStep } from './apply-report.ts';
import {
  fillToRecord,
  journalPayload,
  orderFromRecord,
  orderPatch,
  orderTerms,
  orderToIntent,
  rejectedOrder,
  venueRequest,
} from './order-records.ts';
import { OrderCanceller, type CancelFilter } from './order-canceller.ts';
import { OrderLocks } from './order-locks.ts';
import { StatusPoller } from './status-poller.ts';
import { OrderRegistry, type PendingCancel, type Tracked } from './order-registry.ts';
import { prepareOrder } from './prepare-order.ts';
import {
  SILENT_LOGGER,
  type ExecutionBus,
  type ExecutionLogger,
  type ExecutionState,
  type OrderRequest,
} from './types.ts';

export const EXECUTION_STATE_KEY = 'execution.state';

export interface ExecutionEngineOptions {
  readonly venue: VenuePort;
  readonly store: Store;
  readonly clock: Clock;
  readonly bus: ExecutionBus;
  /** Seeded in backtests, random UUIDs live. */
  readonly ids: IdGenerator;
  readonly accountNumber: string;
  readonly logger?: ExecutionLogger;
  /** Status poll period (ms); set it from the rate budget. Default 2000. */
  readonly pollIntervalMs?: number;
  /** The poll asks for orders updated since the previous poll minus this margin (ms). Default 5000. */
  readonly pollMarginMs?: number;
  /** A cancel not confirmed after this long is checked with a look-up by id (ms). Default 3000. */
  readonly cancelCheckMs?: number;
  /** In REDUCING, which requests may still go out. Default: sells (spot is long-only). */
  readonly isReducing?: (request: OrderRequest) => boolean;
  /**
   * A finished order stays in memory this long (clock ms) for late reports and look-ups, then only in the store, so
   * that a bot running for weeks does not grow without bound. Default one day.
   */
  readonly finishedRetentionMs?: number;
}

export type { PendingCancel } from './order-registry.ts';
export type { CancelFilter } from './order-canceller.ts';

export class ExecutionEngine {
  readonly #venue: VenuePort;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #bus: ExecutionBus;
  readonly #ids: IdGenerator;
  readonly #log: ExecutionLogger;
  readonly #account: string;
  readonly #isReducing: (request: OrderRequest) => boolean;
  readonly #orders: OrderRegistry;
  readonly #inFlight = new Set<string>();
  readonly #locks = new OrderLocks();
  #pairs = new Map<string, TradingPair>();
  #state: ExecutionState = 'RUNNING';
  #stateReason = 'started';
  readonly #poller: StatusPoller;
  readonly #cancels: OrderCanceller;
  #refusals = 0;

  constructor(options: ExecutionEngineOptions) {
    this.#venue = options.venue;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#ids = options.ids;
    this.#log = options.logger ?? SILENT_LOGGER;
    this.#account = options.accountNumber;
    this.#isReducing = options.isReducing ?? ((r) => r.side === 'sell');
    this.#orders = new OrderRegistry(options.finishedRetentionMs ?? 86_400_000);
    this.#cancels = new OrderCanceller({
      venue: this.#venue,
      store: this.#store,
      clock: this.#clock,
      log: this.#log,
      orders: this.#orders,
      locks: this.#locks,
      isInFlight: (cid) => this.#inFlight.has(cid),
      applyLocked: (tracked, report, cause) => this.#applyLocked(tracked, report, cause),
    });
    this.#poller = new StatusPoller(
      {
        venue: this.#venue,
        clock: this.#clock,
        log: this.#log,
        orders: this.#orders,
        isInFlight: (cid) => this.#inFlight.has(cid),
        applyReport: (report, cause) => this.applyReport(report, cause),
        sendCancel: (tracked) => this.#cancels.send(tracked),
      },
      {
        intervalMs: options.pollIntervalMs ?? 2000,
        marginMs: options.pollMarginMs ?? 5000,
        cancelCheckMs: options.cancelCheckMs ?? 3000,
      },
    );
  }

  get venue(): VenuePort {
    return this.#venue;
  }
  get store(): Store {
    return this.#store;
  }
  get clock(): Clock {
    return this.#clock;
  }
  get accountNumber(): string {
    return this.#account;
  }
  get state(): ExecutionState {
    return this.#state;
  }
  get stateReason(): string {
    return this.#stateReason;
  }
  /** Venue reports refused by the transition table or the fill rules since start. */
  get refusals(): number {
    return this.#refusals;
  }

  // ---- start-up ----

  /** Loads the persisted state, the pairs and every open order from the store. Reconciliation comes next. */
  async load(): Promise<void> {
    const saved = await this.#store.getKv(EXECUTION_STATE_KEY);
    if (saved !== null && typeof saved === 'object' && !Array.isArray(saved)) {
      const s = saved.state;
      if (s === 'RUNNING' || s === 'REDUCING' || s === 'HALTED') {
        this.#state = s;
        this.#stateReason = typeof saved.reason === 'string' ? saved.reason : 'restored';
      }
    }
    await this.reloadPairs();
    for (const record of await this.#store.listOpenOrders()) {
      if (this.#orders.has(record.clientOrderId)) continue;
      const fills = await this.#store.fillsForOrder(record.clientOrderId);
      this.#orders.add({ order: orderFromRecord(record, fills), version: record.version });
    }
    await this.#cancels.restore();
  }

  async reloadPairs(): Promise<void> {
    this.#pairs = new Map((await this.#venue.getTradingPairs()).map((p) => [p.symbol, p]));
  }

  /** Starts status polling on the clock (status-poller.ts). */
  startPolling(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
    for (const t of this.#orders.open()) if (t.timer !== undefined) this.#clock.cancel(t.timer);
  }

  /** Whether an order operation is still running (idle() would have to wait). */
  get busy(): boolean {
    return this.#locks.busy || this.#cancels.busy;
  }

  /** Resolves when every order operation started so far has finished. */
  async idle(): Promise<void> {
    while (this.busy) {
      await Promise.allSettled([...this.#locks.tails(), ...this.#cancels.inProgress()]);
    }
  }

  // ---- queries ----

  getOrder(clientOrderId: string): Order | undefined {
    return this.#orders.get(clientOrderId)?.order;
  }

  /** Orders not yet terminal (created, submitted, open, partially filled, unknown). */
  openOrders(): Order[] {
    const out: Order[] = [];
    for (const t of this.#orders.open()) out.push(t.order);
    return out;
  }

  pendingCancel(clientOrderId: string): PendingCancel | undefined {
    return this.#orders.get(clientOrderId)?.pendingCancel;
  }

  isKnown(clientOrderId: string): boolean {
    return this.#orders.has(clientOrderId);
  }

  // ---- engine state ----

  async setState(state: ExecutionState, reason: string): Promise<void> {
    const from = this.#state;
    this.#state = state;
    this.#stateReason = reason;
    const timestamp = this.#clock.now();
    await this.#store.setKv(EXECUTION_STATE_KEY, { state, reason, at: timestamp }, timestamp);
    this.#log.warn({ from, state, reason }, 'execution state changed');
    this.#bus.publish('execution.state', { type: 'ExecutionStateChanged', timestamp, from, state, reason });
  }

  halt(reason: string): Promise<void> {
    return this.setState('HALTED', reason);
  }

  // ---- submitting ----

  /**
   * Rounds, checks, journals the intent, sends once. Resolves with the order after the venue's answer: open/filled…
   * when accepted, `rejected` when refused (by our checks or the venue), `unknown` when the answer was lost.
   */
  async submit(request: OrderRequest): Promise<Order> {
    const now = this.#clock.now();
    const clientOrderId = this.#ids.next();
    if (this.#state === 'HALTED') return this.#deny(clientOrderId, request, `engine halted: ${this.#stateReason}`);
    if (this.#state === 'REDUCING' && !this.#isReducing(request)) {
      return this.#deny(clientOrderId, request, `engine reducing (${this.#stateReason}): only reducing orders`);
    }
    const prepared = prepareOrder(this.#pairs.get(request.symbol), request);
    if (!prepared.ok) return this.#deny(clientOrderId, request, prepared.reason);
    const order = createOrder({
      ...prepared.order,
      clientOrderId,
      createdAt: now,
      strategyId: request.strategyId,
      reason: request.reason,
    });
    // The intent is durable before anything is sent: after a crash, reconciliation looks it up by this id.
    const record = await this.#store.recordOrderIntent(orderToIntent(order, this.#account), {
      type: 'OrderIntent',
      cause: request.reason,
      createdAt: now,
    });
    const tracked: Tracked = {
      order,
      version: record.version,
      ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
    };
    this.#orders.add(tracked);
    this.#inFlight.add(clientOrderId);
    await this.#locks.run(clientOrderId, () => this.#send(tracked));
    if (tracked.timeoutMs !== undefined && !isTerminalStatus(tracked.order.status)) {
      const due = now + tracked.timeoutMs;
      tracked.timer = this.#clock.setTimer(due, () => {
        tracked.timer = undefined;
        this.cancel(clientOrderId, `timeout after ${tracked.timeoutMs}ms`).catch((err: unknown) =>
          this.#log.error({ clientOrderId, err: errorMessage(err) }, 'timeout cancel failed'),
        );
      });
    }
    // A cancel asked for while the submit was in flight goes out now that the answer is in.
    if (tracked.pendingCancel !== undefined && tracked.pendingCancel.sentAt === undefined) {
      await this.#cancels.send(tracked);
    }
    return tracked.order;
  }

  async #send(tracked: Tracked): Promise<void> {
    const order = tracked.order;
    const cid = order.clientOrderId;
    let report: VenueOrderReport | undefined;
    let failure: unknown;
    try {
      report = await this.#venue.submitOrder(venueRequest(order));
    } catch (err) {
      failure = err;
    } finally {
      this.#inFlight.delete(cid);
    }
    if (report !== undefined) {
      await this.#applyLocked(tracked, report, 'submit response');
      return;
    }
    const at = this.#clock.now();
    const reason = errorMessage(failure);
    if (failure instanceof VenueOrderRejected) {
      const to = failure.notSent ? 'failed' : 'rejected';
      const next = transition(order, to, { at, reason });
      const base = orderEventFields(next, at);
      const event: OrderChangeEvent =
        to === 'failed' ? { type: 'OrderFailed', ...base, reason } : { type: 'OrderRejected', ...base, reason };
      await this.#commit(tracked, [{ event }], reason);
      return;
    }
    // Unknown outcome: it may exist at the venue. Never re-send; reconciliation looks it up by clientOrderId.
    const submitted = transition(order, 'submitted', { at, reason: 'sent' });
    const unknown = transition(submitted, 'unknown', { at, reason });
    await this.#commit(
      tracked,
      [
        { event: { type: 'OrderSubmitted', ...orderEventFields(submitted, at) } },
        { event: { type: 'OrderUnknown', ...orderEventFields(unknown, at), reason } },
      ],
      reason,
    );
  }

  async #deny(clientOrderId: string, request: OrderRequest, reason: string): Promise<Order> {
    const now = this.#clock.now();
    const order = rejectedOrder(clientOrderId, request, reason, now);
    // Journaled so that every decision leaves a trace; nothing was sent.
    await this.#store.recordOrderIntent(
      { ...orderToIntent({ ...order, status: 'created' }, this.#account), status: 'rejected' },
      { type: 'OrderRejected', cause: reason, createdAt: now },
    );
    this.#log.warn({ clientOrderId, symbol: request.symbol, reason }, 'order rejected before sending');
    this.#bus.publish('order', { type: 'OrderRejected', ...orderEventFields(order, now), reason });
    return order;
  }

  // ---- cancels (order-canceller.ts) ----

  /**
   * Requests a cancel. Robinhood cancels asynchronously: the order stays working (and may still fill) until the
   * venue reports it canceled; the pending cancel is tracked until then. Resolves false when there is nothing to cancel.
   */
  cancel(clientOrderId: string, reason = 'requested'): Promise<boolean> {
    return this.#cancels.cancel(clientOrderId, reason);
  }

  /** Cancels every working order of a strategy and/or symbol; resolves with how many cancels were requested. */
  cancelAll(filter: CancelFilter = {}): Promise<number> {
    return this.#cancels.cancelAll(filter);
  }

  // ---- polling ----

  /** One status poll: a single orders-list request for everything updated since the last poll, plus look-ups by id. */
  pollOnce(): Promise<void> {
    return this.#poller.pollOnce();
  }

  // ---- applying venue truth (polls, reconciliation) ----

  /** Applies a venue report to the local order it belongs to; undefined when the order is not ours. */
  async applyReport(report: VenueOrderReport, cause: string): Promise<ApplyResult | undefined> {
    const tracked = this.#orders.find(report);
    if (tracked === undefined) return undefined;
    return this.#locks.run(tracked.order.clientOrderId, () => this.#applyLocked(tracked, report, cause));
  }

  /** Marks a created/unknown intent failed (reconciliation: not found at the venue after the settle window). */
  async markFailed(clientOrderId: string, reason: string): Promise<void> {
    const tracked = this.#orders.get(clientOrderId);
    if (tracked === undefined) return;
    await this.#locks.run(clientOrderId, async () => {
      const at = this.#clock.now();
      const next = transition(tracked.order, 'failed', { at, reason });
      await this.#commit(tracked, [{ event: { type: 'OrderFailed', ...orderEventFields(next, at), reason } }], reason);
    });
  }

  /** Takes over an order the bot did not place (reconciliation, when configured to adopt). */
  async adoptExternal(report: VenueOrderReport, strategyId = 'external'): Promise<Order> {
    const existing = this.#orders.find(report);
    if (existing !== undefined) return existing.order;
    const at = this.#clock.now();
    const order = createOrder({
      clientOrderId: report.clientOrderId,
      symbol: report.symbol,
      side: report.side,
      type: report.type,
      ...orderTerms(report),
      ...(report.quantity === undefined && report.quoteAmount === undefined && { quantity: report.filledQuantity }),
      createdAt: report.createdAt,
      strategyId,
      reason: 'adopted external order',
    });
    const record = await this.#store.recordOrderIntent(orderToIntent(order, this.#account), {
      type: 'OrderAdopted',
      cause: `external order ${report.venueOrderId} adopted by reconciliation`,
      createdAt: at,
    });
    const tracked: Tracked = { order, version: record.version };
    this.#orders.add(tracked);
    await this.applyReport(report, 'adopted');
    return tracked.order;
  }

  async #applyLocked(tracked: Tracked, report: VenueOrderReport, cause: string): Promise<ApplyResult> {
    const pending = tracked.pendingCancel;
    const fullCause = pending === undefined ? cause : `${cause}; cancel requested (${pending.reason})`;
    const result = applyVenueReport(tracked.order, report, {
      at: this.#clock.now(),
      cause: fullCause,
      ...(tracked.lastVenueUpdate !== undefined && { lastVenueUpdate: tracked.lastVenueUpdate }),
    });
    const cid = tracked.order.clientOrderId;
    for (const r of [...result.refused, ...result.ignored]) {
      this.#refusals++;
      this.#log.warn({ clientOrderId: cid, cause }, r);
    }
    for (const p of result.problems) this.#log.warn({ clientOrderId: cid, cause }, p);
    if (result.steps.length > 0) await this.#commit(tracked, result.steps, fullCause);
    tracked.lastVenueUpdate = Math.max(tracked.lastVenueUpdate ?? 0, report.updatedAt);
    return result;
  }

  /** Writes the steps (fills and order changes, with the journal) in one transaction, then publishes them. */
  async #commit(tracked: Tracked, steps: readonly ReportStep[], cause: string): Promise<void> {
    const cid = tracked.order.clientOrderId;
    const at = this.#clock.now();
    let version = tracked.version;
    let recorded: Set<string>;
    try {
      recorded = await this.#store.transaction(async (tx) => {
        const fresh = new Set<string>();
        for (const step of steps) {
          if (step.fill !== undefined && (await tx.recordFill(fillToRecord(step.fill)))) fresh.add(step.fill.id);
          const order = step.event.order;
          const payload: JsonValue = journalPayload(order, step.fill);
          const submittedAt = step.event.type === 'OrderSubmitted' ? at : undefined;
          const rec = await tx.updateOrder(
            cid,
            orderPatch(order, submittedAt),
            { type: step.event.type, cause, payload, createdAt: at },
            version,
          );
          version = rec.version;
        }
        return fresh;
      });
    } catch (err) {
      // The books and the store may now disagree: stop opening risk rather than guess.
      this.#log.error({ clientOrderId: cid, err: errorMessage(err) }, 'persisting an order change failed');
      await this.halt(`persisting order ${cid} failed: ${errorMessage(err)}`).catch(() => undefined);
      throw err;
    }
    tracked.version = version;
    const last = steps[steps.length - 1]!.event.order;
    tracked.order = last;
    this.#orders.changed(tracked, at);
    if (isTerminalStatus(last.status)) {
      if (tracked.timer !== undefined) this.#clock.cancel(tracked.timer);
      delete tracked.timer;
      if (tracked.pendingCancel !== undefined) await this.#cancels.forget(tracked);
    }
    for (const step of steps) {
      this.#bus.publish('order', step.event);
      if (step.fill !== undefined && recorded.has(step.fill.id)) this.#publishFill(step.fill, last, at);
    }
  }

  #publishFill(fill: Fill, order: Order, at: number): void {
    this.#bus.publish('fill', {
      type: 'FillReceived',
      timestamp: at,
      fill,
      ...(order.strategyId !== undefined && { strategyId: order.strategyId }),
    });
  }
}
