// The RiskEngine's public types: its options, what it reads of the portfolio and the open orders, its events and
// metrics. Kept apart from the engine so that the engine file is the rules only.
import type { Clock } from '../core/clock.ts';
import type { Decimal } from '../core/decimal.ts';
import type { MarketView } from '../data/cache.ts';
import type { ExecutionLogger, ExecutionState } from '../execution/types.ts';
import type { OrderDenied } from '../model/events.ts';
import type { Order, OrderType } from '../model/order.ts';
import type { Position } from '../model/position.ts';
import type { TradingPair } from '../model/trading-pair.ts';
import type { AppConfig } from '../config/schema.ts';
import type { HaltStore } from './halt-store.ts';
import type { LiveVarCounters } from './live-var.ts';
import type { StopManager } from './stops.ts';
import type { VarReport } from './var.ts';

export type RiskConfig = AppConfig['risk'];

/** What the engine reads of the portfolio (the Portfolio class fits). */
export interface RiskPortfolioView {
  equity(): number;
  readonly buyingPower: Decimal;
  position(symbol: string): Position;
  positions(): Position[];
}

export type OpenOrder = Pick<
  Order,
  'symbol' | 'side' | 'quantity' | 'quoteAmount' | 'limitPrice' | 'filledQuantity' | 'filledNotional'
> & { readonly strategyId?: string };

/** Callbacks for the operational layer; each absent probe counts as healthy. */
export interface OperationalProbes {
  circuitOpen?(): boolean;
  /** Differences the last reconciliation found (0 = clean). */
  reconciliationDifferences?(): number;
  /** |local clock − venue clock| in ms. */
  clockDriftMs?(): number;
}

export type HaltCause = 'drawdown' | 'daily_loss' | 'circuit_open' | 'reconciliation' | 'clock_drift';

export interface RiskStateChanged {
  readonly type: 'RiskStateChanged';
  readonly timestamp: number;
  readonly from: ExecutionState;
  readonly state: ExecutionState;
  readonly reasons: readonly string[];
}
export type RiskEvent = RiskStateChanged | OrderDenied;

/**
 * What a venue holds from buying power for a buy beyond its value: the fee on every buy, and on a market buy also a
 * price collar (the simulator holds 1% above the price; Robinhood's is unpublished).
 */
export interface BuyHold {
  readonly feeRatio: number;
  readonly marketBuyCollar: number;
}

/** Paper and live, where the venue's terms are not known exactly: the first fee tier (the highest) and a 1% collar. */
export const DEFAULT_BUY_HOLD: BuyHold = { feeRatio: 0.0095, marketBuyCollar: 0.01 };

/** Buying power held per unit of a buy's value. */
export function buyHoldFactor(hold: BuyHold, type: OrderType): number {
  return (1 + hold.feeRatio) * (type === 'market' ? 1 + hold.marketBuyCollar : 1);
}

export interface RiskEngineOptions {
  readonly config: RiskConfig;
  readonly clock: Clock;
  readonly market: MarketView;
  readonly portfolio: RiskPortfolioView;
  readonly pairs: ReadonlyMap<string, TradingPair>;
  readonly openOrders?: () => readonly OpenOrder[];
  readonly probes?: OperationalProbes;
  readonly stops?: StopManager;
  readonly logger?: ExecutionLogger;
  readonly onEvent?: (event: RiskEvent) => void;
  /** The venue's hold on a buy (fee, collar): the buying-power check counts it. Default: none. */
  readonly buyHold?: BuyHold;
  /** Persists drawdown halts (kv key 'risk.halt'). */
  readonly store?: HaltStore;
  /**
   * Least clock time between two live VaR updates (default 0: every equity update, as live and paper want).
   * Backtests pass e.g. one bar interval so that VaR does not dominate `updateEquity`.
   */
  readonly varEveryMs?: number;
  /** The interval of the bars the cache holds, used when `config.bar_interval_ms` is absent (default one day). */
  readonly barIntervalMs?: number;
}

export interface RiskMetrics {
  readonly state: ExecutionState;
  /** 0 RUNNING, 1 REDUCING, 2 HALTED: for a gauge. */
  readonly stateCode: number;
  readonly reasons: readonly string[];
  readonly drawdown: number;
  readonly peakEquity: number;
  readonly dailyLoss: number;
  readonly approved: number;
  readonly denied: Readonly<Record<string, number>>;
  /** The live VaR/ES as of the last equity update. */
  readonly var?: VarReport;
  readonly varCounters?: LiveVarCounters;
}
