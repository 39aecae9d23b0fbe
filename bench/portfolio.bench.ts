// Portfolio throughput: fills booked per second and marks (mark-to-market equity updates) per second, for 10 and 50
// symbols. Marks use float prices, as market data does; fills are exact decimals.
import { SimulatedClock } from '../src/core/clock.ts';
import { createFill, type Fill } from '../src/model/fill.ts';
import { Portfolio } from '../src/portfolio/portfolio.ts';
import { measure } from './util.ts';

function symbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `A${i}-USD`);
}

/** Buys and sells alternating per symbol, so positions open, grow, shrink and close. */
function fills(syms: readonly string[], count: number): Fill[] {
  return Array.from({ length: count }, (_, i) => {
    const round = Math.floor(i / syms.length);
    return createFill({
      id: `f${i}`,
      clientOrderId: `c${i}`,
      symbol: syms[i % syms.length]!,
      side: round % 4 < 2 ? 'buy' : 'sell',
      quantity: '0.01234567',
      price: `${100 + (i % 97)}.${i % 100}`,
      fee: '0.05',
      timestamp: i,
    });
  });
}

export async function run(): Promise<void> {
  for (const n of [10, 50]) {
    const syms = symbols(n);
    const list = fills(syms, 100_000);
    const book = new Portfolio({
      clock: new SimulatedClock(0),
      config: { startingCash: '100000000', equitySampling: { mode: 'manual' } },
    });
    // A counter, not the loop index: measure() warms up on the first indices, and a re-applied fill id is a no-op.
    let k = 0;
    await measure(`portfolio applyFill (${n} symbols, 4 strategies)`, list.length - 1000, () => {
      const f = list[k++]!;
      return book.applyFill(f, `s${k % 4}`);
    });

    const marked = new Portfolio({
      clock: new SimulatedClock(0),
      config: { startingCash: '100000000', equitySampling: { mode: 'manual' } },
    });
    for (const f of fills(syms, n * 2)) marked.applyFill(f, 's');
    await measure(`portfolio mark, no sampling (${n} symbols)`, 500_000, (i) =>
      marked.mark(syms[i % n]!, 100 + (i % 1000) / 100, i),
    );
    await measure(`portfolio mark + equity() (${n} symbols)`, 300_000, (i) => {
      marked.mark(syms[i % n]!, 100 + (i % 1000) / 100, i);
      return marked.equity();
    });

    const sampled = new Portfolio({
      clock: new SimulatedClock(0),
      config: { startingCash: '100000000', equitySampling: { mode: 'every-mark' }, maxHistoryPoints: 10_000 },
    });
    for (const f of fills(syms, n * 2)) sampled.applyFill(f, 's');
    await measure(`portfolio mark + EquityUpdated (${n} symbols)`, 100_000, (i) =>
      sampled.mark(syms[i % n]!, 100 + (i % 1000) / 100, i),
    );
  }
}
