// Float statistics for risk figures: returns, moments, correlation, empirical quantiles and the normal
// distribution. Risk metrics are valuations (ARCHITECTURE principle 4), so floats are right here.
import type { Bar } from '../model/market.ts';

/** Simple returns close-to-close: r_t = c_t / c_{t-1} − 1 (they add up across a portfolio by weight). */
export function simpleReturns(closes: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1] as number;
    out.push((closes[i] as number) / prev - 1);
  }
  return out;
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? Number.NaN : s / xs.length;
}

/** Sample standard deviation (n − 1). */
export function stdev(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return xs.length < 2 ? Number.NaN : Math.sqrt(s / (xs.length - 1));
}

/** Pearson correlation of two equally long series; NaN when either is constant or too short. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/**
 * The empirical α-quantile as the inverse of the empirical distribution function: the smallest observation x with
 * F_n(x) ≥ α, i.e. the ⌈nα⌉-th smallest (Hyndman–Fan type 1). No interpolation, so it is always an observed return.
 */
export function empiricalQuantile(sortedAscending: readonly number[], alpha: number): number {
  return sortedAscending[tailCount(sortedAscending.length, alpha) - 1] as number;
}

/**
 * ⌈nα⌉ in 1…n, the size of the α-tail of n observations. The tolerance is relative: 1 − 0.95 is 0.050000000000000044
 * as a double, and n × that passes an integer by more than any fixed epsilon once n is large (43,200 minute bars
 * gave 2,161 instead of 2,160).
 */
export function tailCount(n: number, alpha: number): number {
  return Math.min(n, Math.max(1, Math.ceil(n * alpha * (1 - 1e-12))));
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const at = (xs: number[], i: number): number => xs[i] as number;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) /
      ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((at(a, 0) * r + at(a, 1)) * r + at(a, 2)) * r + at(a, 3)) * r + at(a, 4)) * r + at(a, 5)) * q) /
    (((((at(b, 0) * r + at(b, 1)) * r + at(b, 2)) * r + at(b, 3)) * r + at(b, 4)) * r + 1)
  );
}

/**
 * Closes of several symbols aligned on the bar timestamps they all share (oldest first), last `count` + 1 kept so
 * that `count` returns come out. Bars missing for any symbol drop that timestamp for all.
 */
export function alignedCloses(series: readonly (readonly Bar[])[], count: number): number[][] {
  if (series.length === 0) return [];
  const maps = series.map((bars) => new Map(bars.map((b) => [b.timestamp, b.close])));
  const first = series[0] as readonly Bar[];
  const times = first.map((b) => b.timestamp).filter((t) => maps.every((m) => m.has(t)));
  const kept = times.slice(Math.max(0, times.length - (count + 1)));
  return maps.map((m) => kept.map((t) => m.get(t) as number));
}
