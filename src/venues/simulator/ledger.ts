// Per-account cash and holdings, exact. Buying power is cash minus what open buy orders hold back; available
// holdings are the total minus what open sell orders hold back.
import { dec, ZERO, type Decimal } from '../../core/decimal.ts';

export interface FeeTier {
  /** 30-day v2 volume in USD from which the tier applies. */
  readonly fromVolume: Decimal;
  readonly feeRatio: Decimal;
}

// Guessed schedule within the published "0.00%–0.95%" range; 0.0095 was seen on a low-volume account.
export const DEFAULT_FEE_TIERS: readonly FeeTier[] = [
  ['0', '0.0095'],
  ['50000', '0.0075'],
  ['100000', '0.006'],
  ['500000', '0.0045'],
  ['1000000', '0.003'],
  ['10000000', '0.0015'],
  ['50000000', '0'],
].map(([v, r]) => ({ fromVolume: dec(v ?? '0'), feeRatio: dec(r ?? '0') }));

export type AccountStatus = 'active' | 'deactivated' | 'sell_only';

export interface SimAccount {
  readonly accountNumber: string;
  status: AccountStatus;
  readonly accountType: string;
  isApiTradable: boolean;
  cash: Decimal;
  reservedCash: Decimal;
  readonly holdings: Map<string, Decimal>;
  readonly reservedAssets: Map<string, Decimal>;
  thirtyDayVolume: Decimal;
  /** Fixed fee ratio; when absent the tier table decides from the 30-day volume. */
  feeRatioOverride?: Decimal;
}

export interface NewAccount {
  accountNumber: string;
  buyingPower: Decimal | string;
  holdings?: Record<string, Decimal | string>;
  feeRatio?: Decimal | string;
  isApiTradable?: boolean;
  status?: AccountStatus;
}

export function createAccount(spec: NewAccount): SimAccount {
  const account: SimAccount = {
    accountNumber: spec.accountNumber,
    status: spec.status ?? 'active',
    accountType: 'individual',
    isApiTradable: spec.isApiTradable ?? true,
    cash: dec(spec.buyingPower),
    reservedCash: ZERO,
    holdings: new Map(),
    reservedAssets: new Map(),
    thirtyDayVolume: ZERO,
    ...(spec.feeRatio === undefined ? {} : { feeRatioOverride: dec(spec.feeRatio) }),
  };
  for (const [asset, qty] of Object.entries(spec.holdings ?? {})) account.holdings.set(asset, dec(qty));
  return account;
}

export function buyingPower(account: SimAccount): Decimal {
  return account.cash.minus(account.reservedCash);
}

export function totalQuantity(account: SimAccount, asset: string): Decimal {
  return account.holdings.get(asset) ?? ZERO;
}

export function availableQuantity(account: SimAccount, asset: string): Decimal {
  return totalQuantity(account, asset).minus(account.reservedAssets.get(asset) ?? ZERO);
}

export function adjustHolding(account: SimAccount, asset: string, delta: Decimal): void {
  account.holdings.set(asset, totalQuantity(account, asset).plus(delta));
}

export function adjustReservedAsset(account: SimAccount, asset: string, delta: Decimal): void {
  account.reservedAssets.set(asset, (account.reservedAssets.get(asset) ?? ZERO).plus(delta));
}

export interface FeeStatus {
  feeRatio: Decimal;
  nextFeeTierRatio: Decimal | null;
  nextFeeTierThreshold: Decimal | null;
}

export function feeStatus(account: SimAccount, tiers: readonly FeeTier[] = DEFAULT_FEE_TIERS): FeeStatus {
  if (account.feeRatioOverride !== undefined) {
    return { feeRatio: account.feeRatioOverride, nextFeeTierRatio: null, nextFeeTierThreshold: null };
  }
  let index = 0;
  tiers.forEach((tier, i) => {
    if (account.thirtyDayVolume.gte(tier.fromVolume)) index = i;
  });
  const next = tiers[index + 1];
  return {
    feeRatio: tiers[index]?.feeRatio ?? ZERO,
    nextFeeTierRatio: next?.feeRatio ?? null,
    nextFeeTierThreshold: next?.fromVolume ?? null,
  };
}
