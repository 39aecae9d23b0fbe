// The trading account as the venue reports it: buying power and holdings. Portfolio-level accounting (equity, exposure)
// lives in src/portfolio/, not here.
import { ZERO, type Decimal } from '../core/decimal.ts';

/** Robinhood's account statuses; `sell_only` accounts may only reduce holdings. */
export type AccountStatus = 'active' | 'deactivated' | 'sell_only';

export interface Holding {
  /** Everything held. */
  readonly total: Decimal;
  /** Not locked in open orders ("quantity_available_for_trading"). */
  readonly available: Decimal;
}

export interface Account {
  readonly accountNumber: string;
  readonly status?: AccountStatus;
  /** What can be spent on buys, in `currency`. */
  readonly buyingPower: Decimal;
  /** Cash, when the venue reports it separately (the simulator does; Robinhood only gives buying power). */
  readonly cashBalance?: Decimal;
  /** The account's quote currency, e.g. 'USD'. */
  readonly currency: string;
  /** By asset code ('BTC'). */
  readonly holdings: ReadonlyMap<string, Holding>;
}

export const NO_HOLDING: Holding = { total: ZERO, available: ZERO };

/** The holding of an asset, zero when the account holds none. */
export function holdingOf(account: Account, assetCode: string): Holding {
  return account.holdings.get(assetCode) ?? NO_HOLDING;
}

/** Amount locked in open orders. */
export function lockedQuantity(holding: Holding): Decimal {
  return holding.total.minus(holding.available);
}
