// A generic WebSocket market-data client (an edge adapter): connects, keeps the connection honest with ping/pong,
// reconnects with exponential backoff and jitter, re-sends the subscription after every reconnect, caps messages at
// 1 MB, validates every JSON message with a zod schema, and turns venue messages into Sherwood events through a
// mapper. Timers go through the injected Clock, so tests can drive them.
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { z } from 'zod';
import { errorMessage, MarketDataError } from '../core/errors.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Random } from '../core/random.ts';
import { FeedPublisher, SymbolSet, type FeedSinks, type FeedState, type MarketDataEvent, type MarketDataFeed } from './feed.ts';

export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface BackoffOptions {
  /** First delay. Default 500 ms. */
  readonly initialMs?: number;
  /** Cap. Default 30,000 ms. */
  readonly maxMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** ± fraction of randomness, so that many clients do not reconnect in step. Default 0.2. */
  readonly jitter?: number;
}

/** Delay before reconnect attempt `attempt` (0-based): min(max, initial × factor^attempt) × (1 ± jitter). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const base = Math.min(max, initial * factor ** attempt);
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random())));
}

export interface WebSocketFeedOptions<M> extends FeedSinks {
  readonly url: string;
  readonly clock: Clock;
  /** Seeded randomness for the jitter. */
  readonly random: Random;
  /** Every message must pass it; failures are counted and reported, never applied. */
  readonly schema: z.ZodType<M>;
  /** Venue message → Sherwood events (quotes, trades, books, bars); [] for acks and other housekeeping. */
  readonly mapMessage: (message: M) => readonly MarketDataEvent[];
  /** The message that subscribes symbols (sent on connect for all of them, and when symbols are added). */
  readonly subscribeMessage: (symbols: readonly string[]) => unknown;
  readonly unsubscribeMessage?: (symbols: readonly string[]) => unknown;
  readonly symbols?: readonly string[];
  readonly name?: string;
  /** Ping this often. Default 15,000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** No pong within this → the connection is dead: terminate and reconnect. Default 10,000 ms. */
  readonly heartbeatTimeoutMs?: number;
  /** Give up on a connection attempt after this. Default 10,000 ms. */
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Default 1 MB. */
  readonly maxPayload?: number;
  /** Told of invalid messages, socket errors and dropped connections. */
  readonly onError?: (error: MarketDataError) => void;
}

export interface WebSocketFeedStats {
  connects: number;
  reconnects: number;
  messages: number;
  invalidMessages: number;
  heartbeatTimeouts: number;
  errors: number;
  lastError: string | undefined;
}

export class WebSocketFeed<M> implements MarketDataFeed {
  readonly name: string;
  readonly stats: WebSocketFeedStats = {
    connects: 0,
    reconnects: 0,
    messages: 0,
    invalidMessages: 0,
    heartbeatTimeouts: 0,
    errors: 0,
    lastError: undefined,
  };
  readonly #o: WebSocketFeedOptions<M>;
  readonly #publisher: FeedPublisher;
  readonly #symbols = new SymbolSet();
  #socket: WebSocket | undefined;
  #state: FeedState = 'stopped';
  #running = false;
  #attempt = 0;
  #reconnectTimer: TimerHandle | undefined;
  #pingTimer: TimerHandle | undefined;
  #pongTimer: TimerHandle | undefined;
  #connectTimer: TimerHandle | undefined;

  constructor(options: WebSocketFeedOptions<M>) {
    this.#o = options;
    this.name = options.name ?? 'websocket';
    this.#publisher = new FeedPublisher(options);
    this.#symbols.add(options.symbols ?? []);
  }

  get status(): FeedState {
    return this.#state;
  }

  get symbols(): readonly string[] {
    return this.#symbols.list;
  }

  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  subscribe(symbols: readonly string[]): void {
    const added = this.#symbols.add(symbols);
    if (added.length > 0 && this.connected) this.#send(this.#o.subscribeMessage(added));
  }

  unsubscribe(symbols: readonly string[]): void {
    const removed = this.#symbols.remove(symbols);
    if (removed.length > 0 && this.connected && this.#o.unsubscribeMessage) {
      this.#send(this.#o.unsubscribeMessage(removed));
    }
  }

  /** Connects; resolves once the first attempt is open or has failed (reconnecting then goes on by itself). */
  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    this.#attempt = 0;
    return this.#connect();
  }

  /** Closes the connection and stops reconnecting. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#clearTimers();
    if (this.#reconnectTimer !== undefined) this.#o.clock.cancel(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1000, 'stopped');
        // A peer that never answers the close handshake must not hold shutdown.
        const t = this.#o.clock.setTimer(this.#o.clock.now() + 2000, () => socket.terminate());
        socket.once('close', () => this.#o.clock.cancel(t));
      });
    }
    this.#setState('stopped', undefined);
  }

  #connect(): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.#o.url, { maxPayload: this.#o.maxPayload ?? MAX_MESSAGE_BYTES });
      this.#socket = socket;
      let settled = false;
      const settle = (): void => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      const clock = this.#o.clock;
      this.#connectTimer = clock.setTimer(clock.now() + (this.#o.connectTimeoutMs ?? 10_000), () => {
        this.#report(new MarketDataError(`${this.name}: connect to ${this.#o.url} timed out`, { url: this.#o.url }));
        socket.terminate();
      });
      socket.on('open', () => {
        this.#cancel('connect');
        this.stats.connects++;
        if (this.stats.connects > 1) this.stats.reconnects++;
        this.#attempt = 0;
        const symbols = this.#symbols.list;
        if (symbols.length > 0) this.#send(this.#o.subscribeMessage(symbols));
        this.#setState('connected', undefined);
        this.#armPing();
        settle();
      });
      socket.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
      socket.on('pong', () => this.#cancel('pong'));
      socket.on('error', (err: Error) => {
        this.#report(new MarketDataError(`${this.name}: ${err.message}`, { url: this.#o.url }));
      });
      socket.on('close', (code: number, reason: Buffer) => {
        this.#clearTimers();
        settle();
        if (this.#socket !== socket) return; // replaced or stopped
        this.#socket = undefined;
        if (!this.#running) return;
        this.#scheduleReconnect(`closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
      });
    });
  }

  #scheduleReconnect(why: string): void {
    const delay = backoffDelay(this.#attempt, this.#o.backoff ?? {}, () => this.#o.random.next());
    this.#attempt++;
    this.#setState('reconnecting', `${why}; reconnect attempt ${this.#attempt} in ${delay} ms`);
    const clock = this.#o.clock;
    this.#reconnectTimer = clock.setTimer(clock.now() + delay, () => {
      this.#reconnectTimer = undefined;
      if (this.#running) void this.#connect();
    });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.stats.messages++;
    let parsed: unknown;
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (isBinary) throw new Error('binary message');
      parsed = JSON.parse(text);
    } catch (err) {
      this.stats.invalidMessages++;
      this.#report(new MarketDataError(`${this.name}: message is not JSON text: ${errorMessage(err)}`, {}));
      return;
    }
    const result = this.#o.schema.safeParse(parsed);
    if (!result.success) {
      this.stats.invalidMessages++;
      this.#report(
        new MarketDataError(`${this.name}: invalid message: ${z.prettifyError(result.error)}`, {
          message: JSON.stringify(parsed).slice(0, 200),
        }),
      );
      return;
    }
    let events: readonly MarketDataEvent[];
    try {
      events = this.#o.mapMessage(result.data);
    } catch (err) {
      this.stats.invalidMessages++;
      this.#report(new MarketDataError(`${this.name}: could not map message: ${errorMessage(err)}`, {}));
      return;
    }
    for (const e of events) {
      if (e.type === 'status' || this.#symbols.has(symbolOf(e))) this.#publisher.event(e);
    }
  }

  #armPing(): void {
    const clock = this.#o.clock;
    const every = this.#o.heartbeatIntervalMs ?? 15_000;
    this.#pingTimer = clock.setInterval(every, () => {
      const socket = this.#socket;
      if (!socket || socket.readyState !== WebSocket.OPEN || this.#pongTimer !== undefined) return;
      socket.ping();
      this.#pongTimer = clock.setTimer(clock.now() + (this.#o.heartbeatTimeoutMs ?? 10_000), () => {
        this.#pongTimer = undefined;
        this.stats.heartbeatTimeouts++;
        this.#report(new MarketDataError(`${this.name}: no pong within the heartbeat timeout`, { url: this.#o.url }));
        socket.terminate(); // → close → reconnect
      });
    });
  }

  #cancel(which: 'pong' | 'connect'): void {
    const clock = this.#o.clock;
    if (which === 'pong' && this.#pongTimer !== undefined) {
      clock.cancel(this.#pongTimer);
      this.#pongTimer = undefined;
    }
    if (which === 'connect' && this.#connectTimer !== undefined) {
      clock.cancel(this.#connectTimer);
      this.#connectTimer = undefined;
    }
  }

  #clearTimers(): void {
    this.#cancel('pong');
    this.#cancel('connect');
    if (this.#pingTimer !== undefined) this.#o.clock.cancel(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  #send(message: unknown): void {
    this.#socket?.send(JSON.stringify(message));
  }

  #report(error: MarketDataError): void {
    this.stats.errors++;
    this.stats.lastError = error.message;
    try {
      this.#o.onError?.(error);
    } catch {
      // a failing reporter must not break the connection handling
    }
  }

  #setState(state: FeedState, reason: string | undefined): void {
    if (state === this.#state && reason === undefined) return;
    this.#state = state;
    this.#publisher.status({
      feed: this.name,
      state,
      timestamp: this.#o.clock.now(),
      ...(reason === undefined ? {} : { reason }),
    });
  }
}

function symbolOf(e: Exclude<MarketDataEvent, { type: 'status' }>): string {
  switch (e.type) {
    case 'quote':
      return e.quote.symbol;
    case 'trade':
      return e.trade.symbol;
    case 'bar':
      return e.bar.symbol;
    case 'book':
      return e.book.symbol;
    default: {
      const never: never = e;
      return never;
    }
  }
}
