// Where the backtester gets its strategy: the strategies registry (built-ins by name, user files by path).
import { createStrategy } from '../strategies/registry.ts';
import type { StrategyFactory } from './engine.ts';

/** Builds strategies through the registry; the strategy's schema validates the params. */
export const registryStrategyFactory: StrategyFactory = async (type, id, params) =>
  (await createStrategy(type, id, params)).strategy;
