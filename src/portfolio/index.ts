// The portfolio: positions, PnL, cash, buying power, equity, exposure and drawdown, fed by fills and marks.
export { Portfolio, type FillOutcome, type Mark, type PortfolioOptions, type Valuation } from './portfolio.ts';
export {
  PortfolioConfigSchema,
  EquitySamplingSchema,
  HoldingConfigSchema,
  parsePortfolioConfig,
  type PortfolioConfig,
  type PortfolioConfigInput,
  type EquitySampling,
} from './config.ts';
export { EquityCurve, drawdownFrom, type EquitySample, type CurveState } from './equity-curve.ts';
export { computeExposure, assetOf, type Exposure, type AssetExposure } from './exposure.ts';
export { PositionBook, type BookEntry, type BookValuation, type MarkLookup } from './position-book.ts';
export {
  ACCOUNT_POSITIONS_ID,
  LedgerStateSchema,
  ledgerKey,
  type LedgerState,
  type LoadResult,
} from './persistence.ts';
export { buildSnapshot, type PortfolioSnapshot, type PositionView, type ScopeView } from './snapshot.ts';
export { PORTFOLIO_TOPICS, quoteMark, type FillMessage, type PortfolioBus, type PortfolioTopics } from './topics.ts';
export { Reservations } from './reservations.ts';
