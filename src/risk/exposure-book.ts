// The risk figures of a set of holdings: per-position risk (value × distance to the stop), total risk, gross
// exposure and per-asset concentration, as fractions of equity. The engine measures the book *after* a requested
// order with this, and the property tests measure the real portfolio with the same function.
import type { Decimal } from '../core/decimal.ts';
import { assetOf } from '../portfolio/exposure.ts';

// Decimals are immutable, so a quantity's float value can be remembered by identity: the hot path then converts each
// position's quantity once, not on every check.
const floats = new WeakMap<Decimal, number>();

/** The float value of an exact quantity (for valuations), memoized per Decimal object. */
export function quantityNumber(d: Decimal): number {
  let x = floats.get(d);
  if (x === undefined) {
    x = Number(d.toFixed());
    floats.set(d, x);
  }
  return x;
}

export interface Holding {
  readonly symbol: string;
  /** Held quantity plus what open buy orders would add (≥ 0: the account is long-only). */
  readonly quantity: number;
  readonly price: number;
  /** Distance from the price to the stop, as a fraction of the price. */
  readonly stopFraction: number;
}

export interface BookRisk {
  /** Risk of each symbol's position / equity. */
  readonly positionRisk: ReadonlyMap<string, number>;
  /** Σ position risks / equity. */
  readonly portfolioRisk: number;
  /** Σ |value| / equity. */
  readonly grossExposure: number;
  /** |value| per base asset / equity. */
  readonly concentration: ReadonlyMap<string, number>;
}

export function measureBook(holdings: Iterable<Holding>, equity: number): BookRisk {
  const positionRisk = new Map<string, number>();
  const concentration = new Map<string, number>();
  let portfolioRisk = 0;
  let gross = 0;
  for (const h of holdings) {
    const value = Math.abs(h.quantity * h.price);
    const risk = value * h.stopFraction;
    positionRisk.set(h.symbol, (positionRisk.get(h.symbol) ?? 0) + risk / equity);
    portfolioRisk += risk;
    gross += value;
    const asset = assetOf(h.symbol);
    concentration.set(asset, (concentration.get(asset) ?? 0) + value / equity);
  }
  return { positionRisk, portfolioRisk: portfolioRisk / equity, grossExposure: gross / equity, concentration };
}

export interface SymbolRisk {
  /** Risk of `symbol`'s position(s) / equity. */
  readonly positionRisk: number;
  readonly portfolioRisk: number;
  readonly grossExposure: number;
  /** |value| in `symbol`'s base asset / equity. */
  readonly concentration: number;
}

/**
 * measureBook's figures for one symbol of `holdings` followed by `extra`, with the same float operations in the same
 * order (so the gate and the property tests agree to the last bit), without building maps: the pre-trade hot path.
 */
export function measureSymbol(holdings: Iterable<Holding>, extra: Holding, equity: number, symbol: string): SymbolRisk {
  const acc = { asset: assetOf(symbol), symbol, equity, positionRisk: 0, concentration: 0, portfolioRisk: 0, gross: 0 };
  for (const h of holdings) accumulate(acc, h);
  accumulate(acc, extra);
  return {
    positionRisk: acc.positionRisk,
    portfolioRisk: acc.portfolioRisk / equity,
    grossExposure: acc.gross / equity,
    concentration: acc.concentration,
  };
}

interface Accumulator {
  readonly asset: string;
  readonly symbol: string;
  readonly equity: number;
  positionRisk: number;
  concentration: number;
  portfolioRisk: number;
  gross: number;
}

function accumulate(acc: Accumulator, h: Holding): void {
  const value = Math.abs(h.quantity * h.price);
  const risk = value * h.stopFraction;
  if (h.symbol === acc.symbol) acc.positionRisk += risk / acc.equity;
  acc.portfolioRisk += risk;
  acc.gross += value;
  if (assetOf(h.symbol) === acc.asset) acc.concentration += value / acc.equity;
}
