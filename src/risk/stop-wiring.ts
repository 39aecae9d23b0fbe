// The glue between stops and the order flow, shared by the trading node (paper, live) and the backtester so that both
// protect positions the same way:
// - a fill is booked under its owner (a venue stop's fill belongs to the strategy it protects), then the owner's
//   stop levels and venue stop follow the new position;
// - a strategy's sell first releases its own venue stop (the venue reserves the holdings for it); the stop is placed
//   again, resized, after the sell's fill, or as it was when the sell ends without one;
// - order events unlink ended venue stops; prices move trailing stops and trigger emulated exits.
import type { OrderEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import type { Quote } from '../model/market.ts';
import { isTerminalStatus, type Order } from '../model/order.ts';
import type { Position } from '../model/position.ts';
import type { FillReceived } from '../execution/types.ts';
import type { ExecutionPort } from '../strategies/runner.ts';
import { stopOwner, type StopOrders } from './stop-orders.ts';
import type { StopManager } from './stops.ts';

export interface StopWiringOptions {
  /** The execution engine (what the strategies' orders go through). */
  readonly engine: ExecutionPort;
  readonly stops: StopManager;
  readonly stopOrders: StopOrders;
  readonly portfolio: {
    applyFill(fill: Fill, strategyId?: string): unknown;
    position(symbol: string, strategyId?: string): Position;
  };
  /** After the stop state changed (save it). */
  readonly onStopsChanged?: () => void;
}

export class StopWiring {
  /** The engine as the strategies should see it: sells release their venue stop first. */
  readonly execution: ExecutionPort;
  readonly #o: StopWiringOptions;
  /** Sells that released a venue stop, until they end. */
  readonly #releasedBy = new Map<string, { symbol: string; strategyId: string }>();

  constructor(options: StopWiringOptions) {
    this.#o = options;
    const { engine, stopOrders } = options;
    this.execution = {
      submit: async (request) => {
        if (request.side !== 'sell') return engine.submit(request);
        await stopOrders.release(request.symbol, request.strategyId);
        const order = await engine.submit(request);
        this.#resumeAfter(order, request.symbol, request.strategyId);
        return order;
      },
      cancel: (clientOrderId, reason) => engine.cancel(clientOrderId, reason),
      cancelAll: (filter) => engine.cancelAll(filter),
      openOrders: () => engine.openOrders(),
      getOrder: (clientOrderId) => engine.getOrder(clientOrderId),
    };
  }

  /**
   * Books a fill in the portfolio under its owner and moves the owner's stops with the new position. Returns the
   * message for the owner (its strategy id mapped back from a venue stop's).
   */
  bookFill(message: FillReceived): FillReceived {
    const { portfolio, stops, stopOrders } = this.#o;
    const owner = stopOwner(message.strategyId);
    portfolio.applyFill(message.fill, owner);
    if (owner !== undefined) {
      const symbol = message.fill.symbol;
      const position = portfolio.position(symbol, owner);
      stops.onPosition(symbol, owner, position.quantity, position.averageEntryPrice);
      stopOrders.onPosition(symbol, owner);
      this.#o.onStopsChanged?.();
    }
    return owner === message.strategyId || owner === undefined ? message : { ...message, strategyId: owner };
  }

  /** Every order event: ended venue stops are unlinked, and a released stop comes back once its sell ended. */
  onOrderEvent(event: OrderEvent): void {
    const cid = event.clientOrderId;
    if (cid === undefined) return;
    this.#o.stopOrders.onOrderEvent(cid);
    const released = this.#releasedBy.get(cid);
    const order = this.#o.engine.getOrder(cid);
    if (released !== undefined && order !== undefined && isTerminalStatus(order.status)) {
      this.#releasedBy.delete(cid);
      this.#o.stopOrders.resume(released.symbol, released.strategyId);
    }
  }

  /** Every price: trailing moves and emulated exits (sent by the stop orders through the engine). */
  onQuote(quote: Quote): void {
    if (this.#o.stopOrders.onQuote(quote).length > 0) this.#o.onStopsChanged?.();
  }

  #resumeAfter(order: Order, symbol: string, strategyId: string): void {
    if (isTerminalStatus(order.status)) this.#o.stopOrders.resume(symbol, strategyId);
    else this.#releasedBy.set(order.clientOrderId, { symbol, strategyId });
  }
}
