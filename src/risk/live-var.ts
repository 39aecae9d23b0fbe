// VaR and ES of the live portfolio, kept current on every equity update at a bounded cost.
//
// The returns matrix and its moments (BarReturns.stats) change only when a return period closes or the held set
// changes. Per update only the weights change, so:
// - parametric figures are recomputed every update: μₚ = w·μ and σₚ² = w'Σw, O(n²) for n held assets;
// - historical figures (quantile of Σ wᵢ rᵢ,ₜ) are recomputed when the returns changed or when the *direction* of the
//   weights moved by more than `weightTolerance` (L1 distance of w/Σ|w|). Otherwise they are scaled by Σ|w|/Σ|w₀|:
//   quantiles are positively homogeneous, so a pure rescaling of the weights (every single-asset case, a uniform
//   price move) gives exactly the recomputed figure; a small rotation gives an error bounded by the tolerance.
// `everyMs` bounds the update rate in clock time for backtests (0 = every equity update, the live/paper default).
import type { MarketView } from '../data/cache.ts';
import type { Position } from '../model/position.ts';
import type { BarReturns, ReturnStats } from './bar-returns.ts';
import { quantityNumber } from './exposure-book.ts';
import { empiricalQuantile, mean, tailCount } from './statistics.ts';
import { DAY_MS, parametricVar, VAR_CONFIDENCES, type VarFigure, type VarReport } from './var.ts';

export interface LiveVarOptions {
  /** Bar interval of the returns (the horizon is scaled from it to one day). */
  readonly intervalMs: number;
  /** Returns used (the last `lookback` aligned ones). */
  readonly lookback: number;
  readonly confidences?: readonly number[];
  /** Least clock time between two updates; 0 = every update. */
  readonly everyMs?: number;
  /** L1 move of the normalized weights beyond which the historical figures are recomputed (default 0.01). */
  readonly weightTolerance?: number;
}

export interface LiveVarCounters {
  /** Updates that produced figures. */
  readonly updates: number;
  /** Of those, how many re-ran the historical simulation (the rest rescaled it). */
  readonly historicalRecomputes: number;
}

interface Historical {
  readonly stats: ReturnStats;
  readonly weights: Float64Array;
  readonly gross: number;
  /** Per confidence: VaR, ES (already scaled to one day). */
  readonly figures: Float64Array;
}

export class LiveVar {
  readonly #returns: BarReturns;
  readonly #lookback: number;
  readonly #confidences: readonly number[];
  readonly #periods: number;
  readonly #scale: number;
  readonly #everyMs: number;
  readonly #tolerance: number;
  #nextAt = Number.NEGATIVE_INFINITY;
  #symbols: string[] = [];
  #weights: Float64Array = new Float64Array(0);
  #historical: Historical | undefined;
  #state: { stats: ReturnStats; muP: number; sigmaP: number; value: number; figures: Float64Array } | undefined;
  #report: VarReport | undefined;
  #updates = 0;
  #recomputes = 0;

  constructor(returns: BarReturns, options: LiveVarOptions) {
    this.#returns = returns;
    this.#lookback = options.lookback;
    this.#confidences = options.confidences ?? VAR_CONFIDENCES;
    this.#periods = DAY_MS / options.intervalMs;
    this.#scale = Math.sqrt(this.#periods);
    this.#everyMs = options.everyMs ?? 0;
    this.#tolerance = options.weightTolerance ?? 0.01;
  }

  /**
   * Updates the figures for the held positions at current prices (skipped within `everyMs` of the last update
   * unless `force`). Positions that cannot be valued, no equity or too few returns leave no figure.
   */
  update(positions: readonly Position[], market: MarketView, equity: number, now: number, force = false): void {
    if (!force && now < this.#nextAt) return;
    this.#nextAt = now + this.#everyMs;
    const symbols = this.#symbols;
    let n = 0;
    let changed = false;
    for (const p of positions) {
      const q = quantityNumber(p.quantity);
      if (!(q > 0)) continue;
      const price = market.price(p.symbol);
      if (price === undefined) return this.#clear(); // a position we cannot value: no figure rather than a wrong one
      if (symbols[n] !== p.symbol) {
        symbols[n] = p.symbol;
        changed = true;
      }
      if (this.#weights.length <= n) this.#weights = grow(this.#weights, n + 1);
      this.#weights[n] = q * price;
      n++;
    }
    if (symbols.length !== n) {
      symbols.length = n;
      changed = true;
    }
    if (n === 0 || !(equity > 0)) return this.#clear();
    const stats = this.#returns.stats(symbols, this.#lookback);
    if (stats === undefined) return this.#clear();
    const w = this.#weights;
    let gross = 0;
    for (let i = 0; i < n; i++) {
      w[i] = (w[i] as number) / equity;
      gross += Math.abs(w[i] as number);
    }

    // Parametric, summed in the same order as portfolioVar so the figures are identical.
    let muP = 0;
    let varP = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i] as number;
      const si = stats.stdevs[i] as number;
      const rho = stats.correlations[i] as readonly number[];
      muP += wi * (stats.means[i] as number);
      for (let j = 0; j < n; j++) varP += wi * (w[j] as number) * si * (stats.stdevs[j] as number) * (rho[j] as number);
    }
    const sigmaP = Math.sqrt(Math.max(0, varP));

    const h = this.#historicalFor(stats, n, gross, changed);
    const scale = h.gross > 0 ? gross / h.gross : 0;
    const k = this.#confidences.length;
    const figures = new Float64Array(4 * k);
    for (let c = 0; c < k; c++) {
      const p = parametricVar(muP, sigmaP, this.#confidences[c] as number, this.#periods);
      figures[4 * c] = (h.figures[2 * c] as number) * scale;
      figures[4 * c + 1] = (h.figures[2 * c + 1] as number) * scale;
      figures[4 * c + 2] = p.var;
      figures[4 * c + 3] = p.es;
    }
    this.#state = { stats, muP, sigmaP, value: equity, figures };
    this.#report = undefined;
    this.#updates++;
  }

  #historicalFor(stats: ReturnStats, n: number, gross: number, symbolsChanged: boolean): Historical {
    const w = this.#weights;
    const prev = this.#historical;
    if (prev && !symbolsChanged && prev.stats === stats && prev.gross > 0 && gross > 0) {
      let moved = 0;
      for (let i = 0; i < n; i++)
        moved += Math.abs((w[i] as number) / gross - (prev.weights[i] as number) / prev.gross);
      if (moved <= this.#tolerance) return prev;
    }
    // Historical simulation: today's weights applied to every past bar's returns (as portfolioVar does).
    const length = stats.observations;
    const pnl = new Array<number>(length).fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w[i] as number;
      const r = stats.returns[i] as readonly number[];
      for (let t = 0; t < length; t++) pnl[t] = (pnl[t] as number) + wi * (r[t] as number);
    }
    pnl.sort((a, b) => a - b);
    const figures = new Float64Array(2 * this.#confidences.length);
    this.#confidences.forEach((confidence, c) => {
      const alpha = 1 - confidence;
      const k = tailCount(length, alpha);
      figures[2 * c] = -empiricalQuantile(pnl, alpha) * this.#scale;
      figures[2 * c + 1] = -mean(pnl.slice(0, k)) * this.#scale;
    });
    this.#recomputes++;
    this.#historical = { stats, weights: w.slice(0, n), gross, figures };
    return this.#historical;
  }

  #clear(): void {
    this.#symbols.length = 0;
    this.#state = undefined;
    this.#report = undefined;
  }

  /** The latest figures as a VarReport (built on demand); undefined when there is no figure. */
  report(): VarReport | undefined {
    const s = this.#state;
    if (s === undefined) return undefined;
    if (this.#report) return this.#report;
    const figures = this.#confidences.map((confidence, c): VarFigure => ({
      confidence,
      historicalVar: s.figures[4 * c] as number,
      historicalEs: s.figures[4 * c + 1] as number,
      parametricVar: s.figures[4 * c + 2] as number,
      parametricEs: s.figures[4 * c + 3] as number,
    }));
    this.#report = {
      symbols: [...this.#symbols],
      weights: Array.from(this.#weights.subarray(0, this.#symbols.length)),
      observations: s.stats.observations,
      horizonScale: this.#scale,
      mean: s.muP,
      stdev: s.sigmaP,
      correlations: s.stats.correlations,
      value: s.value,
      figures,
    };
    return this.#report;
  }

  counters(): LiveVarCounters {
    return { updates: this.#updates, historicalRecomputes: this.#recomputes };
  }
}

function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(Math.max(n, a.length * 2, 4));
  b.set(a);
  return b;
}
