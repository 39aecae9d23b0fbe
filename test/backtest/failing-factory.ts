// A strategy factory module for optimizer workers in tests: a set with `broken: true` fails with a plain Error (a run
// that broke, not invalid parameters); any other set is a MomentumProbe.
import type { Strategy } from '../../src/strategies/strategy.ts';
import { MomentumProbe } from './helpers.ts';

export function createStrategy(
  _type: string,
  _id: string,
  params: Record<string, unknown>,
): Promise<Strategy<unknown>> {
  if (params.broken === true) return Promise.reject(new Error('the strategy broke'));
  return Promise.resolve(new MomentumProbe({ fraction: params.fraction }));
}
