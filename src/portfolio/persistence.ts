// Saving and restoring the portfolio through the Store port. The exact ledger (cash, cost bases, applied fill ids,
// reservations, high-water marks) goes to one key-value entry, validated by zod when read back; the positions table
// and the equity table are written too, for readers (dashboard, SQL) and for the equity history.
import { z } from 'zod';
import { dec, divide, toNumber, toPlain, tryDec, ZERO } from '../core/decimal.ts';
import { errorMessage, PersistenceError } from '../core/errors.ts';
import type { Position } from '../model/position.ts';
import type { EquityPoint, PositionRecord, Store } from '../persistence/store.ts';
import type { EquityCurve, EquitySample } from './equity-curve.ts';
import type { PortfolioInternals } from './portfolio.ts';
import type { PositionBook } from './position-book.ts';

/** strategy_id of the account-wide rows in the positions table. */
export const ACCOUNT_POSITIONS_ID = '*';

export function ledgerKey(accountId: string): string {
  return `portfolio:${accountId}`;
}

const DecimalText = z.string().refine((s) => tryDec(s) !== undefined, { message: 'not a decimal' });

const PositionStateSchema = z.object({
  symbol: z.string().min(1),
  quantity: DecimalText,
  costBasis: DecimalText,
  realizedPnl: DecimalText,
  fees: DecimalText,
  openedAt: z.number().int().optional(),
  updatedAt: z.number().int().optional(),
});

const BookStateSchema = z.object({
  /** null for the account. */
  strategyId: z.string().min(1).nullable(),
  cashFlow: DecimalText,
  positions: z.array(PositionStateSchema),
});

const CurveStateSchema = z.object({
  strategyId: z.string().min(1).nullable(),
  /** null before the first point. */
  highWaterMark: z.number().nullable(),
  maxDrawdown: z.number().min(0),
  lastSampleAt: z.number().optional(),
});

export const LedgerStateSchema = z.object({
  version: z.literal(1),
  accountId: z.string().min(1),
  currency: z.string().min(1),
  cash: DecimalText,
  appliedFillIds: z.array(z.string()),
  reservations: z.array(z.object({ clientOrderId: z.string(), amount: DecimalText })),
  books: z.array(BookStateSchema),
  marks: z.array(
    z.object({
      symbol: z.string(),
      price: z.number().positive(),
      exact: DecimalText.optional(),
      timestamp: z.number(),
    }),
  ),
  curves: z.array(CurveStateSchema),
  lastBucket: z.number().int().optional(),
  savedAt: z.number().int(),
});

export type LedgerState = z.infer<typeof LedgerStateSchema>;

export interface LoadResult {
  readonly loaded: boolean;
  readonly savedAt?: number;
}

export function exportLedger(p: PortfolioInternals, savedAt: number): LedgerState {
  const bookState = (strategyId: string | null, book: PositionBook): LedgerState['books'][number] => ({
    strategyId,
    cashFlow: toPlain(book.cashFlow),
    positions: book.positions().map((pos) => ({
      symbol: pos.symbol,
      quantity: toPlain(pos.quantity),
      costBasis: toPlain(pos.costBasis),
      realizedPnl: toPlain(pos.realizedPnl),
      fees: toPlain(pos.fees),
      ...(pos.openedAt !== undefined && { openedAt: pos.openedAt }),
      ...(pos.updatedAt !== undefined && { updatedAt: pos.updatedAt }),
    })),
  });
  const curveState = (strategyId: string | null, curve: EquityCurve): LedgerState['curves'][number] => {
    const s = curve.state();
    return {
      strategyId,
      highWaterMark: Number.isFinite(s.highWaterMark) ? s.highWaterMark : null,
      maxDrawdown: s.maxDrawdown,
      ...(s.lastSampleAt !== undefined && { lastSampleAt: s.lastSampleAt }),
    };
  };
  const lastBucket = p.getLastBucket();
  return {
    version: 1,
    accountId: p.config.accountId,
    currency: p.config.currency,
    cash: toPlain(p.getCash()),
    appliedFillIds: [...p.applied],
    reservations: [...p.reservations.entries()].map(([clientOrderId, amount]) => ({
      clientOrderId,
      amount: toPlain(amount),
    })),
    books: [bookState(null, p.account), ...[...p.strategies].map(([id, book]) => bookState(id, book))],
    marks: [...p.marks].map(([symbol, m]) => ({
      symbol,
      price: m.price,
      ...(m.exact !== undefined && { exact: toPlain(m.exact) }),
      timestamp: m.timestamp,
    })),
    curves: [curveState(null, p.accountCurve), ...[...p.strategyCurves].map(([id, curve]) => curveState(id, curve))],
    ...(lastBucket !== undefined && { lastBucket }),
    savedAt,
  };
}

export async function savePortfolio(p: PortfolioInternals, store: Store, now: number): Promise<void> {
  const ledger = exportLedger(p, now);
  const accountPoints = p.accountCurve.takeUnsaved();
  const strategyPoints = [...p.strategyCurves].map(([id, curve]) => [id, curve.takeUnsaved()] as const);
  try {
    await store.transaction(async (tx) => {
      await tx.setKv(ledgerKey(p.config.accountId), ledger, now);
      for (const pos of p.account.positions()) await tx.upsertPosition(positionRecord(ACCOUNT_POSITIONS_ID, pos, now));
      for (const [id, book] of p.strategies) {
        for (const pos of book.positions()) await tx.upsertPosition(positionRecord(id, pos, now));
      }
      for (const s of accountPoints) await tx.appendEquity(equityPoint('account', p.config.accountId, s));
      for (const [id, points] of strategyPoints) {
        for (const s of points) await tx.appendEquity(equityPoint('strategy', id, s));
      }
    });
  } catch (err) {
    // Nothing was written: keep the points for the next save.
    p.accountCurve.returnUnsaved(accountPoints);
    for (const [id, points] of strategyPoints) p.strategyCurve(id).returnUnsaved(points);
    throw err;
  }
}

export async function loadPortfolio(p: PortfolioInternals, store: Store): Promise<LoadResult> {
  const key = ledgerKey(p.config.accountId);
  const raw = await store.getKv(key);
  if (raw === undefined) return { loaded: false };
  const parsed = LedgerStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PersistenceError(`saved portfolio ledger ${key} is invalid: ${z.prettifyError(parsed.error)}`, {
      key,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const ledger = parsed.data;
  if (ledger.currency !== p.config.currency) {
    throw new PersistenceError(
      `saved portfolio ${ledger.accountId} is in ${ledger.currency}, the config says ${p.config.currency}`,
      { key, saved: ledger.currency, configured: p.config.currency },
    );
  }

  const histories = new Map<string | null, EquitySample[]>();
  try {
    for (const c of ledger.curves) {
      const range =
        c.strategyId === null
          ? { scope: 'account' as const, scopeId: ledger.accountId }
          : { scope: 'strategy' as const, scopeId: c.strategyId };
      const points = await store.equityHistory({ ...range, limit: p.config.maxHistoryPoints });
      histories.set(c.strategyId, points.map(toSample));
    }
  } catch (err) {
    throw new PersistenceError(`cannot read the equity history: ${errorMessage(err)}`, { key }, { cause: err });
  }

  // Everything is read and valid: replace the in-memory state.
  p.setCash(dec(ledger.cash));
  p.applied.clear();
  for (const id of ledger.appliedFillIds) p.applied.add(id);
  p.reservations.clear();
  for (const r of ledger.reservations) p.reservations.reserve(r.clientOrderId, r.amount);
  p.account.clear();
  p.strategies.clear();
  for (const b of ledger.books) {
    const book = b.strategyId === null ? p.account : p.book(b.strategyId);
    book.restoreCashFlow(dec(b.cashFlow));
    for (const s of b.positions) book.set(toPosition(s, b.strategyId));
  }
  p.marks.clear();
  for (const m of ledger.marks) {
    p.marks.set(m.symbol, {
      price: m.price,
      ...(m.exact !== undefined && { exact: dec(m.exact) }),
      timestamp: m.timestamp,
    });
  }
  p.strategyCurves.clear();
  for (const c of ledger.curves) {
    const curve = c.strategyId === null ? p.accountCurve : p.strategyCurve(c.strategyId);
    curve.restore(
      {
        highWaterMark: c.highWaterMark ?? Number.NEGATIVE_INFINITY,
        maxDrawdown: c.maxDrawdown,
        ...(c.lastSampleAt !== undefined && { lastSampleAt: c.lastSampleAt }),
      },
      histories.get(c.strategyId) ?? [],
    );
  }
  p.setLastBucket(ledger.lastBucket);
  return { loaded: true, savedAt: ledger.savedAt };
}

function toPosition(s: z.infer<typeof PositionStateSchema>, strategyId: string | null): Position {
  const quantity = dec(s.quantity);
  const costBasis = dec(s.costBasis);
  return {
    symbol: s.symbol,
    ...(strategyId !== null && { strategyId }),
    quantity,
    costBasis,
    averageEntryPrice: quantity.eq(ZERO) ? ZERO : divide(costBasis, quantity),
    realizedPnl: dec(s.realizedPnl),
    fees: dec(s.fees),
    ...(s.openedAt !== undefined && { openedAt: s.openedAt }),
    ...(s.updatedAt !== undefined && { updatedAt: s.updatedAt }),
  };
}

function positionRecord(strategyId: string, pos: Position, now: number): PositionRecord {
  return {
    strategyId,
    symbol: pos.symbol,
    quantity: pos.quantity,
    averageEntryPrice: pos.averageEntryPrice,
    realizedPnl: pos.realizedPnl,
    fees: pos.fees,
    updatedAt: pos.updatedAt ?? now,
  };
}

function equityPoint(scope: 'account' | 'strategy', scopeId: string, s: EquitySample): EquityPoint {
  const positionsValue = dec(s.positionsValue);
  return {
    timestamp: s.timestamp,
    scope,
    scopeId,
    // The exact sum of the parts recorded, so that equity = cash + positions value holds in the table too.
    equity: s.cash.plus(positionsValue),
    cash: s.cash,
    positionsValue,
    drawdown: s.drawdown,
  };
}

function toSample(point: EquityPoint): EquitySample {
  return {
    timestamp: point.timestamp,
    equity: toNumber(point.equity),
    cash: point.cash,
    positionsValue: toNumber(point.positionsValue),
    drawdown: point.drawdown,
  };
}
