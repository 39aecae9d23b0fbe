// Historical replay: bars, quotes, trades and depth from the loaders, merged by time into one stream of events.
// Backtests drive it with a SimulatedClock (advanceTo: the clock moves to each event's time, firing the timers due
// before it, and everything stamped at or before the target is emitted); paper trading plays it at a speed factor
// against any clock.
import { ValidationError } from '../core/errors.ts';
import type { Clock, SimulatedClock, TimerHandle } from '../core/clock.ts';
import type { Bar, DepthSnapshot, DepthUpdate, Quote, Trade } from '../model/market.ts';
import { OrderBookManager } from './book-manager.ts';
import { FeedPublisher, SymbolSet, type FeedSinks, type FeedState, type MarketDataFeed } from './feed.ts';
import { mergeByTime } from './historical/index.ts';

export type ReplaySource =
  | { readonly kind: 'bars'; readonly stream: AsyncIterable<Bar> }
  | { readonly kind: 'quotes'; readonly stream: AsyncIterable<Quote> }
  | { readonly kind: 'trades'; readonly stream: AsyncIterable<Trade> }
  | { readonly kind: 'depth'; readonly stream: AsyncIterable<DepthSnapshot | DepthUpdate> };

type ReplayItem =
  | { readonly timestamp: number; readonly kind: 'bars'; readonly value: Bar }
  | { readonly timestamp: number; readonly kind: 'quotes'; readonly value: Quote }
  | { readonly timestamp: number; readonly kind: 'trades'; readonly value: Trade }
  | { readonly timestamp: number; readonly kind: 'depth'; readonly value: DepthSnapshot | DepthUpdate };

export interface ReplayFeedOptions extends FeedSinks {
  readonly sources: readonly ReplaySource[];
  readonly name?: string;
  /** Only these symbols are emitted (default: every symbol of the sources). */
  readonly symbols?: readonly string[];
  /** Levels per side of published books. Default 20. */
  readonly bookLevels?: number;
}

export interface SpeedReplayOptions {
  /** Market ms per clock ms: 60 plays a minute of data per second. */
  readonly speed: number;
  /** How often the clock wakes the replay. Default 50 ms. */
  readonly tickMs?: number;
  /** Stamp emitted quotes, trades and books with the clock's time instead of the historical one. Default true. */
  readonly restamp?: boolean;
}

async function* tag(source: ReplaySource): AsyncGenerator<ReplayItem> {
  // Bars become known when they close: replay them at their close time, not their open time.
  switch (source.kind) {
    case 'bars':
      for await (const b of source.stream) yield { timestamp: b.timestamp + b.intervalMs, kind: 'bars', value: b };
      return;
    case 'quotes':
      for await (const q of source.stream) yield { timestamp: q.timestamp, kind: 'quotes', value: q };
      return;
    case 'trades':
      for await (const t of source.stream) yield { timestamp: t.timestamp, kind: 'trades', value: t };
      return;
    case 'depth':
      for await (const d of source.stream) yield { timestamp: d.timestamp, kind: 'depth', value: d };
      return;
    default: {
      const never: never = source;
      return never;
    }
  }
}

export class HistoricalReplayFeed implements MarketDataFeed {
  readonly name: string;
  readonly books: OrderBookManager;
  /** Events emitted so far. */
  emitted = 0;
  readonly #publisher: FeedPublisher;
  readonly #sources: readonly ReplaySource[];
  readonly #filter = new SymbolSet();
  readonly #filtered: boolean;
  #iterator: AsyncIterator<ReplayItem> | undefined;
  #next: ReplayItem | undefined;
  #done = false;
  #state: FeedState = 'stopped';
  #timer: TimerHandle | undefined;
  #pumping = false;
  #restampAt: number | undefined;
  /** The clock last given to a driver: stamps status events and owns the speed timer. */
  #clock: Clock | undefined;

  constructor(options: ReplayFeedOptions) {
    this.name = options.name ?? 'historical-replay';
    this.#publisher = new FeedPublisher(options);
    this.#sources = options.sources;
    this.#filtered = options.symbols !== undefined;
    this.#filter.add(options.symbols ?? []);
    this.books = new OrderBookManager({
      publisher: this.#publisher,
      levels: options.bookLevels ?? 20,
      name: this.name,
    });
  }

  get status(): FeedState {
    return this.#state;
  }

  get symbols(): readonly string[] {
    return this.#filter.list;
  }

  /** True once every source is exhausted. */
  get done(): boolean {
    return this.#done;
  }

  subscribe(symbols: readonly string[]): void {
    this.#filter.add(symbols);
  }

  unsubscribe(symbols: readonly string[]): void {
    this.#filter.remove(symbols);
  }

  start(): Promise<void> {
    if (this.#iterator === undefined) {
      this.#iterator = mergeByTime(this.#sources.map(tag))[Symbol.asyncIterator]();
      this.#done = false;
    }
    this.#setState('connected', undefined);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#cancelTimer();
    await this.#iterator?.return?.();
    this.#iterator = undefined;
    this.#next = undefined;
    this.#setState('stopped', undefined);
  }

  /** Time of the next event, or undefined when the replay is over. */
  async peekTime(): Promise<number | undefined> {
    return (await this.#peek())?.timestamp;
  }

  /**
   * Backtest driver: moves `clock` through every event stamped at or before `targetMs` (firing the clock's timers in
   * between, so bar closes and strategy timers interleave correctly), emits them, and leaves the clock at `targetMs`.
   */
  async advanceTo(clock: SimulatedClock, targetMs: number): Promise<number> {
    this.#clock = clock;
    let count = 0;
    for (let item = await this.#peek(); item !== undefined && item.timestamp <= targetMs; item = await this.#peek()) {
      if (item.timestamp > clock.now()) clock.advanceTo(item.timestamp);
      this.#next = undefined;
      this.#emit(item);
      count++;
    }
    if (targetMs > clock.now()) clock.advanceTo(targetMs);
    return count;
  }

  /** Emits everything stamped at or before the clock's current time (after the clock was moved by someone else). */
  async catchUp(clock: Clock): Promise<number> {
    this.#clock = clock;
    let count = 0;
    const now = clock.now();
    for (let item = await this.#peek(); item !== undefined && item.timestamp <= now; item = await this.#peek()) {
      this.#next = undefined;
      this.#emit(item);
      count++;
    }
    return count;
  }

  /** Replays to the end on a simulated clock. */
  async runToEnd(clock: SimulatedClock): Promise<number> {
    let count = 0;
    for (let t = await this.peekTime(); t !== undefined; t = await this.peekTime()) {
      count += await this.advanceTo(clock, Math.max(t, clock.now()));
    }
    return count;
  }

  /**
   * Paper driver: plays the data at `speed` × real time on `clock`, from the first event on. Returns at once; the
   * clock's interval does the work. Status goes to 'stopped' when the data runs out.
   */
  async playAtSpeed(clock: Clock, options: SpeedReplayOptions): Promise<void> {
    if (!(options.speed > 0)) throw new ValidationError(`replay speed must be positive, got ${options.speed}`, { speed: options.speed });
    this.#cancelTimer();
    this.#clock = clock;
    await this.start();
    const first = await this.peekTime();
    if (first === undefined) return this.stop();
    const startWall = clock.now();
    this.#restampAt = options.restamp === false ? undefined : startWall;
    const pump = async (now: number): Promise<void> => {
      this.#restampAt = options.restamp === false ? undefined : now;
      const marketNow = first + (now - startWall) * options.speed;
      for (let item = await this.#peek(); item !== undefined && item.timestamp <= marketNow; item = await this.#peek()) {
        this.#next = undefined;
        this.#emit(item);
      }
      if (this.#done) await this.stop();
    };
    this.#timer = clock.setInterval(options.tickMs ?? 50, (now) => {
      if (this.#pumping) return;
      this.#pumping = true;
      void pump(now).finally(() => {
        this.#pumping = false;
      });
    });
  }

  async #peek(): Promise<ReplayItem | undefined> {
    if (this.#next !== undefined) return this.#next;
    if (this.#iterator === undefined) await this.start();
    if (this.#done || this.#iterator === undefined) return undefined;
    const r = await this.#iterator.next();
    if (r.done === true) {
      this.#done = true;
      return undefined;
    }
    this.#next = r.value;
    return r.value;
  }

  #wanted(symbol: string): boolean {
    return !this.#filtered || this.#filter.has(symbol);
  }

  #emit(item: ReplayItem): void {
    if (!this.#wanted(item.value.symbol)) return;
    this.emitted++;
    const at = this.#restampAt;
    switch (item.kind) {
      case 'bars':
        return this.#publisher.bar(item.value);
      case 'quotes':
        return this.#publisher.quote(at === undefined ? item.value : { ...item.value, timestamp: at });
      case 'trades':
        return this.#publisher.trade(at === undefined ? item.value : { ...item.value, timestamp: at });
      case 'depth':
        return this.books.apply(at === undefined ? item.value : { ...item.value, timestamp: at });
      default: {
        const never: never = item;
        return never;
      }
    }
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock?.cancel(this.#timer);
    this.#timer = undefined;
  }

  #setState(state: FeedState, reason: string | undefined): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#publisher.status({
      feed: this.name,
      state,
      timestamp: this.#clock?.now() ?? 0,
      ...(reason === undefined ? {} : { reason }),
    });
  }
}
