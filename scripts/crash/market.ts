// A moving market for the crash test: a seeded, mean-reverting random walk of each pair's quote with small sizes,
// so that limit orders near the touch fill in parts over several quotes and resting ones fill when the market comes.
import { dec, roundToIncrement, toPlain } from '../../src/core/decimal.ts';
import { createRandom } from '../../src/core/random.ts';
import type { SimulatorHandle } from '../../src/venues/simulator/index.ts';

interface Walk {
  symbol: string;
  start: number;
  mid: number;
  /** Largest move per step, in USD. */
  step: number;
  halfSpread: number;
  /** Quoted size range (asset units); limit orders take half of it per quote. */
  minSize: number;
  maxSize: number;
  sizeIncrement: string;
}

export interface MovingMarket {
  stop(): void;
}

export function startMovingMarket(sim: SimulatorHandle, seed: number, periodMs = 50): MovingMarket {
  const random = createRandom(seed ^ 0x3a7c);
  const walks: Walk[] = [
    {
      symbol: 'BTC-USD',
      start: 65000,
      mid: 65000,
      step: 6,
      halfSpread: 1,
      minSize: 0.0004,
      maxSize: 0.004,
      sizeIncrement: '0.00000001',
    },
    {
      symbol: 'ETH-USD',
      start: 2400,
      mid: 2400,
      step: 0.6,
      halfSpread: 0.1,
      minSize: 0.004,
      maxSize: 0.06,
      sizeIncrement: '0.000001',
    },
  ];
  const tick = (): void => {
    for (const w of walks) {
      const pull = ((w.start - w.mid) / w.start) * 50; // mean reversion keeps the walk near its start
      w.mid += (random.next() * 2 - 1 + pull) * w.step;
      const cent = dec('0.01');
      const bid = roundToIncrement(dec((w.mid - w.halfSpread).toFixed(4)), cent, 'down');
      const ask = roundToIncrement(dec((w.mid + w.halfSpread).toFixed(4)), cent, 'up');
      const rawSize = w.minSize + random.next() * (w.maxSize - w.minSize);
      const size = roundToIncrement(dec(rawSize.toFixed(8)), dec(w.sizeIncrement), 'down');
      sim.setQuote(w.symbol, toPlain(bid), toPlain(ask), toPlain(size));
    }
  };
  tick();
  const timer = setInterval(tick, periodMs);
  return { stop: () => clearInterval(timer) };
}
