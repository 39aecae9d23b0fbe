// A hand-written venue for the order manager's tests: orders live in a map, the test moves them (fills, status
// changes) and chooses how submits and cancels answer. Counts submits per clientOrderId.
import { dec, sumDec, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { OrderError } from '../../src/core/errors.ts';
import type { Account, Holding } from '../../src/model/account.ts';
import { createFill, type Fill } from '../../src/model/fill.ts';
import type { OrderStatus } from '../../src/model/order.ts';
import { parseTradingPair, type TradingPair } from '../../src/model/trading-pair.ts';
import {
  VenueOrderRejected,
  VenueOutcomeUnknown,
  type VenueOrderQuery,
  type VenueOrderReport,
  type VenueOrderRequest,
  type VenuePort,
} from '../../src/venues/venue-port.ts';

export type SubmitMode = 'accept' | 'reject' | 'not-sent' | 'unknown-created' | 'unknown-lost';

interface FakeOrder {
  request: VenueOrderRequest;
  id: string;
  status: OrderStatus;
  fills: Fill[];
  createdAt: number;
  updatedAt: number;
}

export const BTC = parseTradingPair({
  symbol: 'BTC-USD',
  assetCode: 'BTC',
  quoteCode: 'USD',
  assetIncrement: '0.00000001',
  quoteIncrement: '0.01',
  minOrderSize: '0.000001',
  maxOrderSize: '20',
  minOrderAmount: '1',
});

export class FakeVenue implements VenuePort {
  readonly name = 'fake';
  readonly orders = new Map<string, FakeOrder>();
  readonly submits = new Map<string, number>();
  readonly cancels: string[] = [];
  submitMode: SubmitMode = 'accept';
  /** When true, cancel requests throw (venue refuses). */
  cancelRefused = false;
  holdings = new Map<string, Decimal>();
  #seq = 0;
  readonly #now: () => number;
  pairs: TradingPair[] = [BTC];

  constructor(now: () => number) {
    this.#now = now;
  }

  getTradingPairs(): Promise<TradingPair[]> {
    return Promise.resolve(this.pairs);
  }

  getAccount(): Promise<Account> {
    const holdings = new Map<string, Holding>();
    for (const [a, q] of this.holdings) holdings.set(a, { total: q, available: q });
    return Promise.resolve({ accountNumber: 'ACC', buyingPower: dec(100000), currency: 'USD', holdings });
  }

  submitOrder(request: VenueOrderRequest): Promise<VenueOrderReport> {
    this.submits.set(request.clientOrderId, (this.submits.get(request.clientOrderId) ?? 0) + 1);
    const cid = request.clientOrderId;
    switch (this.submitMode) {
      case 'reject':
        return Promise.reject(new VenueOrderRejected('Insufficient buying power.', { clientOrderId: cid }));
      case 'not-sent':
        return Promise.reject(new VenueOrderRejected('circuit open', { clientOrderId: cid, notSent: true }));
      case 'unknown-lost':
        return Promise.reject(new VenueOutcomeUnknown('timeout', { clientOrderId: cid }));
      case 'unknown-created':
        this.#create(request);
        return Promise.reject(new VenueOutcomeUnknown('timeout', { clientOrderId: cid }));
      default:
        return Promise.resolve(this.report(this.#create(request).id));
    }
  }

  #create(request: VenueOrderRequest): FakeOrder {
    const now = this.#now();
    const order: FakeOrder = {
      request,
      id: `V${++this.#seq}`,
      status: 'open',
      fills: [],
      createdAt: now,
      updatedAt: now,
    };
    this.orders.set(order.id, order);
    return order;
  }

  /** Adds an execution; moves the order to partially_filled or filled and the holdings with it. */
  fill(id: string, quantity: string, price: string, fee = '0', status?: OrderStatus): Fill {
    const o = this.orders.get(id)!;
    const now = this.#now();
    const fill = createFill({
      id: `${id}:${o.fills.length}`,
      orderId: id,
      clientOrderId: o.request.clientOrderId,
      symbol: o.request.symbol,
      side: o.request.side,
      quantity,
      price,
      fee,
      timestamp: now,
    });
    o.fills.push(fill);
    const filled = sumDec(o.fills.map((f) => f.quantity));
    o.status =
      status ?? (o.request.quantity !== undefined && filled.eq(o.request.quantity) ? 'filled' : 'partially_filled');
    o.updatedAt = now;
    const asset = o.request.symbol.split('-')[0]!;
    const delta = o.request.side === 'buy' ? fill.quantity : fill.quantity.neg();
    this.holdings.set(asset, (this.holdings.get(asset) ?? ZERO).plus(delta));
    return fill;
  }

  setStatus(id: string, status: OrderStatus): void {
    const o = this.orders.get(id)!;
    o.status = status;
    o.updatedAt = this.#now();
  }

  byClientId(cid: string): FakeOrder | undefined {
    return [...this.orders.values()].find((o) => o.request.clientOrderId === cid);
  }

  report(id: string): VenueOrderReport {
    const o = this.orders.get(id)!;
    const filled = sumDec(o.fills.map((f) => f.quantity));
    return {
      venueOrderId: o.id,
      clientOrderId: o.request.clientOrderId,
      symbol: o.request.symbol,
      side: o.request.side,
      type: o.request.type,
      status: o.status,
      venueState: o.status,
      ...(o.request.quantity !== undefined && { quantity: o.request.quantity }),
      ...(o.request.limitPrice !== undefined && { limitPrice: o.request.limitPrice }),
      filledQuantity: filled,
      fees: sumDec(o.fills.map((f) => f.fee)),
      executions: [...o.fills],
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    };
  }

  cancelOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    this.cancels.push(venueOrderId);
    if (this.cancelRefused) return Promise.reject(new OrderError('Order cannot be canceled.'));
    return Promise.resolve(this.report(venueOrderId)); // acknowledged, still open: cancels settle later
  }

  getOrder(venueOrderId: string): Promise<VenueOrderReport | undefined> {
    return Promise.resolve(this.orders.has(venueOrderId) ? this.report(venueOrderId) : undefined);
  }

  listOrders(query: VenueOrderQuery = {}): Promise<VenueOrderReport[]> {
    const states = query.states === undefined ? undefined : new Set(query.states);
    return Promise.resolve(
      [...this.orders.values()]
        .filter(
          (o) =>
            (query.updatedSince === undefined || o.updatedAt >= query.updatedSince) &&
            (query.createdSince === undefined || o.createdAt >= query.createdSince) &&
            (states === undefined || states.has(o.status)),
        )
        .map((o) => this.report(o.id)),
    );
  }

  async findOrderByClientOrderId(clientOrderId: string, createdSince: number): Promise<VenueOrderReport | undefined> {
    return (await this.listOrders({ createdSince })).find((r) => r.clientOrderId === clientOrderId);
  }
}
