// Where the backtester gets its strategy: the strategies registry (built-ins by name, user files by path). Loaded
// lazily so that the metrics, reports and the optimizer's parent process do not pull in every strategy.
import { ConfigError } from '../core/errors.ts';
import type { Strategy } from '../strategies/strategy.ts';
import type { StrategyFactory } from './engine.ts';

type CreateStrategy = (type: string, id: string, params: unknown) => Strategy<unknown> | Promise<Strategy<unknown>>;

const REGISTRY = '../strategies/registry.ts';

async function registry(): Promise<CreateStrategy> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ REGISTRY)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`the strategy registry is not available: ${String(err)}`, {});
  }
  const create = mod.createStrategy;
  if (typeof create !== 'function') throw new ConfigError('the strategy registry has no createStrategy()', {});
  return create as CreateStrategy;
}

/** Builds strategies through the registry: `createStrategy(type, id, params)`. */
export const registryStrategyFactory: StrategyFactory = async (type, id, params) => {
  const create = await registry();
  return create(type, id, params);
};
