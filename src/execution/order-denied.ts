// The OrderDenied event for a request that never reached the venue (denied by risk, a budget or the order factory).
import { tryDec, type Decimal, type DecimalInput } from '../core/decimal.ts';
import type { OrderDenied } from '../model/events.ts';
import type { OrderRequest } from './types.ts';

export function orderDenied(request: OrderRequest, rule: string, reason: string, timestamp: number): OrderDenied {
  const d = (v: DecimalInput | undefined): Decimal | undefined => (v === undefined ? undefined : tryDec(v));
  const quantity = d(request.quantity);
  const quoteAmount = d(request.quoteAmount);
  const limitPrice = d(request.limitPrice);
  const stopPrice = d(request.stopPrice);
  return {
    type: 'OrderDenied',
    timestamp,
    symbol: request.symbol,
    strategyId: request.strategyId,
    side: request.side,
    orderType: request.type,
    ...(request.timeInForce !== undefined && { timeInForce: request.timeInForce }),
    ...(quantity !== undefined && { quantity }),
    ...(quoteAmount !== undefined && { quoteAmount }),
    ...(limitPrice !== undefined && { limitPrice }),
    ...(stopPrice !== undefined && { stopPrice }),
    reason,
    rule,
  };
}
