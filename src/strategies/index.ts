// Strategies: the base class, the context contract, the runner, the registry and the built-ins. Public surface.
export { Strategy, parseParams } from './strategy.ts';
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
