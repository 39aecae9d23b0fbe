import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { LiveClock } from '../../src/core/clock.ts';
import { createRandom } from '../../src/core/random.ts';
import { MarketDataCache } from '../../src/data/cache.ts';
import type { FeedStatus, MarketDataEvent } from '../../src/data/feed.ts';
import { createSimMarketFeed } from '../../src/data/sim-market-feed.ts';
import { backoffDelay, WebSocketFeed } from '../../src/data/ws-feed.ts';
import { startSimulator, type SimulatorHandle } from '../../src/venues/simulator/server.ts';
import type { Quote } from '../../src/model/market.ts';
import { until } from '../support/until.ts';

/** Waits for a condition (10 s at most, polled every 10 ms). */
const waitFor = (condition: () => boolean, what: string): Promise<void> => until(what, condition, 10_000, 10);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function localServer(options: { autoPong?: boolean } = {}): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  );
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

const VenueMessage = z.discriminatedUnion('e', [
  z.object({ e: z.literal('quote'), s: z.string(), t: z.number(), b: z.number(), a: z.number() }),
  z.object({ e: z.literal('ack') }),
]);
type VenueMessage = z.infer<typeof VenueMessage>;

function feedFor(url: string, sink: { events: MarketDataEvent[]; cache?: MarketDataCache }, extra: Partial<{ heartbeatIntervalMs: number; heartbeatTimeoutMs: number }> = {}) {
  const feed = new WebSocketFeed<VenueMessage>({
    url,
    clock: new LiveClock(),
    random: createRandom(42),
    schema: VenueMessage,
    mapMessage: (m) => (m.e === 'quote' ? [{ type: 'quote', quote: { symbol: m.s, timestamp: m.t, bid: m.b, ask: m.a } }] : []),
    subscribeMessage: (symbols) => ({ op: 'subscribe', symbols }),
    symbols: ['BTC-USD'],
    backoff: { initialMs: 20, maxMs: 200 },
    onEvent: (e) => sink.events.push(e),
    ...(sink.cache ? { cache: sink.cache } : {}),
    ...extra,
  });
  cleanups.push(() => feed.stop());
  return feed;
}

describe('backoffDelay', () => {
  it('grows exponentially to the cap, with bounded jitter', () => {
    const mid = (): number => 0.5;
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 1000 }, mid))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelay(0, { initialMs: 100, jitter: 0.2 }, () => 0)).toBe(80);
    expect(backoffDelay(0, { initialMs: 100, jitter: 0.2 }, () => 1)).toBe(120);
  });
});

describe('WebSocketFeed against a server that drops connections', () => {
  it('reconnects with backoff and resubscribes every symbol, including ones added while connected', async () => {
    const { wss, url } = await localServer();
    const subscriptions: unknown[][] = [];
    let connections = 0;
    wss.on('connection', (ws: WebSocket) => {
      const n = connections++;
      const mine: unknown[] = [];
      subscriptions.push(mine);
      ws.on('message', (data) => {
        const msg = JSON.parse((data as Buffer).toString('utf8')) as { symbols: string[] };
        mine.push(msg);
        for (const s of msg.symbols) ws.send(JSON.stringify({ e: 'quote', s, t: n, b: 1 + n, a: 2 + n }));
        // The first connection drops once it has seen two subscriptions; the second after its first.
        if ((n === 0 && mine.length === 2) || (n === 1 && mine.length === 1)) setTimeout(() => ws.terminate(), 20);
      });
    });
    const events: MarketDataEvent[] = [];
    const cache = new MarketDataCache();
    const feed = feedFor(url, { events, cache });
    await feed.start();
    await waitFor(() => subscriptions[0]?.length === 1, 'first subscription');
    feed.subscribe(['ETH-USD']);
    await waitFor(() => connections >= 3 && subscriptions[2]?.length === 1, 'two reconnects');
    expect(subscriptions[0]).toEqual([
      { op: 'subscribe', symbols: ['BTC-USD'] },
      { op: 'subscribe', symbols: ['ETH-USD'] },
    ]);
    expect(subscriptions[1]).toEqual([{ op: 'subscribe', symbols: ['BTC-USD', 'ETH-USD'] }]);
    expect(subscriptions[2]).toEqual([{ op: 'subscribe', symbols: ['BTC-USD', 'ETH-USD'] }]);
    await waitFor(() => cache.quote('ETH-USD')?.timestamp === 2, 'a quote from the third connection');
    const states = events.filter((e) => e.type === 'status').map((e) => (e as { status: FeedStatus }).status.state);
    expect(states.slice(0, 5)).toEqual(['connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    expect(feed.stats.reconnects).toBe(2);
    await feed.stop();
    expect(feed.status).toBe('stopped');
  });

  it('a peer that stops answering pings is dropped and reconnected', async () => {
    const { wss, url } = await localServer({ autoPong: false });
    let connections = 0;
    wss.on('connection', () => connections++);
    const feed = feedFor(url, { events: [] }, { heartbeatIntervalMs: 30, heartbeatTimeoutMs: 30 });
    await feed.start();
    await waitFor(() => connections >= 2, 'a reconnect after the heartbeat timeout');
    expect(feed.stats.heartbeatTimeouts).toBeGreaterThanOrEqual(1);
  });

  it('counts and skips invalid messages; caps messages at 1 MB', async () => {
    const { wss, url } = await localServer();
    wss.on('connection', (ws: WebSocket) => {
      ws.send('not json');
      ws.send(JSON.stringify({ e: 'quote', s: 'BTC-USD', t: 1, b: 'x', a: 2 }));
      ws.send(JSON.stringify({ e: 'quote', s: 'DOGE-USD', t: 1, b: 1, a: 2 })); // not subscribed
      ws.send(JSON.stringify({ e: 'quote', s: 'BTC-USD', t: 2, b: 1, a: 2 }));
    });
    const events: MarketDataEvent[] = [];
    const feed = feedFor(url, { events });
    await feed.start();
    await waitFor(() => events.some((e) => e.type === 'quote'), 'the valid quote');
    expect(feed.stats.invalidMessages).toBe(2);
    expect(events.filter((e) => e.type === 'quote')).toEqual([
      { type: 'quote', quote: { symbol: 'BTC-USD', timestamp: 2, bid: 1, ask: 2 } },
    ]);
    const before = feed.stats.connects;
    for (const c of wss.clients) c.send('x'.repeat(1024 * 1024 + 1));
    await waitFor(() => feed.stats.connects > before, 'reconnect after an oversized message');
  });
});

describe('the simulator market stream', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('pushes the current quote on subscribe and every market change after it', async () => {
    sim = await startSimulator({ data: 'none', rateLimit: false, initialPrices: { 'BTC-USD': 60_000 } });
    const quotes: Quote[] = [];
    const cache = new MarketDataCache();
    const feed = createSimMarketFeed({
      url: sim.url,
      clock: new LiveClock(),
      random: createRandom(1),
      symbols: ['BTC-USD'],
      cache,
      onEvent: (e) => {
        if (e.type === 'quote') quotes.push(e.quote);
      },
    });
    cleanups.push(() => feed.stop());
    await feed.start();
    await waitFor(() => quotes.length === 1, 'the snapshot quote');
    expect((quotes[0]!.bid + quotes[0]!.ask) / 2).toBeCloseTo(60_000, -1);
    sim.setPrice('BTC-USD', '61000');
    sim.setPrice('ETH-USD', '3000'); // not subscribed: not pushed
    await waitFor(() => quotes.length === 2, 'the pushed quote');
    expect((quotes[1]!.bid + quotes[1]!.ask) / 2).toBeCloseTo(61_000, -1);
    expect(cache.quote('BTC-USD')).toEqual(quotes[1]);
    expect(quotes.every((q) => q.symbol === 'BTC-USD')).toBe(true);
  });

  it('the client reconnects and resubscribes after the simulator drops it', async () => {
    sim = await startSimulator({ data: 'none', rateLimit: false, port: 0 });
    const statuses: FeedStatus[] = [];
    const quotes: Quote[] = [];
    const feed = createSimMarketFeed({
      url: sim.url,
      clock: new LiveClock(),
      random: createRandom(1),
      symbols: ['ETH-USD'],
      backoff: { initialMs: 20 },
      onEvent: (e) => {
        if (e.type === 'status') statuses.push(e.status);
        if (e.type === 'quote') quotes.push(e.quote);
      },
    });
    cleanups.push(() => feed.stop());
    await feed.start();
    await waitFor(() => quotes.length === 1, 'first quote');
    const port = sim.port;
    await sim.close(); // drops the stream
    sim = await startSimulator({ data: 'none', rateLimit: false, port });
    await waitFor(() => quotes.length === 2, 'the quote sent on resubscription');
    expect(statuses.map((s) => s.state)).toContain('reconnecting');
    expect(feed.status).toBe('connected');
  });
});
