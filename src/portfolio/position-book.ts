// The positions of one scope (the whole account, or one strategy) by symbol. The ledger (Position) is exact; a float
// copy of quantity and cost is kept beside it so that marking to market never does decimal arithmetic.
import { toNumber, ZERO, type Decimal } from '../core/decimal.ts';
import { emptyPosition, type Position } from '../model/position.ts';

export interface BookEntry {
  readonly position: Position;
  readonly quantity: number;
  readonly costBasis: number;
}

export interface BookValuation {
  /** Σ quantity × mark (signed: a short counts negative). */
  readonly positionsValue: number;
  /** Σ (quantity × mark − cost basis). */
  readonly unrealizedPnl: number;
  /** Σ |quantity × mark|. */
  readonly grossExposure: number;
}

/** A mark lookup: the latest price of a symbol, or undefined when none has been seen. */
export type MarkLookup = (symbol: string) => number | undefined;

export class PositionBook {
  readonly strategyId: string | undefined;
  readonly #entries = new Map<string, BookEntry>();
  /** Net cash paid and received by this scope's fills (sells − buys − fees); exact. */
  #cashFlow: Decimal = ZERO;
  #cashFlowNumber = 0;
  /** Σ realized PnL and Σ fees over the entries, summed when read after a change (fills far outnumber reads). */
  #totals: { readonly realizedPnl: Decimal; readonly fees: Decimal } | undefined;

  constructor(strategyId?: string) {
    this.strategyId = strategyId;
  }

  get(symbol: string): Position {
    return this.#entries.get(symbol)?.position ?? emptyPosition(symbol, this.strategyId);
  }

  set(position: Position): void {
    this.#totals = undefined;
    this.#entries.set(position.symbol, {
      position,
      quantity: toNumber(position.quantity),
      costBasis: toNumber(position.costBasis),
    });
  }

  positions(): Position[] {
    return [...this.#entries.values()].map((e) => e.position);
  }

  entries(): IterableIterator<BookEntry> {
    return this.#entries.values();
  }

  get cashFlow(): Decimal {
    return this.#cashFlow;
  }

  /** The cash flow as a float, for valuations. */
  get cashFlowNumber(): number {
    return this.#cashFlowNumber;
  }

  addCashFlow(amount: Decimal): void {
    this.restoreCashFlow(this.#cashFlow.plus(amount));
  }

  restoreCashFlow(amount: Decimal): void {
    this.#cashFlow = amount;
    this.#cashFlowNumber = toNumber(amount);
  }

  /** Forgets every position and the cash flow (before a restore). */
  clear(): void {
    this.#entries.clear();
    this.restoreCashFlow(ZERO);
    this.#totals = undefined;
  }

  realizedPnl(): Decimal {
    return this.#sums().realizedPnl;
  }

  fees(): Decimal {
    return this.#sums().fees;
  }

  #sums(): { readonly realizedPnl: Decimal; readonly fees: Decimal } {
    if (this.#totals === undefined) {
      let realizedPnl = ZERO;
      let fees = ZERO;
      for (const e of this.#entries.values()) {
        realizedPnl = realizedPnl.plus(e.position.realizedPnl);
        fees = fees.plus(e.position.fees);
      }
      this.#totals = { realizedPnl, fees };
    }
    return this.#totals;
  }

  /** Float valuation; a position with no mark yet is valued at its cost (unrealized 0). */
  value(markOf: MarkLookup): BookValuation {
    let positionsValue = 0;
    let unrealizedPnl = 0;
    let grossExposure = 0;
    for (const e of this.#entries.values()) {
      if (e.quantity === 0) continue;
      const mark = markOf(e.position.symbol);
      const value = mark === undefined ? e.costBasis : e.quantity * mark;
      positionsValue += value;
      unrealizedPnl += value - e.costBasis;
      grossExposure += Math.abs(value);
    }
    return { positionsValue, unrealizedPnl, grossExposure };
  }

  /** Σ quantity × mark alone: what equity needs on every bar, without building a valuation. */
  positionsValue(markOf: MarkLookup): number {
    let total = 0;
    for (const e of this.#entries.values()) {
      if (e.quantity === 0) continue;
      const mark = markOf(e.position.symbol);
      total += mark === undefined ? e.costBasis : e.quantity * mark;
    }
    return total;
  }

  /** Exact Σ quantity × mark (a position with no mark is valued at its cost). */
  exactPositionsValue(markOf: (symbol: string) => Decimal | undefined): Decimal {
    let total = ZERO;
    for (const e of this.#entries.values()) {
      if (e.position.quantity.eq(ZERO)) continue;
      const mark = markOf(e.position.symbol);
      total = total.plus(mark === undefined ? e.position.costBasis : e.position.quantity.times(mark));
    }
    return total;
  }
}
