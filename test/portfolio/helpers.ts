// Shared builders for the portfolio tests.
import { SimulatedClock } from '../../src/core/clock.ts';
import { createFill, type Fill } from '../../src/model/fill.ts';
import { Portfolio } from '../../src/portfolio/portfolio.ts';
import type { PortfolioConfigInput } from '../../src/portfolio/config.ts';

let nextId = 0;

export interface FillSpec {
  side: 'buy' | 'sell';
  quantity: string;
  price: string;
  fee?: string;
  symbol?: string;
  id?: string;
  clientOrderId?: string;
  timestamp?: number;
}

export function fill(spec: FillSpec): Fill {
  return createFill({
    id: spec.id ?? `f${nextId++}`,
    clientOrderId: spec.clientOrderId ?? 'c1',
    symbol: spec.symbol ?? 'BTC-USD',
    side: spec.side,
    quantity: spec.quantity,
    price: spec.price,
    fee: spec.fee ?? '0',
    timestamp: spec.timestamp ?? 1_000,
  });
}

export function makePortfolio(
  config: PortfolioConfigInput = {},
  startMs = 0,
): { portfolio: Portfolio; clock: SimulatedClock } {
  const clock = new SimulatedClock(startMs);
  const portfolio = new Portfolio({ clock, config: { startingCash: '10000', ...config } });
  return { portfolio, clock };
}
