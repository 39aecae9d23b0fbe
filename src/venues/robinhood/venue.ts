// RobinhoodVenue: the venue port over RobinhoodClient. Live trading points the client at Robinhood, paper trading at
// the HTTP simulator; the engine above cannot tell them apart.
import { dec, type Decimal, divide, sumDec, ZERO } from '../../core/decimal.ts';
import { ApiError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { Account, Holding } from '../../model/account.ts';
import { createFill, type Fill } from '../../model/fill.ts';
import type { OrderStatus, OrderType } from '../../model/order.ts';
import type { TradingPair, TradingPairStatus } from '../../model/trading-pair.ts';
import {
  VenueOrderRejected,
  VenueOutcomeUnknown,
  type VenueOrderQuery,
  type VenueOrderReport,
  type VenueOrderRequest,
  type VenuePort,
} from '../venue-port.ts';
import type { RobinhoodClient } from './client.ts';
import { OrderOutcomeUnknown } from './errors.ts';
import type { RobinhoodExecution, RobinhoodOrder, RobinhoodTradingPair } from './types.ts';

/** Robinhood state → model status. Unknown states are treated as still working (`open`), never as terminal. */
export function mapRobinhoodState(state: string): OrderStatus {
  switch (state) {
    case 'pending':
      return 'submitted';
    case 'open':
    case 'partially_filled':
    case 'filled':
    case 'canceled':
    case 'failed':
      return state;
    default:
      return 'open';
  }
}

/** Model status → the Robinhood states to ask for (v2 has `pending` and no `partially_filled` filter: its `open`
 * includes partially filled orders). */
function statesFor(status: OrderStatus, version: 'v1' | 'v2'): string[] {
  switch (status) {
    case 'submitted':
      return version === 'v2' ? ['pending'] : [];
    case 'partially_filled':
      return [version === 'v2' ? 'open' : 'partially_filled'];
    case 'open':
    case 'filled':
    case 'canceled':
    case 'failed':
      return [status];
    default:
      return [];
  }
}

const ORDER_TYPES: readonly OrderType[] = ['market', 'limit', 'stop_loss', 'stop_limit'];

/**
 * Robinhood executions carry no id. The id is derived from the order id and the execution's content (time, quantity,
 * price) plus an occurrence counter for identical executions, so that it does not depend on the position of the
 * execution in the list: re-polling the same order gives the same ids whatever order the executions come in.
 */
export function executionFillId(venueOrderId: string, execution: RobinhoodExecution, occurrence: number): string {
  const ms = Date.parse(execution.timestamp);
  const time = Number.isFinite(ms) ? String(ms) : execution.timestamp;
  return `${venueOrderId}:${time}:${execution.quantity.toFixed()}@${execution.effectivePrice.toFixed()}#${occurrence}`;
}

/**
 * Fees: Robinhood reports only the order's total `fee_charged`. Each execution gets the share
 * fee × (cumulative notional up to it) / total notional minus what earlier executions got, so the fills add up to
 * the total exactly; with a fixed fee ratio (the v2 case) each share equals notional × ratio and does not change when
 * more executions arrive.
 */
export function executionsToFills(order: RobinhoodOrder): Fill[] {
  const sorted = [...order.executions].sort(
    (a, b) =>
      Date.parse(a.timestamp) - Date.parse(b.timestamp) ||
      a.effectivePrice.cmp(b.effectivePrice) ||
      a.quantity.cmp(b.quantity),
  );
  const totalNotional = sumDec(sorted.map((e) => e.quantity.times(e.effectivePrice)));
  const totalFee = order.feeCharged ?? ZERO;
  const seen = new Map<string, number>();
  let cumulative = ZERO;
  let assigned = ZERO;
  return sorted.map((execution) => {
    const key = `${execution.timestamp}|${execution.quantity.toFixed()}|${execution.effectivePrice.toFixed()}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    cumulative = cumulative.plus(execution.quantity.times(execution.effectivePrice));
    const share = totalNotional.gt(ZERO) ? divide(totalFee.times(cumulative), totalNotional) : ZERO;
    const fee = share.minus(assigned);
    assigned = share;
    const ms = Date.parse(execution.timestamp);
    return createFill({
      id: executionFillId(order.id, execution, occurrence),
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: execution.quantity,
      price: execution.effectivePrice,
      fee: fee.lt(ZERO) ? ZERO : fee,
      timestamp: Number.isFinite(ms) ? ms : (order.updatedAtMs ?? 0),
    });
  });
}

export function robinhoodOrderToReport(order: RobinhoodOrder): VenueOrderReport {
  const type = (ORDER_TYPES as readonly string[]).includes(order.type) ? (order.type as OrderType) : 'market';
  const c = order.config;
  return {
    venueOrderId: order.id,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type,
    status: mapRobinhoodState(order.state),
    venueState: order.state,
    ...(c?.assetQuantity !== undefined && { quantity: c.assetQuantity }),
    ...(c?.quoteAmount !== undefined && { quoteAmount: c.quoteAmount }),
    ...(c?.limitPrice !== undefined && { limitPrice: c.limitPrice }),
    ...(c?.stopPrice !== undefined && { stopPrice: c.stopPrice }),
    filledQuantity: order.filledAssetQuantity,
    ...(order.averagePrice !== null && { averagePrice: order.averagePrice }),
    fees: order.feeCharged ?? ZERO,
    executions: executionsToFills(order),
    createdAt: order.createdAtMs ?? 0,
    updatedAt: order.updatedAtMs ?? order.createdAtMs ?? 0,
  };
}

function pairStatus(pair: RobinhoodTradingPair): TradingPairStatus {
  if (pair.isApiTradable === false) return 'untradable';
  return pair.status === 'tradable' || pair.status === 'sellonly' ? pair.status : 'untradable';
}

export function robinhoodPairToModel(pair: RobinhoodTradingPair): TradingPair {
  return {
    symbol: pair.symbol,
    assetCode: pair.assetCode,
    quoteCode: pair.quoteCode,
    assetIncrement: pair.assetIncrement,
    quoteIncrement: pair.quoteIncrement,
    minOrderSize: pair.minOrderSize ?? pair.assetIncrement,
    maxOrderSize: pair.maxOrderSize,
    ...(pair.minOrderAmount !== undefined && { minOrderAmount: pair.minOrderAmount }),
    status: pairStatus(pair),
  };
}

export class RobinhoodVenue implements VenuePort {
  readonly name = 'robinhood';
  readonly #client: RobinhoodClient;

  constructor(client: RobinhoodClient) {
    this.#client = client;
  }

  async getTradingPairs(): Promise<TradingPair[]> {
    return (await this.#client.getTradingPairs()).map(robinhoodPairToModel);
  }

  async getAccount(): Promise<Account> {
    const [account, holdings] = await Promise.all([this.#client.getAccount(), this.#client.getHoldings()]);
    const byAsset = new Map<string, Holding>();
    for (const h of holdings)
      byAsset.set(h.assetCode, { total: h.totalQuantity, available: h.quantityAvailableForTrading });
    const status = account.status;
    return {
      accountNumber: account.accountNumber,
      ...((status === 'active' || status === 'deactivated' || status === 'sell_only') && { status }),
      buyingPower: account.buyingPower,
      currency: account.buyingPowerCurrency,
      holdings: byAsset,
    };
  }

  async submitOrder(request: VenueOrderRequest): Promise<VenueOrderReport> {
    try {
      const order = await this.#client.placeOrder({
        clientOrderId: request.clientOrderId,
        symbol: request.symbol,
        side: request.side,
        type: request.type,
        ...(request.quantity !== undefined && { assetQuantity: request.quantity }),
        ...(request.quoteAmount !== undefined && { quoteAmount: request.quoteAmount }),
        ...(request.limitPrice !== undefined && { limitPrice: request.limitPrice }),
        ...(request.stopPrice !== undefined && { stopPrice: request.stopPrice }),
        // Robinhood knows gtc/gfd/gfw/gfm; market orders take none.
        ...(request.type !== 'market' &&
          (request.timeInForce === 'gtc' || request.timeInForce === 'gfd') && { timeInForce: request.timeInForce }),
      });
      return robinhoodOrderToReport(order);
    } catch (err) {
      const id = request.clientOrderId;
      if (err instanceof OrderOutcomeUnknown) throw new VenueOutcomeUnknown(err.message, { clientOrderId: id }, err);
      // A 4xx answer to the POST (or our own validation) is a definite refusal.
      const status = err instanceof ApiError ? err.status : undefined;
      if (err instanceof ValidationError || (status !== undefined && status >= 400 && status < 500 && status !== 429)) {
        throw new VenueOrderRejected(`order ${id} rejected: ${(err as Error).message}`, { clientOrderId: id }, err);
      }
      if (err instanceof ApiError) {
        // placeOrder wraps every ambiguous POST failure in OrderOutcomeUnknown: any other API error (open circuit,
        // connection refused, a failed account look-up before the POST) means the order never left.
        throw new VenueOrderRejected(`order ${id} not sent: ${err.message}`, { clientOrderId: id, notSent: true }, err);
      }
      // Anything unexpected: the order may exist; let reconciliation find out.
      throw new VenueOutcomeUnknown(`order ${id}: unexpected error ${String(err)}`, { clientOrderId: id }, err);
    }
  }

  async cancelOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    const result = await this.#client.cancelOrder(venueOrderId);
    return result.order === undefined ? undefined : robinhoodOrderToReport(result.order);
  }

  async getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    try {
      return robinhoodOrderToReport(await this.#client.getOrder(venueOrderId));
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async listOrders(query: VenueOrderQuery = {}): Promise<VenueOrderReport[]> {
    const base = {
      ...(query.updatedSince !== undefined && { updatedAtStart: query.updatedSince }),
      ...(query.createdSince !== undefined && { createdAtStart: query.createdSince }),
    };
    if (query.states === undefined) return (await this.#client.listOrders(base)).map(robinhoodOrderToReport);
    // The API filters by one state at a time.
    const states = [...new Set(query.states.flatMap((s) => statesFor(s, this.#client.apiVersion)))];
    const out = new Map<string, VenueOrderReport>();
    for (const state of states) {
      for (const o of await this.#client.listOrders({ ...base, state })) out.set(o.id, robinhoodOrderToReport(o));
    }
    const wanted = new Set(query.states);
    return [...out.values()].filter((r) => wanted.has(r.status));
  }

  async findOrderByClientOrderId(clientOrderId: string, createdSince: number): Promise<VenueOrderReport | undefined> {
    const found = await this.#client.findOrderByClientOrderId(clientOrderId, createdSince);
    return found === null ? undefined : robinhoodOrderToReport(found);
  }
}

/** Σ of the fills' quantities: what the executions say was filled. */
export function executedQuantity(report: VenueOrderReport): Decimal {
  return report.executions.reduce((sum, f) => sum.plus(f.quantity), dec(0));
}
