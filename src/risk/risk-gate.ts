// The contract between strategies and risk: every order request passes a RiskGate before execution sees it.
// The StrategyRunner calls `check`; the RiskEngine implements it. A denial carries the rule, the value and the limit,
// and is journaled as OrderDenied; an approval may come back reduced (e.g. a correlation or position-size cap).
import type { OrderRequest } from '../execution/types.ts';

export type RiskDecision =
  | { readonly approved: true; readonly request: OrderRequest; readonly adjustments?: readonly string[] }
  | {
      readonly approved: false;
      /** Stable rule name, e.g. 'max_position_risk', 'price_band', 'drawdown_halt'. */
      readonly rule: string;
      /** Human-readable: what was asked, the value and the limit. */
      readonly reason: string;
      readonly value?: string;
      readonly limit?: string;
    };

export interface RiskGate {
  check(request: OrderRequest): RiskDecision;
}

/** Approves everything unchanged: for tests and for running without risk limits (never the default in the app). */
export const APPROVE_ALL: RiskGate = { check: (request) => ({ approved: true, request }) };
