// What the parity tests compare: every order a strategy asked for (as the order factory answered it) and every fill,
// in plain comparable rows. The backtest result exposes fills but not submitted orders, so the strategy's context is
// wrapped on both sides the same way: what it records is the strategy's own view, whichever venue is behind it.
import { toPlain } from '../../src/core/decimal.ts';
import type { StrategyFactory } from '../../src/backtest/engine.ts';
import { registryStrategyFactory } from '../../src/backtest/strategy-source.ts';
import type { OrderFactory, OrderResult, StrategyContext } from '../../src/strategies/types.ts';

/** One order request as the strategy's order factory answered it. */
export interface OrderRow {
  readonly clientOrderId: string;
  readonly time: number;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly quantity: string;
  readonly limitPrice: string | null;
  /** 'sent', or the denial's rule (risk, budget, size) — a denial is an order decision too. */
  readonly outcome: string;
}

/** One execution, attributed to its order. */
export interface FillRow {
  readonly clientOrderId: string;
  readonly time: number;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
}

export class OrderRecorder {
  readonly orders: OrderRow[] = [];

  #record(ctx: StrategyContext, result: OrderResult): OrderResult {
    if (result.ok) {
      const o = result.order;
      this.orders.push({
        clientOrderId: o.clientOrderId,
        time: ctx.clock.now(),
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        quantity: o.quantity === undefined ? '' : toPlain(o.quantity),
        limitPrice: o.limitPrice === undefined ? null : toPlain(o.limitPrice),
        outcome: o.status === 'rejected' || o.status === 'failed' ? o.status : 'sent',
      });
    } else {
      const d = result.denial;
      this.orders.push({
        clientOrderId: '',
        time: ctx.clock.now(),
        symbol: d.symbol,
        side: d.side,
        type: '',
        quantity: '',
        limitPrice: null,
        outcome: `denied:${d.rule ?? 'risk'}`,
      });
    }
    return result;
  }

  #wrap(ctx: StrategyContext): StrategyContext {
    const inner = ctx.orders;
    const rec = (p: Promise<OrderResult>): Promise<OrderResult> => p.then((r) => this.#record(ctx, r));
    const orders: OrderFactory = {
      market: (...a) => rec(inner.market(...a)),
      limit: (...a) => rec(inner.limit(...a)),
      stopLoss: (...a) => rec(inner.stopLoss(...a)),
      stopLimit: (...a) => rec(inner.stopLimit(...a)),
      cancel: (...a) => inner.cancel(...a),
      cancelAll: (...a) => inner.cancelAll(...a),
      open: (...a) => inner.open(...a),
    };
    return { ...ctx, orders };
  }

  /** The registry's factory, with each strategy's order factory recorded. */
  readonly factory: StrategyFactory = async (type, id, params) => {
    const strategy = await registryStrategyFactory(type, id, params);
    const attach = strategy.attachContext.bind(strategy);
    strategy.attachContext = (ctx) => attach(this.#wrap(ctx));
    return strategy;
  };
}

/** Side, type, quantity and limit price of each order, in order: what must be equal exactly. */
export function orderShape(rows: readonly OrderRow[]): string[] {
  return rows.map(
    (r) =>
      `${r.symbol} ${r.side} ${r.type} ${r.quantity}${r.limitPrice === null ? '' : ` @${r.limitPrice}`} ${r.outcome}`,
  );
}
