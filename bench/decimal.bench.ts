import { dec, roundDown } from '../src/core/decimal.ts';
import { measure } from './util.ts';

export async function run(): Promise<void> {
  const a = dec('12345.678901234567');
  const b = dec('0.00012345');
  await measure('decimal parse (18-digit string)', 200_000, () => dec('12345.678901234567'));
  await measure('decimal add+mul', 200_000, () => a.plus(b).times(b));
  await measure('decimal round down to 1e-8', 200_000, () => roundDown(a, '0.00000001'));
}
