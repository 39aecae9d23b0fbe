// VaR and ES against independent calculations on the real multi-asset daily sample data.
import { describe, expect, it } from 'vitest';
import { listSampleBarFiles, openBars } from '../../src/data/historical/index.ts';
import type { Bar } from '../../src/model/market.ts';
import { alignedCloses, historicalVar, parametricVar, portfolioVar, simpleReturns } from '../../src/risk/index.ts';
import { tailCount } from '../../src/risk/statistics.ts';

const files = listSampleBarFiles().filter((f) => f.intervalMs === 86_400_000);

async function load(path: string): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const b of openBars(path)) out.push(b);
  return out;
}

describe.skipIf(files.length < 2)('VaR and ES on the sample daily data', () => {
  it('one asset: historical VaR is exactly the empirical quantile of the returns, ES the mean beyond it', async () => {
    const btc = await load(files.find((f) => f.symbol === 'BTC-USD')!.path);
    const closes = btc.map((b) => b.close);
    const returns: number[] = [];
    for (let i = 1; i < closes.length; i++) returns.push(closes[i]! / closes[i - 1]! - 1);
    expect(returns.length).toBeGreaterThan(1000);
    const sorted = [...returns].sort((a, b) => a - b);
    for (const c of [0.95, 0.99]) {
      const k = Math.ceil(returns.length * (1 - c)); // the k-th smallest return
      const h = historicalVar(returns, c);
      expect(h.var).toBe(-sorted[k - 1]!);
      const tail = sorted.slice(0, k);
      expect(h.es).toBeCloseTo(-tail.reduce((s, x) => s + x, 0) / k, 14);
      expect(h.es).toBeGreaterThanOrEqual(h.var);
      // The report for a 100% BTC portfolio gives the same historical figure.
      const report = portfolioVar({ symbols: ['BTC-USD'], weights: [1], returns: [returns], intervalMs: 86_400_000 });
      expect(report.figures.find((f) => f.confidence === c)!.historicalVar).toBe(-sorted[k - 1]!);
    }
  });

  it('one asset: parametric VaR/ES from μ and σ computed here', async () => {
    const eth = await load(files.find((f) => f.symbol === 'ETH-USD')!.path);
    const returns = simpleReturns(eth.map((b) => b.close));
    const n = returns.length;
    const mu = returns.reduce((s, x) => s + x, 0) / n;
    const sigma = Math.sqrt(returns.reduce((s, x) => s + (x - mu) ** 2, 0) / (n - 1));
    const report = portfolioVar({ symbols: ['ETH-USD'], weights: [1], returns: [returns], intervalMs: 86_400_000 });
    expect(report.mean).toBeCloseTo(mu, 15);
    expect(report.stdev).toBeCloseTo(sigma, 14);
    // z values from tables: Φ⁻¹(0.95) = 1.6448536269514722, Φ⁻¹(0.99) = 2.3263478740408408.
    const z = { 0.95: 1.6448536269514722, 0.99: 2.3263478740408408 };
    const pdf = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
    for (const f of report.figures) {
      const zc = z[f.confidence as 0.95 | 0.99];
      expect(f.parametricVar).toBeCloseTo(zc * sigma - mu, 8);
      expect(f.parametricEs).toBeCloseTo((sigma * pdf(zc)) / (1 - f.confidence) - mu, 8);
    }
  });

  it('portfolio: parametric σ from the covariance matrix computed here; historical from the weighted return series', async () => {
    const symbols = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'BNB-USD'].filter((s) =>
      files.some((f) => f.symbol === s),
    );
    const bars = await Promise.all(symbols.map((s) => load(files.find((f) => f.symbol === s)!.path)));
    const closes = alignedCloses(bars, 365);
    const returns = closes.map(simpleReturns);
    const weights = symbols.map((_, i) => (i + 1) / 10);
    const n = returns[0]!.length;
    expect(n).toBe(365);
    // Independent: covariance directly, σ² = wᵀ Σ w.
    const means = returns.map((r) => r.reduce((s, x) => s + x, 0) / n);
    let variance = 0;
    for (let i = 0; i < symbols.length; i++)
      for (let j = 0; j < symbols.length; j++) {
        let cov = 0;
        for (let t = 0; t < n; t++) cov += (returns[i]![t]! - means[i]!) * (returns[j]![t]! - means[j]!);
        variance += weights[i]! * weights[j]! * (cov / (n - 1));
      }
    const report = portfolioVar({ symbols, weights, returns, intervalMs: 86_400_000, value: 1_000_000 });
    expect(report.stdev).toBeCloseTo(Math.sqrt(variance), 14);
    const mu = weights.reduce((s, w, i) => s + w * means[i]!, 0);
    const p95 = parametricVar(mu, Math.sqrt(variance), 0.95);
    expect(report.figures[0]!.parametricVar).toBeCloseTo(p95.var, 12);
    // Historical: the quantile of Σ wᵢ rᵢ,ₜ.
    const pnl = Array.from({ length: n }, (_, t) => weights.reduce((s, w, i) => s + w * returns[i]![t]!, 0));
    expect(report.figures[1]!.historicalVar).toBeCloseTo(historicalVar(pnl, 0.99).var, 14);
    // Correlations are in [-1, 1] with a unit diagonal, and crypto majors correlate positively.
    for (let i = 0; i < symbols.length; i++) {
      expect(report.correlations[i]![i]).toBe(1);
      for (const c of report.correlations[i]!) expect(Math.abs(c)).toBeLessThanOrEqual(1);
    }
    expect(report.correlations[0]![1]).toBeGreaterThan(0.5);
    // 99% is further in the tail than 95%.
    expect(report.figures[1]!.parametricVar).toBeGreaterThan(report.figures[0]!.parametricVar);
  });

  it('hourly data is scaled to one day by √24', async () => {
    const hourly = listSampleBarFiles().find((f) => f.symbol === 'BTC-USD' && f.intervalMs === 3_600_000);
    if (!hourly) return;
    const returns = simpleReturns((await load(hourly.path)).map((b) => b.close));
    const report = portfolioVar({ symbols: ['BTC-USD'], weights: [1], returns: [returns], intervalMs: 3_600_000 });
    expect(report.horizonScale).toBeCloseTo(Math.sqrt(24), 14);
    expect(report.figures[0]!.historicalVar).toBeCloseTo(historicalVar(returns, 0.95).var * Math.sqrt(24), 14);
    expect(report.figures[0]!.parametricVar).toBeCloseTo(
      1.6448536269514722 * report.stdev * Math.sqrt(24) - report.mean * 24,
      8,
    );
  });
});

describe('the tail of n observations', () => {
  it('is ⌈n(1 − c)⌉ exactly, however large n is (1 − 0.95 is not 0.05 as a double)', () => {
    expect(tailCount(43_200, 1 - 0.95)).toBe(2160);
    expect(tailCount(100, 1 - 0.95)).toBe(5);
    expect(tailCount(101, 1 - 0.95)).toBe(6);
    expect(tailCount(1_000_000, 1 - 0.99)).toBe(10_000);
    expect(tailCount(3, 0.01)).toBe(1);
    const returns = Array.from({ length: 43_200 }, (_, i) => -((i * 7919) % 43_200) / 1e6);
    const sorted = [...returns].sort((a, b) => a - b);
    const { var: v, es } = historicalVar(returns, 0.95);
    expect(v).toBe(-sorted[2159]!);
    expect(es).toBeCloseTo(-sorted.slice(0, 2160).reduce((s, x) => s + x, 0) / 2160, 15);
  });
});
