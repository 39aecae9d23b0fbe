// The risk layer's public surface.
export { APPROVE_ALL, type RiskDecision, type RiskGate } from './risk-gate.ts';
export {
  RiskEngine,
  deniedEvent,
  type HaltCause,
  type OpenOrder,
  type OperationalProbes,
  type RiskConfig,
  type RiskEngineOptions,
  type RiskEvent,
  type RiskMetrics,
  type RiskPortfolioView,
  type RiskStateChanged,
} from './risk-engine.ts';
export { DrawdownMonitor, type DrawdownReading } from './drawdown.ts';
export { measureBook, type BookRisk, type Holding } from './exposure-book.ts';
export { HALT_KEY, clearPersistedHalt, readPersistedHalt, type PersistedHalt } from './halt-store.ts';
export { correlationWith, liveVar, type SymbolCorrelation } from './market-risk.ts';
export { deny, type Denial } from './pre-trade.ts';
export {
  averageTrueRange,
  fixedFractionSize,
  kellyFraction,
  kellySize,
  volatilitySize,
  type FixedFractionInput,
  type KellyInput,
  type VolatilitySizeInput,
} from './sizing.ts';
export { StopManager, type StopDefaults, type StopSpec, type StopState } from './stops.ts';
export {
  DAY_MS,
  VAR_CONFIDENCES,
  correlationMatrix,
  historicalVar,
  parametricVar,
  portfolioVar,
  type VarFigure,
  type VarInput,
  type VarReport,
} from './var.ts';
export * from './statistics.ts';
