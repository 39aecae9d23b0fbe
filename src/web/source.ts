// What the web server and the metrics read from a running session. The session (src/app) implements it from its
// engine, portfolio, trading node and client; tests use FakeDashboardSource. Every method may answer synchronously or
// with a promise, so an implementation can read the store. Decimals stay Decimals: the server serializes them as exact
// strings (big.js toJSON, never exponent notation).
import type { ExecutionState } from '../execution/types.ts';
import type { Quote } from '../model/market.ts';
import type { Order } from '../model/order.ts';
import type { EquitySample } from '../portfolio/equity-curve.ts';
import type { PortfolioSnapshot } from '../portfolio/snapshot.ts';
import type { StrategyStats } from '../strategies/runner.ts';

export type MaybePromise<T> = T | Promise<T>;

/** One market-data stream, per symbol. */
export interface FeedStatus {
  readonly symbol: string;
  /** Age of the newest quote (ms); undefined when none arrived yet. */
  readonly ageMs?: number;
}

/** The venue's circuit breaker for one endpoint group ('trading', 'market_data', 'account'). */
export interface CircuitStatus {
  readonly group: string;
  readonly state: 'closed' | 'half-open' | 'open';
  readonly consecutiveFailures: number;
}

/** The last market-data poll of the venue: "reachable" for readiness. */
export interface VenueStatus {
  readonly lastPollOk: boolean;
  readonly lastPollAt?: number;
  readonly consecutiveFailures: number;
  readonly error?: string;
}

export interface StoreStatus {
  readonly writable: boolean;
  readonly detail?: string;
}

export interface DashboardStatus {
  /** 'paper' or 'live' (config app.mode). */
  readonly mode: string;
  readonly venueUrl: string;
  readonly engineState: ExecutionState;
  readonly engineReason?: string;
  readonly riskState: ExecutionState;
  readonly riskReasons: readonly string[];
  /** Wall time of this reading (ms since the epoch). */
  readonly timestamp: number;
  readonly uptimeMs: number;
  readonly feeds: readonly FeedStatus[];
  /** Quotes older than this are stale (config market_data.stale_after_ms). */
  readonly staleAfterMs: number;
  readonly venue: VenueStatus;
  readonly circuits: readonly CircuitStatus[];
  readonly store: StoreStatus;
  /** Cumulative risk denials by rule (RiskEngine.metrics().denied); the metrics count their increase. */
  readonly riskDenials?: Readonly<Record<string, number>>;
  /** The live one-day VaR/ES of the portfolio (RiskEngine.metrics().var); absent without positions or bars. */
  readonly riskVar?: RiskVarStatus;
}

/** One-day VaR and ES as fractions of `value` (quote currency), per confidence and method. */
export interface RiskVarStatus {
  readonly value: number;
  /** Returns the figures come from. */
  readonly observations: number;
  readonly figures: readonly {
    readonly confidence: number;
    readonly historicalVar: number;
    readonly historicalEs: number;
    readonly parametricVar: number;
    readonly parametricEs: number;
  }[];
}

export interface DashboardPortfolio {
  readonly snapshot: PortfolioSnapshot;
  /** Account equity samples, oldest first (Portfolio.equityHistory()). */
  readonly history: readonly EquitySample[];
}

export interface DashboardSource {
  status(): MaybePromise<DashboardStatus>;
  portfolio(): MaybePromise<DashboardPortfolio>;
  /** Working orders (ExecutionEngine.openOrders()). */
  openOrders(): MaybePromise<readonly Order[]>;
  /** The most recent orders of any status, newest first, at most `limit`. */
  orders(limit: number): MaybePromise<readonly Order[]>;
  strategies(): MaybePromise<readonly StrategyStats[]>;
  /** The newest quote per symbol (MarketDataCache). */
  quotes(): MaybePromise<readonly Quote[]>;
}
