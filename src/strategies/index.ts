// Strategies: the base class, the context contract, the runner, the registry and the built-ins. Public surface.
export { Strategy, StrategyParamsError, parseParams } from './strategy.ts';
// zod for a strategy file's parameter schema: a file outside this checkout cannot resolve 'zod' from its own folder.
export { z } from 'zod';
export type { StrategyClass, HandlerResult } from './strategy.ts';
export type * from './types.ts';
export { createContext, committedQuote, requestNotional, denialOf } from './context.ts';
export type { PortfolioPort, ContextHost, ContextSpec } from './context.ts';
export { StrategyRunner } from './runner.ts';
export type {
  ExecutionPort,
  StrategyStore,
  RunnerTopics,
  StrategyRunnerOptions,
  StrategySpec,
  StrategyStatus,
  StrategyStats,
} from './runner.ts';
export { fixedFractionQuantity } from './sizing.ts';
export { movingAverage, fmt, pct } from './indicators.ts';
export type { MovingAverageKind, StreamingAverage } from './indicators.ts';
export {
  BUILTIN_STRATEGIES,
  StrategyRegistry,
  defaultRegistry,
  createStrategy,
  loadStrategyFile,
  describeParams,
  isStrategyPath,
} from './registry.ts';
export type { ParamDoc, StrategyInfo, CreatedStrategy } from './registry.ts';
export { TrendStrategy, TrendParamsSchema } from './builtin/trend.ts';
export type { TrendParams, TrendParamsInput } from './builtin/trend.ts';
export { MeanReversionStrategy, MeanReversionParamsSchema } from './builtin/mean-reversion.ts';
export type { MeanReversionParams, MeanReversionParamsInput } from './builtin/mean-reversion.ts';
export { DcaStrategy, DcaParamsSchema } from './builtin/dca.ts';
export type { DcaParams, DcaParamsInput } from './builtin/dca.ts';
export { GridStrategy, GridParamsSchema, gridLevels } from './builtin/grid.ts';
export type { GridParams, GridParamsInput } from './builtin/grid.ts';
export { MarketMakingStrategy, MarketMakingParamsSchema } from './builtin/market-making.ts';
export type { MarketMakingParams, MarketMakingParamsInput } from './builtin/market-making.ts';
