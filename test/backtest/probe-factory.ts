// A strategy factory module for optimizer workers in tests (the registry is the default).
import type { Strategy } from '../../src/strategies/strategy.ts';
import { MomentumProbe } from './helpers.ts';

export function createStrategy(
  _type: string,
  _id: string,
  params: Record<string, unknown>,
): Promise<Strategy<unknown>> {
  return Promise.resolve(new MomentumProbe(params));
}
