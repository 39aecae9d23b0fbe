// An equity curve: sampled points, the high-water mark and the drawdown below it. Valuations are floats (ARCHITECTURE
// principle 4); the cash in each point is exact.
import type { Decimal } from '../core/decimal.ts';

export interface EquitySample {
  readonly timestamp: number;
  readonly equity: number;
  readonly cash: Decimal;
  readonly positionsValue: number;
  /** Fraction below the high-water mark at this point (0.1 = 10 %). */
  readonly drawdown: number;
}

export interface CurveState {
  readonly highWaterMark: number;
  readonly maxDrawdown: number;
  readonly lastSampleAt?: number;
}

/** Fraction of `peak` lost at `equity`; 0 when there is no positive peak to fall from. */
export function drawdownFrom(peak: number, equity: number): number {
  return peak > 0 && equity < peak ? (peak - equity) / peak : 0;
}

export class EquityCurve {
  readonly #maxPoints: number;
  #points: EquitySample[] = [];
  /** Points not yet written to the store. */
  #unsaved: EquitySample[] = [];
  #highWaterMark = Number.NEGATIVE_INFINITY;
  #maxDrawdown = 0;
  #lastSampleAt: number | undefined;
  /** The peak and worst drawdown before the last point was recorded. */
  #beforeLast: { readonly highWaterMark: number; readonly maxDrawdown: number } | undefined;

  constructor(maxPoints: number) {
    this.#maxPoints = maxPoints;
  }

  /** Records a point; a second point at the same timestamp replaces the first (as the store does). */
  record(timestamp: number, equity: number, cash: Decimal, positionsValue: number): EquitySample {
    // A replaced point takes its peak and worst drawdown with it: measure again from the state before it.
    if (this.#beforeLast !== undefined && this.#points.at(-1)?.timestamp === timestamp) {
      this.#highWaterMark = this.#beforeLast.highWaterMark;
      this.#maxDrawdown = this.#beforeLast.maxDrawdown;
    } else {
      this.#beforeLast = { highWaterMark: this.#highWaterMark, maxDrawdown: this.#maxDrawdown };
    }
    if (equity > this.#highWaterMark) this.#highWaterMark = equity;
    const drawdown = drawdownFrom(this.#highWaterMark, equity);
    if (drawdown > this.#maxDrawdown) this.#maxDrawdown = drawdown;
    const sample: EquitySample = { timestamp, equity, cash, positionsValue, drawdown };
    replaceOrPush(this.#points, sample);
    replaceOrPush(this.#unsaved, sample);
    // Trim in batches: dropping one point per record would move the whole array each time.
    if (this.#points.length > this.#maxPoints + Math.max(1024, this.#maxPoints >> 2)) {
      this.#points.splice(0, this.#points.length - this.#maxPoints);
    }
    this.#lastSampleAt = timestamp;
    return sample;
  }

  get highWaterMark(): number | undefined {
    return Number.isFinite(this.#highWaterMark) ? this.#highWaterMark : undefined;
  }

  get maxDrawdown(): number {
    return this.#maxDrawdown;
  }

  get lastSampleAt(): number | undefined {
    return this.#lastSampleAt;
  }

  /** Drawdown of `equity` against the high-water mark, counting `equity` itself as a possible new peak. */
  currentDrawdown(equity: number): number {
    return drawdownFrom(Math.max(this.#highWaterMark, equity), equity);
  }

  /** The last `maxPoints` points, oldest first. */
  points(): readonly EquitySample[] {
    return this.#points.length > this.#maxPoints ? this.#points.slice(-this.#maxPoints) : this.#points;
  }

  takeUnsaved(): EquitySample[] {
    const out = this.#unsaved;
    this.#unsaved = [];
    return out;
  }

  /** Puts back points whose save failed, ahead of newer ones. */
  returnUnsaved(points: readonly EquitySample[]): void {
    this.#unsaved = [...points, ...this.#unsaved];
  }

  state(): CurveState {
    return {
      highWaterMark: this.#highWaterMark,
      maxDrawdown: this.#maxDrawdown,
      ...(this.#lastSampleAt !== undefined && { lastSampleAt: this.#lastSampleAt }),
    };
  }

  /** Restores after a restart: history loaded from the store (oldest first), peak and worst drawdown from the ledger. */
  restore(state: CurveState, history: readonly EquitySample[]): void {
    this.#points = history.slice(-this.#maxPoints);
    this.#unsaved = [];
    let peak = state.highWaterMark;
    let worst = state.maxDrawdown;
    for (const p of history) {
      if (p.equity > peak) peak = p.equity;
      if (p.drawdown > worst) worst = p.drawdown;
    }
    this.#highWaterMark = peak;
    this.#maxDrawdown = worst;
    this.#beforeLast = undefined;
    this.#lastSampleAt = state.lastSampleAt ?? history.at(-1)?.timestamp;
  }
}

function replaceOrPush(list: EquitySample[], sample: EquitySample): void {
  const last = list.at(-1);
  if (last !== undefined && last.timestamp === sample.timestamp) list[list.length - 1] = sample;
  else list.push(sample);
}
