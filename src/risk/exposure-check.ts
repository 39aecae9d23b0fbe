// The position, portfolio and market layers of the gate for an order that adds risk: the book after the order (open
// buys counted as filled, the new quantity with its own planned stop) against max_position_risk, max_portfolio_risk,
// max_gross_exposure and max_asset_concentration, then the correlation of the asset with each one held.
import { dec, roundDown, toPlain, ZERO } from '../core/decimal.ts';
import type { OrderRequest } from '../execution/types.ts';
import { assetOf } from '../portfolio/exposure.ts';
import type { BarReturns } from './bar-returns.ts';
import { measureSymbol, type Holding } from './exposure-book.ts';
import { deny, type Denial, type ResolvedOrder } from './pre-trade.ts';
import type { RiskDecision } from './risk-gate.ts';
import type { RiskConfig } from './risk-engine.ts';

export interface ExposureInput {
  readonly config: RiskConfig;
  readonly returns: BarReturns;
  readonly request: OrderRequest;
  readonly order: ResolvedOrder;
  /** The book before the order (RiskEngine.holdings). */
  readonly book: ReadonlyMap<string, Holding>;
  readonly equity: number;
  /** Stop distance (fraction of the price) the new quantity will carry. */
  readonly plannedStopFraction: number;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

function over(rule: string, what: string, value: number, limit: number): Denial | undefined {
  return value > limit + 1e-12
    ? deny(rule, `${what} would be ${pct(value)} of equity; ${rule} is ${pct(limit)}`, value.toFixed(6), String(limit))
    : undefined;
}

export function checkExposure(input: ExposureInput): RiskDecision {
  const { config: cfg, request, order, book, equity, plannedStopFraction: planned } = input;
  const symbol = request.symbol;
  const price = order.reference;
  const before = book.get(symbol);
  const qty = Number(order.quantity.toFixed());
  // The new quantity carries its own stop distance: a second holding of the same symbol.
  const risk = measureSymbol(book.values(), { symbol, quantity: qty, price, stopFraction: planned }, equity, symbol);
  const denial =
    over(
      'max_position_risk',
      `risk of the ${symbol} position (size × distance to the stop)`,
      risk.positionRisk,
      cfg.max_position_risk,
    ) ??
    over('max_portfolio_risk', 'total portfolio risk', risk.portfolioRisk, cfg.max_portfolio_risk) ??
    over('max_gross_exposure', 'gross exposure', risk.grossExposure, cfg.max_gross_exposure) ??
    over('max_asset_concentration', `exposure to ${assetOf(symbol)}`, risk.concentration, cfg.max_asset_concentration);
  if (denial) return denial;

  const correlated: { symbol: string; correlation: number }[] = [];
  for (const other of book.keys()) {
    if (other === symbol) continue;
    const c = input.returns.correlation(symbol, other, cfg.correlation_lookback);
    if (c === undefined && cfg.correlation_unknown === 'deny') {
      return deny(
        'max_correlation',
        `the correlation of ${symbol} with held ${other} is unknown (fewer than ${cfg.correlation_lookback} shared bars); correlation_unknown is deny`,
        'unknown',
        String(cfg.max_correlation),
      );
    }
    if (c !== undefined && c > cfg.max_correlation) correlated.push({ symbol: other, correlation: c });
  }
  if (correlated.length === 0) return { approved: true, request };
  const names = correlated.map((c) => `${c.symbol} (${c.correlation.toFixed(3)})`).join(', ');
  const worst = Math.max(...correlated.map((c) => c.correlation));
  if (cfg.correlation_action === 'deny')
    return deny(
      'max_correlation',
      `${symbol} correlates with held ${names} above max_correlation ${cfg.max_correlation}`,
      worst.toFixed(4),
      String(cfg.max_correlation),
    );
  // reduce: correlated holdings count as one position under max_position_risk; the order gets what room is left.
  let clusterRisk = (before?.quantity ?? 0) * price * (before?.stopFraction ?? 0);
  for (const c of correlated) {
    const h = book.get(c.symbol);
    if (h) clusterRisk += h.quantity * h.price * h.stopFraction;
  }
  const room = cfg.max_position_risk * equity - clusterRisk;
  const fitted = room > 0 ? dec(Number((room / (price * planned)).toPrecision(15))) : ZERO;
  const reduced = fitted.gt(order.quantity) ? order.quantity : roundDown(fitted, order.pair.assetIncrement);
  if (reduced.lt(order.pair.minOrderSize) || reduced.lte(ZERO))
    return deny(
      'max_correlation',
      `${symbol} correlates with held ${names}: no room left under max_position_risk for the correlated group`,
      worst.toFixed(4),
      String(cfg.max_correlation),
    );
  if (reduced.eq(order.quantity))
    return { approved: true, request, adjustments: [`correlated with ${names}; fits the group's risk limit`] };
  const { quoteAmount: _q, ...rest } = request;
  return {
    approved: true,
    request: { ...rest, quantity: toPlain(reduced) },
    adjustments: [`quantity reduced from ${toPlain(order.quantity)} to ${toPlain(reduced)}: correlated with ${names}`],
  };
}
