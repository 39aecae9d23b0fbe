import { dec, divide, divideToPlaces, roundDown } from '../src/core/decimal.ts';
import { measure } from './util.ts';

export async function run(): Promise<void> {
  const a = dec('12345.678901234567');
  const b = dec('0.00012345');
  const notional = dec('5312.3456789012');
  const quantity = dec('0.05312345');
  const increment = dec('0.00000001');
  await measure('decimal parse (18-digit string)', 200_000, () => dec('12345.678901234567'));
  await measure('decimal add+mul', 200_000, () => a.plus(b).times(b));
  await measure('decimal round down to 1e-8', 200_000, () => roundDown(a, increment));
  await measure('decimal compare (gt, no copy)', 500_000, () => a.gt(b));
  await measure("decimal divide at 40 places, big.js's div", 50_000, () => notional.div(quantity));
  await measure('decimal divide at 40 places, divide() (same result)', 200_000, () => divide(notional, quantity));
  await measure('decimal divide to 12 places, divideToPlaces()', 200_000, () =>
    divideToPlaces(notional, quantity, 12, 'down'),
  );
}
