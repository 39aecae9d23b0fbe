// Value at Risk and Expected Shortfall of a portfolio, by historical simulation and by the parametric
// (variance–covariance) method with the correlation matrix. Figures are losses as positive fractions of the
// portfolio's value over a one-day horizon, scaled from the data's frequency by √t.
import { correlation, empiricalQuantile, mean, normalPdf, normalQuantile, stdev, tailCount } from './statistics.ts';

export const DAY_MS = 86_400_000;
export const VAR_CONFIDENCES = [0.95, 0.99] as const;

export interface VarFigure {
  readonly confidence: number;
  /** Loss not exceeded with probability `confidence` over one day (fraction of value; positive = loss). */
  readonly historicalVar: number;
  /** Mean loss in the worst (1 − confidence) of days, historical simulation. */
  readonly historicalEs: number;
  readonly parametricVar: number;
  readonly parametricEs: number;
}

export interface VarReport {
  readonly symbols: readonly string[];
  readonly weights: readonly number[];
  /** Returns per asset used (aligned on shared bar times). */
  readonly observations: number;
  /** √(periods per day): the factor that turned per-bar figures into one-day figures. */
  readonly horizonScale: number;
  /** Per-bar mean and standard deviation of the portfolio return. */
  readonly mean: number;
  readonly stdev: number;
  readonly correlations: readonly (readonly number[])[];
  /** Portfolio value the fractions refer to (0 when only fractions were asked for). */
  readonly value: number;
  readonly figures: readonly VarFigure[];
}

export interface VarInput {
  readonly symbols: readonly string[];
  /** Per asset, the same number of per-bar simple returns, aligned in time. */
  readonly returns: readonly (readonly number[])[];
  /** Position value / portfolio value per asset (signed). */
  readonly weights: readonly number[];
  readonly intervalMs: number;
  readonly value?: number;
  readonly confidences?: readonly number[];
}

/** Historical VaR and ES of one series of per-bar returns, scaled by `scale` (√t). */
export function historicalVar(returns: readonly number[], confidence: number, scale = 1): { var: number; es: number } {
  const sorted = [...returns].sort((a, b) => a - b);
  const alpha = 1 - confidence;
  const q = empiricalQuantile(sorted, alpha);
  // The tail is the same ⌈nα⌉ worst returns the quantile was taken from.
  const k = tailCount(sorted.length, alpha);
  const tail = mean(sorted.slice(0, k));
  return { var: -q * scale, es: -tail * scale };
}

/** Parametric (normal) VaR and ES over `periods` bars from the per-bar mean μ and standard deviation σ. */
export function parametricVar(mu: number, sigma: number, confidence: number, periods = 1): { var: number; es: number } {
  const z = normalQuantile(confidence);
  const m = mu * periods;
  const s = sigma * Math.sqrt(periods);
  return { var: z * s - m, es: (s * normalPdf(z)) / (1 - confidence) - m };
}

/** Correlation matrix of aligned return series (1 on the diagonal; 0 where undefined, e.g. a constant series). */
export function correlationMatrix(returns: readonly (readonly number[])[]): number[][] {
  const n = returns.length;
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    (m[i] as number[])[i] = 1;
    for (let j = i + 1; j < n; j++) {
      const c = correlation(returns[i] as number[], returns[j] as number[]);
      const v = Number.isNaN(c) ? 0 : c;
      (m[i] as number[])[j] = v;
      (m[j] as number[])[i] = v;
    }
  }
  return m;
}

/** VaR and ES at each confidence (default 95% and 99%), both methods. */
export function portfolioVar(input: VarInput): VarReport {
  const { returns, weights } = input;
  const n = returns.length;
  if (n === 0 || n !== weights.length || n !== input.symbols.length)
    throw new RangeError(`portfolioVar needs one weight and one return series per symbol (got ${n} series)`);
  const length = (returns[0] as readonly number[]).length;
  if (length < 2 || returns.some((r) => r.length !== length))
    throw new RangeError(`portfolioVar needs at least 2 aligned returns per asset (got ${length})`);
  const periods = DAY_MS / input.intervalMs;
  const horizonScale = Math.sqrt(periods);

  // Historical simulation: today's weights applied to every past bar's returns.
  const pnl = new Array<number>(length).fill(0);
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    const r = returns[i] as readonly number[];
    for (let t = 0; t < length; t++) pnl[t] = (pnl[t] as number) + w * (r[t] as number);
  }

  // Parametric: μ_p = Σ wᵢμᵢ, σ_p² = Σᵢ Σⱼ wᵢ wⱼ σᵢ σⱼ ρᵢⱼ.
  const mus = returns.map((r) => mean(r));
  const sigmas = returns.map((r) => stdev(r));
  const rho = correlationMatrix(returns);
  let muP = 0;
  let varP = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i] as number;
    muP += wi * (mus[i] as number);
    for (let j = 0; j < n; j++) {
      varP +=
        wi *
        (weights[j] as number) *
        (sigmas[i] as number) *
        (sigmas[j] as number) *
        ((rho[i] as number[])[j] as number);
    }
  }
  const sigmaP = Math.sqrt(Math.max(0, varP));

  const figures = (input.confidences ?? VAR_CONFIDENCES).map((confidence): VarFigure => {
    const h = historicalVar(pnl, confidence, horizonScale);
    const p = parametricVar(muP, sigmaP, confidence, periods);
    return { confidence, historicalVar: h.var, historicalEs: h.es, parametricVar: p.var, parametricEs: p.es };
  });
  return {
    symbols: input.symbols,
    weights,
    observations: length,
    horizonScale,
    mean: muP,
    stdev: sigmaP,
    correlations: rho,
    value: input.value ?? 0,
    figures,
  };
}
