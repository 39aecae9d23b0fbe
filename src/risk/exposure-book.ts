// The risk figures of a set of holdings: per-position risk (value × distance to the stop), total risk, gross
// exposure and per-asset concentration, as fractions of equity. The engine measures the book *after* a requested
// order with this, and the property tests measure the real portfolio with the same function.
import { assetOf } from '../portfolio/exposure.ts';

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
