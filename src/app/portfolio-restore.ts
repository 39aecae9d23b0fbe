// The portfolio across restarts of a session on a lasting venue (`--base-url`): its saved ledger, then every fill the
// journal holds that the ledger has not applied — the fills after the last save, and those that reconciliation found
// while the bot was down. The journal is written before anything is published, so it is the record to rebuild from.
import type { Clock } from '../core/clock.ts';
import { ZERO, type Decimal } from '../core/decimal.ts';
import { errorMessage } from '../core/errors.ts';
import { fillFromRecord } from '../execution/order-records.ts';
import type { Fill } from '../model/fill.ts';
import type { Store } from '../persistence/store.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { stopOwner } from '../risk/stop-orders.ts';

export interface RestoredPortfolio {
  readonly portfolio: Portfolio;
  /** A saved ledger was found (else the books start from the venue's cash, net of the journaled fills). */
  readonly loaded: boolean;
  /** Journaled fills applied on top of the ledger. */
  readonly replayed: number;
  /** Fills the books refused (e.g. a sell beyond the position): the books and the venue may differ. */
  readonly problems: readonly string[];
}

interface JournaledFill {
  readonly fill: Fill;
  readonly strategyId: string | undefined;
}

/**
 * Builds the account's portfolio: `cash` is what the venue reports now. Without a saved ledger the starting cash is
 * taken as `cash` minus what the journaled fills paid and received, so that after replaying them the cash is `cash`.
 */
export async function restorePortfolio(
  store: Store,
  clock: Clock,
  accountId: string,
  cash: Decimal,
): Promise<RestoredPortfolio> {
  const fills = await journaledFills(store);
  const make = (startingCash: Decimal): Portfolio =>
    new Portfolio({ clock, config: { accountId, startingCash: startingCash.toFixed() } });
  let portfolio = make(cash);
  const loaded = (await portfolio.load(store)).loaded;
  if (!loaded && fills.length > 0) portfolio = make(cash.minus(netCash(fills)));
  let replayed = 0;
  const problems: string[] = [];
  for (const { fill, strategyId } of fills) {
    if (portfolio.hasApplied(fill.id)) continue;
    try {
      portfolio.applyFill(fill, strategyId);
      replayed++;
    } catch (err) {
      problems.push(`fill ${fill.id} (${fill.side} ${fill.quantity.toFixed()} ${fill.symbol}): ${errorMessage(err)}`);
    }
  }
  return { portfolio, loaded, replayed, problems };
}

/** Every journaled fill in time order, with the strategy that owns it (a venue stop's fills belong to its owner). */
async function journaledFills(store: Store): Promise<JournaledFill[]> {
  const records = await store.listFills();
  if (records.length === 0) return [];
  // One read of the orders, not one per fill's order.
  const owners = new Map((await store.listOrders()).map((o) => [o.clientOrderId, o.strategyId || undefined]));
  return records.map((record) => ({
    fill: fillFromRecord(record),
    strategyId: stopOwner(owners.get(record.clientOrderId)),
  }));
}

/** Cash the fills paid (−) and received (+), fees included. */
function netCash(fills: readonly JournaledFill[]): Decimal {
  let net = ZERO;
  for (const { fill } of fills) {
    const notional = fill.quantity.times(fill.price);
    net = fill.side === 'buy' ? net.minus(notional).minus(fill.fee) : net.plus(notional).minus(fill.fee);
  }
  return net;
}
