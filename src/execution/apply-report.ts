// Applies a venue report to a local order through the model's transition table. Pure: returns the new order, the
// events in the order they happened, the fills that were new, and what was refused. Duplicate fills are skipped,
// stale and illegal status changes are refused (never applied), so the same report can be applied any number of times.
import { toPlain } from '../core/decimal.ts';
import { errorMessage } from '../core/errors.ts';
import { orderEventFields, type OrderDenied, type OrderEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import {
  applyFill,
  canTransition,
  hasFill,
  isWorkingStatus,
  transition,
  withVenueOrderId,
  type Order,
  type OrderStatus,
} from '../model/order.ts';
import type { VenueOrderReport } from '../venues/venue-port.ts';

/** Order events that carry the order (all but OrderDenied). */
export type OrderChangeEvent = Exclude<OrderEvent, OrderDenied>;

export interface ReportStep {
  readonly event: OrderChangeEvent;
  /** The fill recorded with this step, if any. */
  readonly fill?: Fill;
}

export interface ApplyResult {
  readonly order: Order;
  readonly steps: readonly ReportStep[];
  readonly newFills: readonly Fill[];
  /** Changes the venue reported that the transition table (or the fill rules) refused. */
  readonly refused: readonly string[];
  /** Facts that do not add up (filled without all executions): the reconciler halts on them. */
  readonly problems: readonly string[];
  /** Status reports older than one already applied: old news, not a discrepancy (a poll may overtake a reconciliation). */
  readonly ignored: readonly string[];
}

export interface ApplyContext {
  /** Clock time (ms) for the events. */
  readonly at: number;
  /** Why: 'poll', 'submit response', 'reconciliation', ... */
  readonly cause: string;
  /** `updatedAt` of the last report applied to this order: an older report is stale for its status. */
  readonly lastVenueUpdate?: number;
}

function statusEvent(order: Order, to: OrderStatus, at: number, reason: string): OrderChangeEvent {
  const base = orderEventFields(order, at);
  switch (to) {
    case 'open':
      return order.id === undefined
        ? { type: 'OrderUpdated', ...base, reason }
        : { type: 'OrderAccepted', ...base, orderId: order.id };
    case 'filled':
      return { type: 'OrderFilled', ...base };
    case 'canceled':
      return { type: 'OrderCanceled', ...base, reason };
    case 'failed':
      return { type: 'OrderFailed', ...base, reason };
    case 'rejected':
      return { type: 'OrderRejected', ...base, reason };
    case 'unknown':
      return { type: 'OrderUnknown', ...base, reason };
    case 'submitted':
      return { type: 'OrderSubmitted', ...base };
    default:
      return { type: 'OrderUpdated', ...base, reason };
  }
}

/** Status reports that say nothing new: v2's `open` covers partially filled orders; `pending` after `open`. */
function isNoOp(current: OrderStatus, target: OrderStatus): boolean {
  if (current === target) return true;
  if (target === 'open' && current === 'partially_filled') return true;
  if (target === 'submitted' && (current === 'open' || current === 'partially_filled')) return true;
  return false;
}

export function applyVenueReport(order: Order, report: VenueOrderReport, context: ApplyContext): ApplyResult {
  const { at, cause } = context;
  const steps: ReportStep[] = [];
  const newFills: Fill[] = [];
  const refused: string[] = [];
  const problems: string[] = [];
  const ignored: string[] = [];
  let o = order;
  const venueAt = report.updatedAt > 0 ? report.updatedAt : at;
  const reason = `${cause}: venue state ${report.venueState}`;

  if (o.id !== report.venueOrderId) {
    try {
      o = withVenueOrderId(o, report.venueOrderId);
    } catch (err) {
      return { order, steps, newFills, refused: [errorMessage(err)], problems, ignored };
    }
    if (o.status !== 'created') steps.push({ event: { type: 'OrderUpdated', ...orderEventFields(o, at), reason } });
  }
  if (o.status === 'created') {
    o = transition(o, 'submitted', { at: venueAt, reason });
    steps.push({ event: statusEvent(o, 'submitted', at, reason) });
  }

  const fills = [...report.executions].sort((a, b) => a.timestamp - b.timestamp);
  for (const fill of fills) {
    if (hasFill(o, fill.id)) continue;
    const before = o.status;
    try {
      o = applyFill(o, fill);
    } catch (err) {
      refused.push(errorMessage(err));
      continue;
    }
    newFills.push(fill);
    const base = orderEventFields(o, at);
    if (o.status === 'filled' && before !== 'filled')
      steps.push({ event: { type: 'OrderFilled', ...base, fill }, fill });
    else if (isWorkingStatus(before)) steps.push({ event: { type: 'OrderPartiallyFilled', ...base, fill }, fill });
    else steps.push({ event: { type: 'OrderUpdated', ...base, reason: `late fill ${fill.id} after ${before}` }, fill });
  }

  const target = report.status;
  const stale = context.lastVenueUpdate !== undefined && report.updatedAt < context.lastVenueUpdate;
  if (!isNoOp(o.status, target)) {
    if (stale) {
      ignored.push(`stale report (${report.venueState} updated ${report.updatedAt}) ignored for status ${o.status}`);
    } else if (canTransition(o.status, target)) {
      o = transition(o, target, { at: venueAt, reason });
      steps.push({ event: statusEvent(o, target, at, reason) });
    } else {
      refused.push(
        `order ${o.clientOrderId}: illegal transition ${o.status} → ${target} reported by the venue (${report.venueState}), refused`,
      );
    }
  }
  if (o.status === 'filled' && o.quantity !== undefined && o.filledQuantity.lt(o.quantity)) {
    problems.push(
      `order ${o.clientOrderId} is filled at the venue but its executions add up to ${toPlain(o.filledQuantity)} of ${toPlain(o.quantity)}`,
    );
  }
  if (!report.filledQuantity.eq(o.filledQuantity) && !stale) {
    problems.push(
      `order ${o.clientOrderId}: venue filled quantity ${toPlain(report.filledQuantity)} differs from the sum of its fills ${toPlain(o.filledQuantity)}`,
    );
  }
  return { order: o, steps, newFills, refused, problems, ignored };
}
