// A position in one symbol (optionally per strategy) and the average-cost accounting of fills into it.
import { type Decimal, divide, toPlain, ZERO } from '../core/decimal.ts';
import { ValidationError } from '../core/errors.ts';
import { signedFillQuantity, type Fill } from './fill.ts';

export interface Position {
  readonly symbol: string;
  readonly strategyId?: string;
  /** Signed: > 0 long, < 0 short, 0 flat. */
  readonly quantity: Decimal;
  /** Average cost of the open quantity (always ≥ 0; 0 when flat). */
  readonly averageEntryPrice: Decimal;
  /**
   * Cost of the open quantity, signed like it (quantity × averageEntryPrice). Kept as the source of truth so that the
   * books balance exactly: realized PnL − cost basis always equals the cash paid and received for the fills.
   */
  readonly costBasis: Decimal;
  /** Gross realized PnL, before fees. */
  readonly realizedPnl: Decimal;
  /** Σ fees of the fills applied (quote currency). */
  readonly fees: Decimal;
  /** When the current (non-flat) position was opened. */
  readonly openedAt?: number;
  readonly updatedAt?: number;
}

export function emptyPosition(symbol: string, strategyId?: string): Position {
  return {
    symbol,
    ...(strategyId !== undefined && { strategyId }),
    quantity: ZERO,
    averageEntryPrice: ZERO,
    costBasis: ZERO,
    realizedPnl: ZERO,
    fees: ZERO,
  };
}

export function isFlat(position: Position): boolean {
  return position.quantity.eq(ZERO);
}

/** Realized PnL after fees. */
export function netRealizedPnl(position: Position): Decimal {
  return position.realizedPnl.minus(position.fees);
}

/** Unrealized PnL at `markPrice`: quantity × mark − cost basis (exact; valuations on the hot path may use floats). */
export function unrealizedPnl(position: Position, markPrice: Decimal): Decimal {
  return position.quantity.times(markPrice).minus(position.costBasis);
}

/**
 * Applies a fill with average-cost accounting, and returns the new position (the old one is unchanged):
 * - increasing (or opening) adds quantity × price to the cost; the average is cost / quantity;
 * - reducing realizes (price − average) × closed quantity for a long, (average − price) × closed for a short;
 * - a fill larger than the position closes it and opens the remainder the other way at the fill price;
 * - fees accumulate in `fees`, never in the cost or the average.
 * All sums are exact. The one division, the cost removed by a partial close (cost × closed / quantity), is exact
 * whenever the average is a terminating decimal and is otherwise rounded at 40 places; the remaining cost keeps
 * the difference, so a full close still realizes the exact total and the books balance.
 * Fees are assumed to be in the quote currency (Robinhood charges USD).
 */
export function applyFillToPosition(position: Position, fill: Fill): Position {
  if (fill.symbol !== position.symbol) {
    throw new ValidationError(`fill ${fill.id} is for ${fill.symbol}, the position for ${position.symbol}`, {
      fillId: fill.id,
      fillSymbol: fill.symbol,
      positionSymbol: position.symbol,
    });
  }
  const q = position.quantity;
  const s = signedFillQuantity(fill);
  const p = fill.price;
  let quantity: Decimal;
  let costBasis: Decimal;
  let realizedPnl = position.realizedPnl;
  let openedAt = position.openedAt;

  if (q.eq(ZERO) || q.s === s.s) {
    // opening or increasing
    quantity = q.plus(s);
    costBasis = position.costBasis.plus(s.times(p));
    if (q.eq(ZERO)) openedAt = fill.timestamp;
  } else {
    const size = q.abs();
    const closed = s.abs().lt(size) ? s.abs() : size;
    const closedSigned = q.s > 0 ? closed : closed.neg(); // the part of the position closed, signed like it
    const costRemoved = closed.eq(size) ? position.costBasis : divide(position.costBasis.times(closed), size);
    realizedPnl = realizedPnl.plus(closedSigned.times(p)).minus(costRemoved);
    quantity = q.plus(s);
    costBasis = position.costBasis.minus(costRemoved);
    if (quantity.eq(ZERO)) {
      openedAt = undefined;
    } else if (quantity.s !== q.s) {
      // flipped through zero: the remainder opens a new position at the fill price
      costBasis = quantity.times(p);
      openedAt = fill.timestamp;
    }
  }

  // Built field by field: an object rest/spread here is a slow path, and this runs twice per fill.
  const next: { -readonly [K in keyof Position]: Position[K] } = {
    symbol: position.symbol,
    quantity,
    averageEntryPrice: quantity.eq(ZERO) ? ZERO : divide(costBasis, quantity),
    costBasis,
    realizedPnl,
    fees: position.fees.plus(fill.fee),
    updatedAt: fill.timestamp,
  };
  if (position.strategyId !== undefined) next.strategyId = position.strategyId;
  if (openedAt !== undefined) next.openedAt = openedAt;
  return next;
}

export type PositionChangeKind = 'opened' | 'increased' | 'reduced' | 'closed' | 'flipped' | 'unchanged';

/** How a fill changed a position: drives PositionOpened / PositionChanged / PositionClosed events. */
export function positionChangeKind(before: Position, after: Position): PositionChangeKind {
  const a = before.quantity;
  const b = after.quantity;
  if (a.eq(b)) return 'unchanged';
  if (a.eq(ZERO)) return 'opened';
  if (b.eq(ZERO)) return 'closed';
  if (a.s !== b.s) return 'flipped';
  return b.abs().gt(a.abs()) ? 'increased' : 'reduced';
}

/** One-line description for logs: "BTC-USD long 0.5 @ 64000 (realized 12.5, fees 0.3)". */
export function describePosition(position: Position): string {
  const side = position.quantity.gt(ZERO) ? 'long' : position.quantity.lt(ZERO) ? 'short' : 'flat';
  const size = side === 'flat' ? '' : ` ${toPlain(position.quantity.abs())} @ ${toPlain(position.averageEntryPrice)}`;
  return `${position.symbol} ${side}${size} (realized ${toPlain(position.realizedPnl)}, fees ${toPlain(position.fees)})`;
}
