// A plain view of the portfolio for the dashboard, the CLI and logs. Decimals serialize as exact strings (big.js
// toJSON), floats as numbers, so `JSON.stringify(snapshot)` is the wire format.
import { netRealizedPnl, type Position } from '../model/position.ts';
import { toNumber, ZERO, type Decimal } from '../core/decimal.ts';
import type { EquityCurve } from './equity-curve.ts';
import type { Exposure } from './exposure.ts';
import type { Portfolio, Valuation } from './portfolio.ts';

export interface PositionView {
  readonly symbol: string;
  readonly strategyId?: string;
  readonly quantity: Decimal;
  readonly averageEntryPrice: Decimal;
  readonly costBasis: Decimal;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  readonly netRealizedPnl: Decimal;
  readonly mark?: number;
  readonly marketValue: number;
  readonly unrealizedPnl: number;
  readonly openedAt?: number;
  readonly updatedAt?: number;
}

export interface ScopeView extends Valuation {
  readonly netRealizedPnl: Decimal;
  readonly highWaterMark?: number;
  readonly drawdown: number;
  readonly maxDrawdown: number;
  /** Open positions only. */
  readonly positions: readonly PositionView[];
}

export interface PortfolioSnapshot {
  readonly accountId: string;
  readonly currency: string;
  readonly timestamp: number;
  readonly reserved: Decimal;
  readonly buyingPower: Decimal;
  readonly account: ScopeView;
  readonly exposure: Exposure;
  readonly strategies: readonly ScopeView[];
}

export function buildSnapshot(
  portfolio: Portfolio,
  accountCurve: EquityCurve,
  strategyCurves: ReadonlyMap<string, EquityCurve>,
): PortfolioSnapshot {
  const scope = (strategyId: string | undefined, curve: EquityCurve | undefined): ScopeView => {
    const v = portfolio.valuation(strategyId);
    const hwm = curve?.highWaterMark;
    return {
      ...v,
      realizedPnl: shown(v.realizedPnl),
      netRealizedPnl: shown(v.realizedPnl.minus(v.fees)),
      ...(hwm !== undefined && { highWaterMark: hwm }),
      drawdown: curve?.currentDrawdown(v.equity) ?? 0,
      maxDrawdown: curve?.maxDrawdown ?? 0,
      positions: portfolio
        .positions(strategyId)
        .filter((p) => !p.quantity.eq(ZERO))
        .map((p) => positionView(p, portfolio.markOf(p.symbol)?.price)),
    };
  };
  const account = scope(undefined, accountCurve);
  return {
    accountId: portfolio.config.accountId,
    currency: portfolio.config.currency,
    timestamp: account.timestamp,
    reserved: portfolio.reserved,
    buyingPower: portfolio.buyingPower,
    account,
    exposure: portfolio.exposure(),
    strategies: portfolio.strategyIds().map((id) => scope(id, strategyCurves.get(id))),
  };
}

/**
 * A value for display, rounded half-even at 10 places: a partial close at a non-terminating average cost leaves a
 * 40-place remainder in the books (kept exact there), which no one wants to read. Quantities (8 places) times prices
 * (up to 2) are exact at 10.
 */
function shown(value: Decimal): Decimal {
  return value.round(SHOWN_PLACES, 2);
}
const SHOWN_PLACES = 10;

function positionView(p: Position, mark: number | undefined): PositionView {
  const quantity = toNumber(p.quantity);
  const cost = toNumber(p.costBasis);
  const marketValue = mark === undefined ? cost : quantity * mark;
  return {
    symbol: p.symbol,
    ...(p.strategyId !== undefined && { strategyId: p.strategyId }),
    quantity: p.quantity,
    averageEntryPrice: shown(p.averageEntryPrice),
    costBasis: shown(p.costBasis),
    realizedPnl: shown(p.realizedPnl),
    fees: p.fees,
    netRealizedPnl: shown(netRealizedPnl(p)),
    ...(mark !== undefined && { mark }),
    marketValue,
    unrealizedPnl: marketValue - cost,
    ...(p.openedAt !== undefined && { openedAt: p.openedAt }),
    ...(p.updatedAt !== undefined && { updatedAt: p.updatedAt }),
  };
}
