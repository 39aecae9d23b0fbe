// Rate limits through the client against the simulator's token bucket: a cancel issued behind 200 queued quote polls
// is sent first (on an exhausted budget, and after a server 429), the client's budget keeps it under the server's
// bucket, and a 429 makes the client back off until the GETs succeed.
import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../src/venues/robinhood/index.ts';
import { startHarness, until, untilState, useHarnessCleanup, type Harness } from './helpers.ts';

useHarnessCleanup();

const POLLS = 200;

async function restingOrder(h: Harness, client: ReturnType<Harness['client']>): Promise<string> {
  const order = await client.placeOrder({
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    assetQuantity: '0.001',
    limitPrice: '50000',
  });
  return order.id;
}

/** Queues POLLS quote polls and then one cancel, all in the same tick; resolves when every call has settled. */
async function pollsThenCancel(
  client: ReturnType<Harness['client']>,
  orderId: string,
): Promise<PromiseSettledResult<unknown>[]> {
  const calls: Array<Promise<unknown>> = [];
  for (let i = 0; i < POLLS; i++) calls.push(client.getBestBidAsk(['BTC-USD']));
  calls.push(client.cancelOrder(orderId));
  return Promise.allSettled(calls);
}

describe('priorities: a cancel goes before queued quote polls', () => {
  it('on an exhausted budget, a cancel issued behind 200 queued polls is sent next', async () => {
    const h = await startHarness();
    const budget = new RateBudget({
      timers: h.clock.timers(),
      bucket: { capacity: 1, refillAmount: 1, refillIntervalMs: 3 },
    });
    const client = h.client({ rateBudget: budget });
    const orderId = await restingOrder(h, client);
    const start = h.log.sent.length;

    const results = await pollsThenCancel(client, orderId);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const order = h.log.sent.slice(start).map((e) => e.endpoint);
    expect(order).toHaveLength(POLLS + 1);
    // At most the one token in the bucket went to a poll before the cancel was queued; then the cancel went first.
    expect(order.indexOf('v2.orders.cancel')).toBeLessThanOrEqual(1);
    expect(order.filter((e) => e === 'v2.marketdata.best_bid_ask' || e.endsWith('best_bid_ask'))).toHaveLength(POLLS);
    await untilState(client, orderId, 'canceled');
  });

  it('after a server 429 blocks the budget, the cancel issued behind 200 polls is the first request out', async () => {
    const h = await startHarness();
    const client = h.client({ bucket: { capacity: 300, refillAmount: 1, refillIntervalMs: 2 } });
    const orderId = await restingOrder(h, client);

    h.sim.setFaults('429:1');
    h.log.onAnswer = (e) => {
      if (e.status === 429) h.sim.setFaults(''); // one 429, then the server is fine again
    };
    const first = client.getBestBidAsk(['ETH-USD']);
    await until('budget blocked by the 429', () => (client.health().rateBudget.blockedForMs > 0 ? true : undefined));
    const mark = h.log.sent.length;
    const results = await pollsThenCancel(client, orderId);
    await first;
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const after = h.log.sent.slice(mark).map((e) => e.endpoint);
    expect(after[0]).toBe('v2.orders.cancel');
    expect(h.log.answered.filter((e) => e.status === 429)).toHaveLength(1);
    await untilState(client, orderId, 'canceled');
  });
});

describe('the server bucket', () => {
  it("a client budget shaped under the server's bucket never sees a 429", async () => {
    // Server: 10 burst, 20 a second. Client: 8 burst, one every 80 ms (the margins absorb network jitter).
    const h = await startHarness({ rateLimit: { capacity: 10, refillPerMinute: 1200 } });
    const client = h.client({ bucket: { capacity: 8, refillAmount: 1, refillIntervalMs: 80 } });
    const calls = Array.from({ length: 16 }, (_, i) => client.getBestBidAsk([i % 2 === 0 ? 'BTC-USD' : 'ETH-USD']));
    const results = await Promise.all(calls);
    expect(results).toHaveLength(16);
    expect(h.log.answered.filter((e) => e.status === 429)).toEqual([]);
    expect(h.log.sent).toHaveLength(16);
  });

  it('a bucket that sat full banks no partial interval: no extra request right after a burst', async () => {
    // Regression: the client's bucket counted the time it sat full towards its next token, and so sent one request
    // more than the server's bucket allows right after a burst.
    const h = await startHarness({ rateLimit: { capacity: 4, refillPerMinute: 800 } }); // a token every 75 ms
    // One warm connection, so that request latencies are alike.
    const client = h.client({ connections: 1, bucket: { capacity: 4, refillAmount: 1, refillIntervalMs: 150 } });
    await client.getBestBidAsk(['BTC-USD']);
    h.clock.advance(150);
    expect(client.health().rateBudget.available).toBe(4); // full again from now on
    // Full for 120 of its 150 ms interval: without the fix the 5th request went out 30 ms after the burst.
    h.clock.advance(120);
    const results = await Promise.all(Array.from({ length: 5 }, () => client.getBestBidAsk(['BTC-USD'])));
    expect(results).toHaveLength(5);
    expect(h.log.answered.filter((e) => e.status === 429)).toEqual([]);
  });

  it('the server answering 429 makes the client back off, and the GETs eventually succeed', async () => {
    // Server: 3 burst, 10 a second. The client's own budget does not know and sends 6 at once.
    const h = await startHarness({ rateLimit: { capacity: 3, refillPerMinute: 600 } });
    const client = h.client();
    let blockedAfter429 = 0;
    h.log.onAnswer = (e) => {
      if (e.status === 429) blockedAfter429 = Math.max(blockedAfter429, client.health().rateBudget.blockedForMs);
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => client.getBestBidAsk(['BTC-USD'])));
    expect(results.map((r) => r[0]!.symbol)).toEqual(Array(6).fill('BTC-USD'));
    const throttled = h.log.answered.filter((e) => e.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(throttled[0]!.error?.message).toMatch(/Request was throttled/);
    // The budget honoured Retry-After (1 s) before anyone was retried; the retries carried attempt numbers > 1.
    expect(blockedAfter429).toBeGreaterThan(0);
    expect(h.log.sent.filter((e) => e.attempt > 1)).toHaveLength(throttled.length);
  });
});
