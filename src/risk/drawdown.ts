// Peak-to-trough drawdown and the daily loss, fed by every equity update. The monitor only measures; the engine
// decides what a breach does (REDUCING or HALTED) and latches it.
import { DAY_MS } from './var.ts';

export interface DrawdownReading {
  readonly equity: number;
  readonly peak: number;
  /** 1 − equity / peak, ≥ 0. */
  readonly drawdown: number;
  /** Equity at the first update of the current UTC day. */
  readonly dayStartEquity: number;
  /** 1 − equity / dayStartEquity, ≥ 0. */
  readonly dailyLoss: number;
  readonly day: number;
  readonly timestamp: number;
}

export class DrawdownMonitor {
  #peak = Number.NaN;
  #day = Number.NaN;
  #dayStart = Number.NaN;
  #last: DrawdownReading | undefined;

  update(equity: number, timestamp: number): DrawdownReading {
    const day = Math.floor(timestamp / DAY_MS);
    if (!(this.#peak >= equity)) this.#peak = equity;
    if (day !== this.#day) {
      this.#day = day;
      this.#dayStart = equity;
    }
    const ratio = (base: number): number => (base > 0 ? Math.max(0, 1 - equity / base) : 0);
    this.#last = {
      equity,
      peak: this.#peak,
      drawdown: ratio(this.#peak),
      dayStartEquity: this.#dayStart,
      dailyLoss: ratio(this.#dayStart),
      day,
      timestamp,
    };
    return this.#last;
  }

  /** Starts measuring again from `equity` (after an explicit resume). */
  rebase(equity: number, timestamp: number): void {
    this.#peak = equity;
    this.#day = Math.floor(timestamp / DAY_MS);
    this.#dayStart = equity;
    this.update(equity, timestamp);
  }

  /** Restores a saved peak (so a restart does not forget how far down the account is). */
  restorePeak(peak: number): void {
    if (peak > 0 && !(this.#peak >= peak)) this.#peak = peak;
  }

  get last(): DrawdownReading | undefined {
    return this.#last;
  }
}
