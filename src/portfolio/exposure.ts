// Exposure of the account: how much of its equity sits in positions, long and short, and in each asset.
import type { BookEntry, MarkLookup } from './position-book.ts';

export interface AssetExposure {
  /** Base asset code ('BTC' for 'BTC-USD'); symbols that share it are added together. */
  readonly asset: string;
  readonly symbols: readonly string[];
  /** Signed market value (quantity × mark). */
  readonly value: number;
  /** |value| / equity; NaN-free: 0 when equity is not positive. */
  readonly concentration: number;
}

export interface Exposure {
  /** Σ |value| of the positions. */
  readonly gross: number;
  /** Σ value (longs − shorts). */
  readonly net: number;
  readonly long: number;
  readonly short: number;
  /** gross / equity (leverage); 0 when equity is not positive. */
  readonly grossRatio: number;
  readonly netRatio: number;
  /** Largest concentration first. */
  readonly byAsset: readonly AssetExposure[];
}

/** 'BTC-USD' → 'BTC'; a symbol without a dash is its own asset. */
export function assetOf(symbol: string): string {
  const dash = symbol.indexOf('-');
  return dash < 0 ? symbol : symbol.slice(0, dash);
}

export function computeExposure(entries: Iterable<BookEntry>, markOf: MarkLookup, equity: number): Exposure {
  let long = 0;
  let short = 0;
  const byAsset = new Map<string, { symbols: string[]; value: number }>();
  for (const e of entries) {
    if (e.quantity === 0) continue;
    const value = valueOf(e, markOf);
    if (value >= 0) long += value;
    else short -= value;
    const asset = assetOf(e.position.symbol);
    const slot = byAsset.get(asset) ?? { symbols: [], value: 0 };
    slot.symbols.push(e.position.symbol);
    slot.value += value;
    byAsset.set(asset, slot);
  }
  const ratio = (x: number): number => (equity > 0 ? x / equity : 0);
  const assets: AssetExposure[] = [...byAsset.entries()].map(([asset, s]) => ({
    asset,
    symbols: s.symbols.sort(),
    value: s.value,
    concentration: ratio(Math.abs(s.value)),
  }));
  assets.sort((a, b) => b.concentration - a.concentration || a.asset.localeCompare(b.asset));
  return {
    gross: long + short,
    net: long - short,
    long,
    short,
    grossRatio: ratio(long + short),
    netRatio: ratio(long - short),
    byAsset: assets,
  };
}

function valueOf(e: BookEntry, markOf: MarkLookup): number {
  const mark = markOf(e.position.symbol);
  return mark === undefined ? e.costBasis : e.quantity * mark;
}
