// The crash test's verdict: the venue (the simulator's matching engine) against the local store, and the counting
// proxy's record of order POSTs. Every comparison is exact: decimals are compared with eq, never as floats.
import { sumDec, toPlain, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { isTerminalStatus, type OrderStatus } from '../../src/model/order.ts';
import type { FillRecord, OrderRecord } from '../../src/persistence/store.ts';
import { mapRobinhoodState } from '../../src/venues/robinhood/venue.ts';
import type { SimOrder } from '../../src/venues/simulator/index.ts';

export interface CheckInput {
  /** The account's orders at the venue. */
  readonly venueOrders: readonly SimOrder[];
  /** Holdings and cash when the test began, and now. */
  readonly startHoldings: ReadonlyMap<string, Decimal>;
  readonly endHoldings: ReadonlyMap<string, Decimal>;
  readonly startCash: Decimal;
  readonly endCash: Decimal;
  readonly posts: ReadonlyMap<string, number>;
  readonly unreadablePosts: number;
  readonly localOrders: readonly OrderRecord[];
  readonly localFills: readonly FillRecord[];
}

export interface AssetLine {
  readonly asset: string;
  readonly start: string;
  readonly end: string;
  readonly venueChange: string;
  readonly localChange: string;
}

export interface CheckResult {
  readonly problems: string[];
  readonly assets: AssetLine[];
  readonly cash: { venueChange: string; localChange: string };
}

const assetOf = (symbol: string): string => symbol.split('-')[0] ?? symbol;
const signed = (side: string, q: Decimal): Decimal => (side === 'buy' ? q : q.neg());

export function checkCrashRun(input: CheckInput): CheckResult {
  const problems: string[] = [];
  const fillsByOrder = new Map<string, FillRecord[]>();
  for (const f of input.localFills)
    fillsByOrder.set(f.clientOrderId, [...(fillsByOrder.get(f.clientOrderId) ?? []), f]);
  const localByVenueId = new Map<string, OrderRecord[]>();
  for (const o of input.localOrders) {
    if (o.venueOrderId !== null) localByVenueId.set(o.venueOrderId, [...(localByVenueId.get(o.venueOrderId) ?? []), o]);
  }
  const venueIds = new Set(input.venueOrders.map((o) => o.id));

  // 1. Every venue order is known locally exactly once, with the same id, status, filled quantity and executions.
  for (const v of input.venueOrders) {
    const cid = v.request.clientOrderId;
    const matches = localByVenueId.get(v.id) ?? [];
    if (matches.length !== 1) {
      problems.push(`venue order ${v.id} (${cid}, ${v.state}) is known locally ${matches.length} times`);
      continue;
    }
    const local = matches[0]!;
    if (local.clientOrderId !== cid) {
      problems.push(`venue order ${v.id} has client_order_id ${cid} but is stored under ${local.clientOrderId}`);
    }
    const venueStatus: OrderStatus = mapRobinhoodState(v.state);
    if (local.status !== venueStatus) {
      problems.push(`order ${cid}: local status ${local.status}, venue ${v.state}`);
    }
    if (!local.filledQuantity.eq(v.filledQuantity)) {
      problems.push(`order ${cid}: local filled ${toPlain(local.filledQuantity)}, venue ${toPlain(v.filledQuantity)}`);
    }
    const fills = fillsByOrder.get(local.clientOrderId) ?? [];
    if (fills.length !== v.executions.length) {
      problems.push(`order ${cid}: ${fills.length} local fills, ${v.executions.length} venue executions`);
    }
    if (!sumDec(fills.map((f) => f.fee)).eq(v.feeCharged)) {
      problems.push(
        `order ${cid}: local fees ${toPlain(sumDec(fills.map((f) => f.fee)))}, venue ${toPlain(v.feeCharged)}`,
      );
    }
  }
  // ... and nothing local is left unexplained.
  for (const o of input.localOrders) {
    if (o.venueOrderId !== null && !venueIds.has(o.venueOrderId)) {
      problems.push(
        `local order ${o.clientOrderId} (${o.status}) names venue order ${o.venueOrderId}, unknown to the venue`,
      );
    }
    if (o.venueOrderId === null && o.status !== 'failed' && o.status !== 'rejected') {
      problems.push(`local order ${o.clientOrderId} never reached the venue but is ${o.status}, not failed`);
    }
    if (o.venueOrderId === null && (fillsByOrder.get(o.clientOrderId)?.length ?? 0) > 0) {
      problems.push(`local order ${o.clientOrderId} has fills but no venue order`);
    }
    if (!isTerminalStatus(o.status) && o.venueOrderId === null) {
      problems.push(`local order ${o.clientOrderId} is ${o.status} without a venue order`);
    }
  }

  // 2. No client_order_id reached the venue twice, and every venue order came through the proxy.
  for (const [cid, n] of input.posts) if (n > 1) problems.push(`client_order_id ${cid} was POSTed ${n} times`);
  if (input.unreadablePosts > 0)
    problems.push(`${input.unreadablePosts} order POSTs without a readable client_order_id`);
  for (const v of input.venueOrders) {
    if ((input.posts.get(v.request.clientOrderId) ?? 0) === 0) {
      problems.push(`venue order ${v.id} (${v.request.clientOrderId}) was never seen by the proxy`);
    }
  }

  // 3. Σ signed local fills per asset = venue holdings − starting holdings; the same for cash, net of fees.
  const localChange = new Map<string, Decimal>();
  let localCash = ZERO;
  for (const f of input.localFills) {
    const asset = assetOf(f.symbol);
    localChange.set(asset, (localChange.get(asset) ?? ZERO).plus(signed(f.side, f.quantity)));
    const notional = f.quantity.times(f.price);
    localCash = f.side === 'buy' ? localCash.minus(notional).minus(f.fee) : localCash.plus(notional).minus(f.fee);
  }
  const assets: AssetLine[] = [];
  const names = new Set([...input.startHoldings.keys(), ...input.endHoldings.keys(), ...localChange.keys()]);
  for (const asset of [...names].sort()) {
    const start = input.startHoldings.get(asset) ?? ZERO;
    const end = input.endHoldings.get(asset) ?? ZERO;
    const venueChange = end.minus(start);
    const local = localChange.get(asset) ?? ZERO;
    assets.push({
      asset,
      start: toPlain(start),
      end: toPlain(end),
      venueChange: toPlain(venueChange),
      localChange: toPlain(local),
    });
    if (!venueChange.eq(local)) {
      problems.push(
        `${asset}: venue holdings changed by ${toPlain(venueChange)}, local fills add up to ${toPlain(local)}`,
      );
    }
  }
  const venueCash = input.endCash.minus(input.startCash);
  if (!venueCash.eq(localCash)) {
    problems.push(
      `USD: venue cash changed by ${toPlain(venueCash)}, local fills and fees add up to ${toPlain(localCash)}`,
    );
  }
  return { problems, assets, cash: { venueChange: toPlain(venueCash), localChange: toPlain(localCash) } };
}
