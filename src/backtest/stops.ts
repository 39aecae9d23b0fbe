// Default stops in a backtest, wired as the trading node wires them (StopManager + stop orders + StopWiring) but with
// every level emulated from the bar's price path: the path stops at each level (a trigger tick), a crossed level
// sends a market exit through the engine, and the engine's next tick fills it.
import type { Clock } from '../core/clock.ts';
import type { ExecutionEngine } from '../execution/execution-engine.ts';
import { SILENT_LOGGER } from '../execution/types.ts';
import type { Quote } from '../model/market.ts';
import type { Store } from '../persistence/store.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { attachStopOrders, type StopOrders } from '../risk/stop-orders.ts';
import { StopWiring } from '../risk/stop-wiring.ts';
import { StopManager, type StopDefaults } from '../risk/stops.ts';
import type { TriggerPrice } from './bar-path.ts';

export interface BacktestStops {
  readonly manager: StopManager;
  readonly orders: StopOrders;
  readonly wiring: StopWiring;
}

export function wireStops(
  defaults: StopDefaults,
  execution: ExecutionEngine,
  portfolio: Portfolio,
  clock: Clock,
  store: Store,
): BacktestStops {
  const manager = new StopManager(defaults);
  const orders = attachStopOrders({
    execution,
    stops: manager,
    clock,
    logger: SILENT_LOGGER,
    venueStops: false,
    pairs: () => undefined,
    store,
  });
  return {
    manager,
    orders,
    wiring: new StopWiring({ engine: execution, stops: manager, stopOrders: orders, portfolio }),
  };
}

/** The live stop levels on `symbol` (not yet triggered), as path triggers. */
export function stopLevels(stops: BacktestStops | undefined, symbol: string): TriggerPrice[] {
  const out: TriggerPrice[] = [];
  if (stops === undefined) return out;
  for (const s of stops.manager.stops()) {
    if (s.symbol !== symbol || s.triggered) continue;
    out.push({ price: s.stopPrice, touch: 'mid' });
    if (s.takeProfitPrice !== undefined) out.push({ price: s.takeProfitPrice, touch: 'mid' });
  }
  return out;
}

/**
 * Shows the stops a price of the path and waits for any exit it sent. The price is both sides of the quote: the exit
 * itself pays the spread and slippage at the venue. Resolves true when an exit was sent.
 */
export async function checkStops(
  stops: BacktestStops | undefined,
  symbol: string,
  price: number,
  timestamp: number,
  placedCount: () => number,
  settle: () => Promise<void> | undefined,
): Promise<boolean> {
  if (stops === undefined || !stops.manager.hasLive(symbol)) return false;
  const quote: Quote = { symbol, bid: price, ask: price, timestamp };
  const placed = placedCount();
  stops.wiring.onQuote(quote);
  await stops.orders.idle();
  await settle();
  return placedCount() !== placed;
}
