// The live VaR kept by updateEquity: equal to a full portfolioVar on the same cached bars and weights, rescaled
// exactly between recomputes when the weights only scale, recomputed when a bar closes or the weights rotate, and
// rate-limited by varEveryMs. Also: the memoized correlation follows a new bar.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { alignedCloses, portfolioVar, simpleReturns, type VarReport } from '../../src/risk/index.ts';
import { buy, DAY, dailyBars, fillOrder, quote, setup, T0, type Setup } from './helpers.ts';

function walk(seed: number, n: number, start: number): number[] {
  const random = createRandom(seed);
  let p = start;
  return Array.from({ length: n }, () => (p *= 1 + random.normal() * 0.03));
}

/** BTC and ETH held, 120 daily bars each (the last close = the quote). */
function held(options: Parameters<typeof setup>[0] = {}): Setup {
  const btc = walk(1, 120, 50_000);
  const eth = walk(2, 120, 2_000);
  const s = setup({ prices: { 'BTC-USD': btc.at(-1)!, 'ETH-USD': eth.at(-1)! }, cash: '1000000', ...options });
  for (const b of [...dailyBars('BTC-USD', btc), ...dailyBars('ETH-USD', eth)]) s.cache.addBar(b);
  fillOrder(s, 'BTC-USD', 'buy', '2', String(btc.at(-1)!.toFixed(2)));
  fillOrder(s, 'ETH-USD', 'buy', '30', String(eth.at(-1)!.toFixed(2)));
  return s;
}

/** portfolioVar computed here from the cache and the portfolio, as an independent reference. */
function reference(s: Setup): VarReport {
  const symbols = ['BTC-USD', 'ETH-USD'];
  const equity = s.portfolio.equity();
  const weights = symbols.map(
    (sym) => (Number(s.portfolio.position(sym).quantity.toFixed()) * s.cache.price(sym)!) / equity,
  );
  const closes = alignedCloses(
    symbols.map((sym) => s.cache.bars(sym, DAY)),
    s.engine.config.var_lookback,
  );
  return portfolioVar({ symbols, weights, returns: closes.map(simpleReturns), intervalMs: DAY, value: equity });
}

function expectSame(actual: VarReport | undefined, expected: VarReport, digits = 15): void {
  expect(actual).toBeDefined();
  expect(actual!.symbols).toEqual(expected.symbols);
  expect(actual!.observations).toBe(expected.observations);
  actual!.weights.forEach((w, i) => expect(w).toBeCloseTo(expected.weights[i]!, 15));
  actual!.figures.forEach((f, i) => {
    const e = expected.figures[i]!;
    expect(f.confidence).toBe(e.confidence);
    expect(f.historicalVar).toBeCloseTo(e.historicalVar, digits);
    expect(f.historicalEs).toBeCloseTo(e.historicalEs, digits);
    expect(f.parametricVar).toBeCloseTo(e.parametricVar, 15);
    expect(f.parametricEs).toBeCloseTo(e.parametricEs, 15);
  });
}

describe('live VaR on every equity update', () => {
  it('equals a full portfolioVar of the live book', () => {
    const s = held();
    s.engine.updateEquity(s.portfolio.equity());
    const live = s.engine.metrics().var;
    expectSame(live, reference(s));
    expect(live!.figures.map((f) => f.historicalVar).every((v) => v > 0)).toBe(true);
    expect(live!.value).toBeCloseTo(s.portfolio.equity(), 9);
  });

  it('follows price moves: parametric exact every update, historical rescaled or recomputed, never stale', () => {
    const s = held();
    s.engine.updateEquity(s.portfolio.equity());
    const btc = s.cache.price('BTC-USD')!;
    const eth = s.cache.price('ETH-USD')!;
    // A small move of one asset rotates the weights by less than the tolerance: rescaled, within 1% of exact.
    quote(s.cache, s.portfolio, 'BTC-USD', btc * 1.001, T0 + 1);
    s.engine.updateEquity(s.portfolio.equity());
    const before = s.engine.metrics().varCounters!;
    expectSame(s.engine.metrics().var, reference(s), 3);
    // Both assets move by the same factor: the weights only scale, and the rescaled figure is exact.
    quote(s.cache, s.portfolio, 'BTC-USD', btc * 1.001 * 1.002, T0 + 2);
    quote(s.cache, s.portfolio, 'ETH-USD', eth * 1.002, T0 + 2);
    s.engine.updateEquity(s.portfolio.equity());
    expect(s.engine.metrics().varCounters!.historicalRecomputes).toBe(before.historicalRecomputes);
    expectSame(s.engine.metrics().var, reference(s), 3);
    // A large rotation (ETH doubles) re-runs the historical simulation: exact again.
    quote(s.cache, s.portfolio, 'ETH-USD', eth * 2, T0 + 3);
    s.engine.updateEquity(s.portfolio.equity());
    expect(s.engine.metrics().varCounters!.historicalRecomputes).toBe(before.historicalRecomputes + 1);
    expectSame(s.engine.metrics().var, reference(s));
  });

  it('a new closed bar re-reads the returns; a new position changes the set', () => {
    const s = held();
    s.engine.updateEquity(s.portfolio.equity());
    const first = s.engine.metrics().var!;
    for (const sym of ['BTC-USD', 'ETH-USD']) {
      const p = s.cache.price(sym)! * 0.8; // a crash day
      s.cache.addBar({ symbol: sym, timestamp: T0, intervalMs: DAY, open: p, high: p, low: p, close: p, volume: 1 });
    }
    s.engine.updateEquity(s.portfolio.equity());
    const after = s.engine.metrics().var!;
    expect(after.observations).toBe(first.observations + 1);
    expect(after.figures[1]!.historicalVar).toBeGreaterThan(first.figures[1]!.historicalVar);
    expectSame(after, reference(s));
    fillOrder(s, 'ETH-USD', 'sell', '30', '2000');
    s.engine.updateEquity(s.portfolio.equity());
    expect(s.engine.metrics().var!.symbols).toEqual(['BTC-USD']);
  });

  it('varEveryMs bounds the update rate in clock time; varReport() forces one', () => {
    const s = held({ varEveryMs: 60_000 });
    s.engine.updateEquity(s.portfolio.equity());
    const first = s.engine.metrics().var!;
    quote(s.cache, s.portfolio, 'ETH-USD', s.cache.price('ETH-USD')! * 2, T0 + 1);
    s.clock.advanceBy(30_000);
    s.engine.updateEquity(s.portfolio.equity());
    expect(s.engine.metrics().var).toBe(first);
    expect(s.engine.metrics().varCounters!.updates).toBe(1);
    s.clock.advanceBy(30_000);
    s.engine.updateEquity(s.portfolio.equity());
    expect(s.engine.metrics().varCounters!.updates).toBe(2);
    expectSame(s.engine.metrics().var, reference(s));
    quote(s.cache, s.portfolio, 'ETH-USD', s.cache.price('ETH-USD')! / 2, T0 + 2);
    expectSame(s.engine.varReport(), reference(s));
  });

  it('the memoized correlation follows a new bar', () => {
    // ETH moves with BTC for 30 days: denied at max_correlation; then 31 days of opposite moves decorrelate it.
    const btc = walk(3, 40, 50_000);
    const eth = btc.map((p) => p / 25);
    const s = setup({ prices: { 'BTC-USD': btc.at(-1)!, 'ETH-USD': eth.at(-1)! }, cash: '1000000' });
    for (const b of [...dailyBars('BTC-USD', btc), ...dailyBars('ETH-USD', eth)]) s.cache.addBar(b);
    fillOrder(s, 'BTC-USD', 'buy', '0.2', String(btc.at(-1)!.toFixed(2)));
    const denied = s.engine.check(buy('ETH-USD', '1'));
    expect(denied).toMatchObject({ approved: false, rule: 'max_correlation' });
    const random = createRandom(4);
    let b = btc.at(-1)!;
    let e = eth.at(-1)!;
    for (let d = 0; d < 31; d++) {
      const r = random.normal() * 0.03;
      b *= 1 + r;
      e *= 1 - r;
      const t = T0 + d * DAY;
      s.cache.addBar({
        symbol: 'BTC-USD',
        timestamp: t,
        intervalMs: DAY,
        open: b,
        high: b,
        low: b,
        close: b,
        volume: 1,
      });
      s.cache.addBar({
        symbol: 'ETH-USD',
        timestamp: t,
        intervalMs: DAY,
        open: e,
        high: e,
        low: e,
        close: e,
        volume: 1,
      });
    }
    s.clock.advanceTo(T0 + 31 * DAY);
    quote(s.cache, s.portfolio, 'BTC-USD', b, s.clock.now());
    quote(s.cache, s.portfolio, 'ETH-USD', e, s.clock.now());
    expect(s.engine.check(buy('ETH-USD', '1')).approved).toBe(true);
  });
});
