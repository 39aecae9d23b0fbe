// The strategies' order path after the context has rounded a request: the strategy's own budget, then the RiskGate,
// then the ExecutionEngine. Whatever says no, the strategy gets a denial, and the denial is published and journaled
// so that every decision leaves a trace.
import type { Clock } from '../core/clock.ts';
import { toPlain, type Decimal } from '../core/decimal.ts';
import type { OrderRequest } from '../execution/types.ts';
import type { OrderDenied } from '../model/events.ts';
import type { JsonValue } from '../persistence/store.ts';
import type { RiskGate } from '../risk/risk-gate.ts';
import { denialOf, requestNotional } from './context.ts';
import type { ExecutionPort, StrategyStore } from './runner.ts';
import type { OrderResult, StrategyLogger } from './types.ts';

/** What the gate reads and counts of a strategy (the runner's slot). */
export interface GatedStrategy {
  readonly status: string;
  /** Max quote currency its buys may commit; undefined: no limit of its own. */
  readonly budget: Decimal | undefined;
  orders: number;
  denials: number;
}

export interface OrderGateOptions {
  readonly clock: Clock;
  readonly risk: RiskGate;
  readonly execution: ExecutionPort;
  readonly store: StrategyStore | undefined;
  readonly log: StrategyLogger;
  readonly strategy: (strategyId: string) => GatedStrategy | undefined;
  /** Quote currency the strategy has committed: holdings at cost plus open buys. */
  readonly committed: (strategyId: string) => Decimal;
  /** Where a denial is announced (the bus's 'order' topic), when anywhere. */
  readonly publish: (denial: OrderDenied) => void;
}

export class OrderGate {
  readonly #o: OrderGateOptions;

  constructor(options: OrderGateOptions) {
    this.#o = options;
  }

  async route(strategyId: string, request: OrderRequest): Promise<OrderResult> {
    const strategy = this.#o.strategy(strategyId);
    if (strategy === undefined || strategy.status !== 'running') {
      return this.deny(strategyId, request, 'strategy_not_running', `strategy ${strategyId} is not running`);
    }
    if (request.side === 'buy' && strategy.budget !== undefined) {
      const committed = this.#o.committed(strategyId);
      const notional = requestNotional(request);
      if (notional === undefined) {
        return this.deny(strategyId, request, 'strategy_budget', 'no price to value the buy against the budget');
      }
      if (committed.plus(notional).gt(strategy.budget)) {
        return this.deny(
          strategyId,
          request,
          'strategy_budget',
          `buy of ${toPlain(notional)} with ${toPlain(committed)} already committed exceeds the strategy's budget ${toPlain(strategy.budget)}`,
          toPlain(committed.plus(notional)),
          toPlain(strategy.budget),
        );
      }
    }
    const decision = this.#o.risk.check(request);
    if (!decision.approved) {
      return this.deny(strategyId, request, decision.rule, decision.reason, decision.value, decision.limit);
    }
    strategy.orders++;
    const order = await this.#o.execution.submit(decision.request);
    return { ok: true, order };
  }

  /** Refuses a request: counted, logged, published and journaled; the strategy gets the denial back. */
  async deny(
    strategyId: string,
    request: OrderRequest,
    rule: string,
    reason: string,
    value?: string,
    limit?: string,
  ): Promise<OrderResult> {
    const now = this.#o.clock.now();
    const denial: OrderDenied = denialOf(request, rule, reason, now);
    const strategy = this.#o.strategy(strategyId);
    if (strategy !== undefined) strategy.denials++;
    this.#o.log.warn({ strategyId, symbol: request.symbol, side: request.side, rule, reason }, 'order denied');
    this.#o.publish(denial);
    await this.#o.store?.appendEvent({
      type: 'OrderDenied',
      payload: denialPayload(denial, value, limit),
      createdAt: now,
    });
    return { ok: false, denial };
  }
}

function denialPayload(d: OrderDenied, value: string | undefined, limit: string | undefined): JsonValue {
  const plain = (v: Decimal | undefined): string | null => (v === undefined ? null : toPlain(v));
  return {
    symbol: d.symbol,
    strategyId: d.strategyId ?? null,
    side: d.side,
    orderType: d.orderType,
    quantity: plain(d.quantity),
    quoteAmount: plain(d.quoteAmount),
    limitPrice: plain(d.limitPrice),
    stopPrice: plain(d.stopPrice),
    rule: d.rule ?? null,
    reason: d.reason,
    value: value ?? null,
    limit: limit ?? null,
  };
}
