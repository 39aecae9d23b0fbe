// SimulatedVenue: the venue port over the in-process MatchingEngine, for backtests. No HTTP, no signing: the same
// matching rules as the HTTP simulator, driven by the injected clock (the engine's `now()`), answered synchronously.
import { divide, ZERO } from '../../core/decimal.ts';
import { OrderError } from '../../core/errors.ts';
import type { Account, Holding } from '../../model/account.ts';
import { createFill } from '../../model/fill.ts';
import type { OrderStatus } from '../../model/order.ts';
import type { TradingPair } from '../../model/trading-pair.ts';
import {
  VenueOrderRejected,
  type VenueOrderQuery,
  type VenueOrderReport,
  type VenueOrderRequest,
  type VenuePort,
} from '../venue-port.ts';
import type { MatchingEngine } from './engine.ts';
import { SimApiError } from './errors.ts';
import { availableQuantity, buyingPower } from './ledger.ts';
import type { OrderRequest, SimOrder, SimTimeInForce } from './order.ts';

function statusOf(order: SimOrder): OrderStatus {
  return order.state === 'pending' ? 'submitted' : order.state;
}

/** In-process executions are append-only, so their index is a stable id. */
export function simOrderToReport(order: SimOrder): VenueOrderReport {
  const r = order.request;
  return {
    venueOrderId: order.id,
    clientOrderId: r.clientOrderId,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    status: statusOf(order),
    venueState: order.state,
    ...(r.assetQuantity !== undefined && { quantity: r.assetQuantity }),
    ...(r.quoteAmount !== undefined && { quoteAmount: r.quoteAmount }),
    ...(r.limitPrice !== undefined && { limitPrice: r.limitPrice }),
    ...(r.stopPrice !== undefined && { stopPrice: r.stopPrice }),
    filledQuantity: order.filledQuantity,
    ...(order.filledQuantity.gt(ZERO) && { averagePrice: divide(order.filledNotional, order.filledQuantity) }),
    fees: order.feeCharged,
    executions: order.executions.map((e, i) =>
      createFill({
        id: `${order.id}:${i}`,
        orderId: order.id,
        clientOrderId: r.clientOrderId,
        symbol: r.symbol,
        side: r.side,
        quantity: e.quantity,
        price: e.price,
        fee: e.fee,
        timestamp: e.timestamp,
      }),
    ),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

export interface SimulatedVenueOptions {
  readonly engine: MatchingEngine;
  readonly accountNumber: string;
  /** 2 (default: fees, min amounts) or 1. */
  readonly apiVersion?: 1 | 2;
}

export class SimulatedVenue implements VenuePort {
  readonly name = 'simulated';
  readonly engine: MatchingEngine;
  readonly #account: string;
  readonly #version: 1 | 2;
  /** How many times each clientOrderId was submitted (tests assert it never exceeds one). */
  readonly submits = new Map<string, number>();

  constructor(options: SimulatedVenueOptions) {
    this.engine = options.engine;
    this.#account = options.accountNumber;
    this.#version = options.apiVersion ?? 2;
  }

  getTradingPairs(): Promise<TradingPair[]> {
    return Promise.resolve(
      [...this.engine.pairs.values()].map((p) => ({
        symbol: p.symbol,
        assetCode: p.assetCode,
        quoteCode: p.quoteCode,
        assetIncrement: p.assetIncrement,
        quoteIncrement: p.quoteIncrement,
        minOrderSize: p.minOrderSize,
        maxOrderSize: p.maxOrderSize,
        ...(p.minOrderAmount !== undefined && { minOrderAmount: p.minOrderAmount }),
        status: this.#version === 2 && !p.isApiTradable ? 'untradable' : p.status,
      })),
    );
  }

  getAccount(): Promise<Account> {
    this.engine.process();
    const account = this.engine.account(this.#account);
    if (account === undefined) return Promise.reject(new OrderError(`no simulated account ${this.#account}`));
    const holdings = new Map<string, Holding>();
    for (const [asset, total] of account.holdings) {
      holdings.set(asset, { total, available: availableQuantity(account, asset) });
    }
    return Promise.resolve({
      accountNumber: account.accountNumber,
      status: account.status,
      buyingPower: buyingPower(account),
      cashBalance: account.cash,
      currency: 'USD',
      holdings,
    });
  }

  submitOrder(request: VenueOrderRequest): Promise<VenueOrderReport> {
    this.submits.set(request.clientOrderId, (this.submits.get(request.clientOrderId) ?? 0) + 1);
    const tif: SimTimeInForce | undefined =
      request.timeInForce === 'gtc' || request.timeInForce === 'gfd' ? request.timeInForce : undefined;
    // Every field written (undefined when absent): conditional spreads would build the request in a slow shape.
    const simRequest: OrderRequest = {
      symbol: request.symbol,
      clientOrderId: request.clientOrderId,
      side: request.side,
      type: request.type,
      assetQuantity: request.quantity,
      quoteAmount: request.quoteAmount,
      limitPrice: request.limitPrice,
      stopPrice: request.stopPrice,
      timeInForce: request.type === 'market' ? undefined : (tif ?? 'gtc'),
    };
    try {
      const { order } = this.engine.placeOrder(this.#account, this.#version, simRequest);
      return Promise.resolve(simOrderToReport(order));
    } catch (err) {
      if (err instanceof SimApiError) {
        return Promise.reject(
          new VenueOrderRejected(`order ${request.clientOrderId} rejected (${err.status}): ${err.message}`, {
            clientOrderId: request.clientOrderId,
          }),
        );
      }
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  cancelOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    try {
      return Promise.resolve(simOrderToReport(this.engine.requestCancel(venueOrderId, this.#account)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return Promise.reject(new OrderError(`cancel of ${venueOrderId} refused: ${message}`, 'CANCEL_REFUSED'));
    }
  }

  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    this.engine.process();
    const order = this.engine.order(venueOrderId);
    return Promise.resolve(
      order === undefined || order.accountNumber !== this.#account ? undefined : simOrderToReport(order),
    );
  }

  listOrders(query: VenueOrderQuery = {}): Promise<VenueOrderReport[]> {
    this.engine.process();
    const states = query.states === undefined ? undefined : new Set(query.states);
    const candidates =
      query.updatedSince === undefined
        ? this.engine.orders(this.#account)
        : this.engine.ordersUpdatedSince(this.#account, query.updatedSince);
    const out = candidates
      .filter(
        (o) =>
          (query.updatedSince === undefined || o.updatedAt >= query.updatedSince) &&
          (query.createdSince === undefined || o.createdAt >= query.createdSince) &&
          (states === undefined || states.has(statusOf(o))),
      )
      .map(simOrderToReport);
    return Promise.resolve(out);
  }

  async findOrderByClientOrderId(clientOrderId: string, createdSince: number): Promise<VenueOrderReport | undefined> {
    const orders = await this.listOrders({ createdSince });
    return orders.find((o) => o.clientOrderId === clientOrderId);
  }
}
