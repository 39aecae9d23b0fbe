// Order books for several symbols, fed by depth snapshots and updates (live or replayed). Writes the top of every
// valid book to the cache and publishes it; a gap marks the book invalid, reports it and asks for a new snapshot.
import type { DepthSnapshot, DepthUpdate } from '../model/market.ts';
import type { FeedPublisher } from './feed.ts';
import { OrderBook, type ApplyResult, type BookGap } from './order-book.ts';

export interface OrderBookManagerOptions {
  readonly publisher?: FeedPublisher;
  /** Levels per side in the published view. Default 20. */
  readonly levels?: number;
  /** Asked for a new snapshot after a gap (e.g. the app calls the venue's REST depth endpoint). */
  readonly requestSnapshot?: (gap: BookGap) => void;
  /** Name used in status events. Default 'order-book'. */
  readonly name?: string;
}

export function isDepthSnapshot(value: DepthSnapshot | DepthUpdate): value is DepthSnapshot {
  return 'lastUpdateId' in value;
}

export class OrderBookManager {
  readonly #books = new Map<string, OrderBook>();
  readonly #publisher: FeedPublisher | undefined;
  readonly #levels: number;
  readonly #requestSnapshot: ((gap: BookGap) => void) | undefined;
  readonly #name: string;
  readonly gaps: BookGap[] = [];
  /** Symbols whose book is waiting for a new snapshot after a gap. */
  readonly #resyncing = new Set<string>();

  constructor(options: OrderBookManagerOptions = {}) {
    this.#publisher = options.publisher;
    this.#levels = options.levels ?? 20;
    this.#requestSnapshot = options.requestSnapshot;
    this.#name = options.name ?? 'order-book';
  }

  book(symbol: string): OrderBook | undefined {
    return this.#books.get(symbol);
  }

  symbols(): string[] {
    return [...this.#books.keys()];
  }

  #bookFor(symbol: string): OrderBook {
    let book = this.#books.get(symbol);
    if (!book) {
      book = new OrderBook(symbol, { onResync: (gap) => this.#onGap(gap) });
      this.#books.set(symbol, book);
    }
    return book;
  }

  apply(message: DepthSnapshot | DepthUpdate): void {
    if (isDepthSnapshot(message)) this.applySnapshot(message);
    else this.applyUpdate(message);
  }

  applySnapshot(snapshot: DepthSnapshot): void {
    const book = this.#bookFor(snapshot.symbol);
    book.applySnapshot(snapshot);
    this.#publish(book);
  }

  applyUpdate(update: DepthUpdate): ApplyResult {
    const book = this.#bookFor(update.symbol);
    const result = book.applyUpdate(update);
    if (result === 'applied') this.#publish(book);
    return result;
  }

  #publish(book: OrderBook): void {
    if (!book.isValid) return;
    if (this.#resyncing.delete(book.symbol)) {
      this.#publisher?.status({ feed: this.#name, state: 'connected', timestamp: book.timestamp, symbols: [book.symbol] });
    }
    this.#publisher?.book(book.view(this.#levels));
  }

  #onGap(gap: BookGap): void {
    this.gaps.push(gap);
    this.#resyncing.add(gap.symbol);
    this.#publisher?.status({
      feed: this.#name,
      state: 'reconnecting',
      timestamp: gap.timestamp,
      reason: `depth gap: expected update ${gap.expectedFirstId}, got ${gap.firstUpdateId}-${gap.finalUpdateId}; waiting for a new snapshot`,
      symbols: [gap.symbol],
    });
    this.#requestSnapshot?.(gap);
  }
}
