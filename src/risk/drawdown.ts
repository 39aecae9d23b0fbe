// Peak-to-trough drawdown and the daily loss, fed by every equity update. The monitor only measures; the engine
// decides what a breach does (REDUCING or HALTED) and latches it.
import { DAY_MS } from './var.ts';

export interface DrawdownReading {
  readonly equity: number;
  readonly peak: number;
  /** 1 − equity / peak, ≥ 0. */
  readonly drawdown: number;
  /**
   * Equity when the current UTC day began: the last update before it (the previous day's close), or the day's first
   * update when there was none (the first ever, or the first after a restart on a new day).
   */
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
      // From where the previous day ended: a loss across midnight, or between two daily bars, is a loss of the day.
      this.#dayStart = this.#last?.equity ?? equity;
      this.#day = day;
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

  /** Restores the saved start of a day (a restart within that day keeps measuring the day's loss from it). */
  restoreDay(day: number, dayStartEquity: number): void {
    if (this.#last === undefined && dayStartEquity > 0) {
      this.#day = day;
      this.#dayStart = dayStartEquity;
    }
  }

  get last(): DrawdownReading | undefined {
    return this.#last;
  }
}
