// The market-data feed contract: every feed (Robinhood poller, historical replay, WebSocket client) writes what it
// receives to the MarketDataCache first and then publishes it, so a handler always reads a cache that includes its
// own message. Events go to an optional handler and/or bus topics named `data.*` (the ones the portfolio reads).
import type { Bar, Quote, Trade } from '../model/market.ts';
import type { BookView, MarketDataCache } from './cache.ts';

/** connected: data flows; stale: connected but nothing new for too long; reconnecting: lost, trying again. */
export type FeedState = 'connected' | 'stale' | 'reconnecting' | 'stopped';

export interface FeedStatus {
  readonly feed: string;
  readonly state: FeedState;
  readonly timestamp: number;
  /** Why the state changed (an error message, the stale symbols...). */
  readonly reason?: string;
  /** The symbols concerned, when the change is about some of them (stale quotes). */
  readonly symbols?: readonly string[];
}

export type MarketDataEvent =
  | { readonly type: 'quote'; readonly quote: Quote }
  | { readonly type: 'trade'; readonly trade: Trade }
  | { readonly type: 'bar'; readonly bar: Bar }
  | { readonly type: 'book'; readonly book: BookView }
  | { readonly type: 'status'; readonly status: FeedStatus };

export type MarketDataHandler = (event: MarketDataEvent) => void;

// A type alias, not an interface: MessageBus<Topics> needs Topics to fit Record<string, unknown>.
export type MarketDataTopics = {
  'data.quote': Quote;
  'data.trade': Trade;
  'data.bar': Bar;
  'data.book': BookView;
  'data.status': FeedStatus;
};

type MarketDataTopic = keyof MarketDataTopics;

/** What a feed needs of a bus: the in-process MessageBus (with at least these topics) fits. */
export interface MarketDataBus {
  publish<K extends MarketDataTopic>(topic: K, message: MarketDataTopics[K]): void;
}

export interface MarketDataFeed {
  readonly name: string;
  /** The latest status the feed reported. */
  readonly status: FeedState;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Adds symbols to the subscription (idempotent); a running feed picks them up at once or on its next poll. */
  subscribe(symbols: readonly string[]): void;
  unsubscribe(symbols: readonly string[]): void;
  readonly symbols: readonly string[];
}

/** Where a feed sends what it receives. Every part is optional; the cache is written before anything is published. */
export interface FeedSinks {
  readonly cache?: MarketDataCache;
  readonly bus?: MarketDataBus;
  readonly onEvent?: MarketDataHandler;
}

/** The one way feeds emit: cache first, then the bus, then the handler. */
export class FeedPublisher {
  readonly #sinks: FeedSinks;

  constructor(sinks: FeedSinks = {}) {
    this.#sinks = sinks;
  }

  quote(quote: Quote): void {
    this.#sinks.cache?.updateQuote(quote);
    this.#sinks.bus?.publish('data.quote', quote);
    this.#sinks.onEvent?.({ type: 'quote', quote });
  }

  trade(trade: Trade): void {
    this.#sinks.cache?.updateTrade(trade);
    this.#sinks.bus?.publish('data.trade', trade);
    this.#sinks.onEvent?.({ type: 'trade', trade });
  }

  bar(bar: Bar): void {
    this.#sinks.cache?.addBar(bar);
    this.#sinks.bus?.publish('data.bar', bar);
    this.#sinks.onEvent?.({ type: 'bar', bar });
  }

  book(book: BookView): void {
    this.#sinks.cache?.updateBook(book);
    this.#sinks.bus?.publish('data.book', book);
    this.#sinks.onEvent?.({ type: 'book', book });
  }

  status(status: FeedStatus): void {
    this.#sinks.bus?.publish('data.status', status);
    this.#sinks.onEvent?.({ type: 'status', status });
  }

  event(event: MarketDataEvent): void {
    switch (event.type) {
      case 'quote':
        return this.quote(event.quote);
      case 'trade':
        return this.trade(event.trade);
      case 'bar':
        return this.bar(event.bar);
      case 'book':
        return this.book(event.book);
      case 'status':
        return this.status(event.status);
      default: {
        const never: never = event;
        return never;
      }
    }
  }
}

/** A symbol set kept in subscription order. */
export class SymbolSet {
  readonly #set = new Set<string>();

  add(symbols: readonly string[]): string[] {
    const added: string[] = [];
    for (const s of symbols) {
      if (!this.#set.has(s)) {
        this.#set.add(s);
        added.push(s);
      }
    }
    return added;
  }

  remove(symbols: readonly string[]): string[] {
    return symbols.filter((s) => this.#set.delete(s));
  }

  has(symbol: string): boolean {
    return this.#set.has(symbol);
  }

  get list(): string[] {
    return [...this.#set];
  }

  get size(): number {
    return this.#set.size;
  }
}
