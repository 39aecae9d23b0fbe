import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import {
  averageTrueRange,
  fixedFractionSize,
  kellyFraction,
  kellySize,
  StopManager,
  volatilitySize,
} from '../../src/risk/index.ts';
import { fixedFractionQuantity } from '../../src/strategies/sizing.ts';

const q = (symbol: string, bid: number) => ({ symbol, timestamp: 0, bid, ask: bid + 1 });

describe('StopManager', () => {
  it('attaches default stop-loss and take-profit to a new position and exits once', () => {
    const stops = new StopManager({ stopLoss: 0.05, takeProfit: 0.15 });
    stops.onPosition('BTC-USD', 's1', dec('0.5'), dec('100'));
    expect(stops.onQuote(q('BTC-USD', 96))).toEqual([]);
    const exits = stops.onQuote(q('BTC-USD', 95));
    expect(exits).toEqual([
      {
        symbol: 'BTC-USD',
        side: 'sell',
        type: 'market',
        quantity: dec('0.5'),
        strategyId: 's1',
        reason: 'stop-loss hit: bid 95 <= stop 95 (entry 100)',
      },
    ]);
    expect(stops.onQuote(q('BTC-USD', 90))).toEqual([]);
    stops.onPosition('BTC-USD', 's1', dec('0'), dec('0'));
    expect(stops.stops()).toEqual([]);
  });

  it('moves the levels with the average entry when the position is added to, and keeps them when it is reduced', () => {
    const stops = new StopManager({ stopLoss: 0.05, takeProfit: 0.15 });
    stops.onPosition('BTC-USD', 's1', dec('1'), dec('100'));
    stops.onPosition('BTC-USD', 's1', dec('2'), dec('150')); // bought 1 more at 200
    // A take-profit still at 115 would sell at 145, a loss against the 150 average; the stop is now at 142.5.
    expect(stops.onQuote(q('BTC-USD', 145))).toEqual([]);
    expect(stops.stopFraction('BTC-USD', 150)).toBeCloseTo(0.05, 12);
    stops.onPosition('BTC-USD', 's1', dec('1'), dec('150')); // sold half: same average, same levels
    const [exit] = stops.onQuote(q('BTC-USD', 172.5));
    expect(exit?.reason).toBe('take-profit hit: bid 172.5 >= target 172.5 (entry 150)');
    expect(exit?.quantity).toEqual(dec('1'));
  });

  it("a strategy's own levels and a trailing stop that only moves up; state survives a save/load", async () => {
    const stops = new StopManager({ stopLoss: 0.05, takeProfit: 0.15 });
    stops.setStops('ETH-USD', 's2', { trailing: 0.1, takeProfit: 0.5 });
    stops.onPosition('ETH-USD', 's2', dec('2'), dec('100'));
    stops.onQuote(q('ETH-USD', 120));
    stops.onQuote(q('ETH-USD', 110));
    const kv = new Map<string, unknown>();
    await stops.save({ setKv: (k, v) => Promise.resolve(void kv.set(k, v)) }, 1);
    const restored = new StopManager({ stopLoss: 0.05, takeProfit: 0.15 });
    expect(await restored.load({ getKv: (k) => Promise.resolve(kv.get(k) as never) })).toBe(1);
    expect(restored.stops()[0]).toMatchObject({ stopPrice: 108, highWater: 120, trailing: 0.1 });
    expect(restored.onQuote(q('ETH-USD', 108.5))).toEqual([]);
    expect(restored.onQuote(q('ETH-USD', 107.9))[0]?.reason).toBe(
      'trailing stop hit: bid 107.9 <= stop 108 (entry 100)',
    );
  });

  it('take-profit', () => {
    const stops = new StopManager({ stopLoss: 0.05, takeProfit: 0.15 });
    stops.onPosition('BTC-USD', 's1', dec('1'), dec('100'));
    expect(stops.onQuote(q('BTC-USD', 115.5))[0]?.reason).toBe('take-profit hit: bid 115.5 >= target 115 (entry 100)');
  });
});

describe('sizing helpers', () => {
  it('fixed fraction, volatility and capped Kelly', () => {
    expect(
      toPlain(
        fixedFractionSize({
          equity: '100000',
          riskFraction: 0.01,
          entryPrice: '50000',
          stopPrice: '47500',
          assetIncrement: '0.0001',
        }),
      ),
    ).toBe('0.4');
    expect(
      toPlain(
        volatilitySize({ equity: '10000', riskFraction: 0.02, atr: 40, atrMultiple: 2.5, assetIncrement: '0.001' }),
      ),
    ).toBe('2');
    expect(kellyFraction({ winRate: 0.6, payoffRatio: 1 })).toBeCloseTo(0.2, 12);
    expect(kellyFraction({ winRate: 0.9, payoffRatio: 2 })).toBe(0.25);
    expect(kellyFraction({ winRate: 0.3, payoffRatio: 1 })).toBe(0);
  });

  it('sizes exactly the fraction meant, nothing from negative equity, and refuses fractions outside [0, 1]', () => {
    // p − (1 − p)/b is 0.19999999999999996 in doubles: 1000 × 0.2 / 50 is 4, not 3.
    expect(kellyFraction({ winRate: 0.6, payoffRatio: 1, cap: 1 })).toBe(0.2);
    expect(
      toPlain(kellySize({ winRate: 0.6, payoffRatio: 1, cap: 1, equity: '1000', price: '50', assetIncrement: '1' })),
    ).toBe('4');
    expect(
      toPlain(kellySize({ winRate: 0.7, payoffRatio: 1, cap: 1, equity: '1000', price: '0.01', assetIncrement: '1' })),
    ).toBe('40000');
    const base = { riskFraction: 0.01, entryPrice: '100', stopPrice: '95' };
    expect(toPlain(fixedFractionSize({ ...base, equity: '-1000' }))).toBe('0');
    expect(() => fixedFractionSize({ ...base, equity: '1000', riskFraction: -0.01 })).toThrow(
      /riskFraction must be in \[0, 1\], got -0.01/,
    );
    expect(() => kellyFraction({ winRate: 0.6, payoffRatio: 1, cap: Number.NaN })).toThrow(/cap must be in \[0, 1\]/);
    expect(() => averageTrueRange([], 0)).toThrow(/period must be a whole number ≥ 1, got 0/);
    expect(() => fixedFractionSize({ equity: '1', riskFraction: 0.01, entryPrice: '5', stopPrice: '5' })).toThrow(
      'stop distance must be greater than 0, got 0',
    );
  });
});

describe('fixed-fraction quantity', () => {
  it('keeps what the venue holds for a market buy (collar and fee) within what is available', () => {
    // 10,000 at 100: 100 units; all of it held at 1.02 × notional is 10,200 > 10,000 available.
    expect(toPlain(fixedFractionQuantity(dec('10000'), 1, 100, dec('10000')))).toBe('100');
    const held = fixedFractionQuantity(dec('10000'), 1, 100, dec('10000'), 1.02);
    expect(held.times(dec('100')).times(dec('1.02')).lte(dec('10000'))).toBe(true);
    expect(toPlain(held)).toBe('98.039215686274');
    // A smaller fraction within the headroom is untouched.
    expect(toPlain(fixedFractionQuantity(dec('10000'), 0.5, 100, dec('10000'), 1.02))).toBe('50');
    expect(() => fixedFractionQuantity(dec('1'), 1, 1, dec('1'), 0.5)).toThrow(/holdFactor must be ≥ 1, got 0.5/);
  });
});
