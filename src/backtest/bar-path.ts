// The intra-bar price path a bar-data backtest replays to the matching engine: open, the two extremes in the order
// the bar most likely took them, then the close — plus a tick at every resting order's trigger price crossed on the
// way, so that a limit fills at its limit (not at the bar's extreme) and a stop triggers at its stop. Pure.
import type { Bar } from '../model/market.ts';

/** A point of the path: its time inside the bar and the mid price there. */
export interface PathPoint {
  readonly timestamp: number;
  readonly price: number;
  /** Set for an inserted trigger tick: the quote is built so that this side touches `price` exactly. */
  readonly touch?: 'bid' | 'ask' | 'mid';
  /** Set by the engine: the bar's symbol, and whether it had orders when the path was built. */
  readonly symbol?: string;
  readonly withOrders?: boolean;
}

/** A resting order's price the path must stop at when it crosses it. */
export interface TriggerPrice {
  readonly price: number;
  /** 'ask' for a buy limit (fills when the ask reaches it), 'bid' for a sell limit, 'mid' for a stop. */
  readonly touch: 'bid' | 'ask' | 'mid';
}

/**
 * The path's corners: O→L→H→C when the bar closed up (it dipped first), O→H→L→C when it closed down. The open is at
 * the bar's open time + 1 ms (an order sent at the previous close, with no latency, arrives just before it); the
 * corners follow at a third and two thirds of the bar; the close 1 ms before the bar ends.
 */
export function barCorners(bar: Bar): PathPoint[] {
  const up = bar.close >= bar.open;
  const t = bar.timestamp;
  const len = Math.max(4, bar.intervalMs);
  return [
    { timestamp: t + 1, price: bar.open },
    { timestamp: t + Math.floor(len / 3), price: up ? bar.low : bar.high },
    { timestamp: t + Math.floor((2 * len) / 3), price: up ? bar.high : bar.low },
    { timestamp: t + len - 1, price: bar.close },
  ];
}

/**
 * The full path: the corners with a tick inserted at every trigger strictly between two consecutive corners, in the
 * direction of travel, at a time interpolated linearly between them; and a tick at every time in `readyAt` (when an
 * order becomes fillable: sent + latency) strictly between two corners, at the price interpolated linearly there. An
 * order that arrives a millisecond after the open fills near the open, not at the next extreme of the bar.
 */
export function barPath(bar: Bar, triggers: readonly TriggerPrice[], readyAt: readonly number[] = []): PathPoint[] {
  const corners = barCorners(bar);
  if (triggers.length === 0 && readyAt.length === 0) return corners;
  const ready = new Set(readyAt); // orders placed at one instant are ready at one instant
  const out: PathPoint[] = [corners[0] as PathPoint];
  for (let i = 1; i < corners.length; i++) {
    const a = corners[i - 1] as PathPoint;
    const b = corners[i] as PathPoint;
    const lo = Math.min(a.price, b.price);
    const hi = Math.max(a.price, b.price);
    const inside = triggers.filter((tr) => tr.price > lo && tr.price < hi);
    inside.sort((x, y) => (b.price >= a.price ? x.price - y.price : y.price - x.price));
    const points: PathPoint[] = [];
    for (const tr of inside) {
      const share = (tr.price - a.price) / (b.price - a.price);
      points.push({
        timestamp: a.timestamp + Math.floor((b.timestamp - a.timestamp) * share),
        price: tr.price,
        touch: tr.touch,
      });
    }
    for (const at of ready) {
      if (at <= a.timestamp || at >= b.timestamp) continue;
      const share = (at - a.timestamp) / (b.timestamp - a.timestamp);
      points.push({ timestamp: at, price: a.price + (b.price - a.price) * share });
    }
    // Stable: triggers at one instant keep their order of travel.
    if (ready.size > 0) points.sort((x, y) => x.timestamp - y.timestamp);
    out.push(...points, b);
  }
  return out;
}
