// The client's own overhead per request, excluding the network: every request is answered in-process by undici's
// MockAgent (no sockets). The bare MockAgent round trip is measured too; the difference is what the client adds
// (query building, signing, rate budget, circuit breaker, lossless JSON parsing, zod validation, Decimal conversion).
import { MockAgent } from 'undici';
import { RobinhoodClient } from '../src/venues/robinhood/client.ts';
import { orderJson } from '../test/venues/robinhood/helpers.ts';
import { measure } from './util.ts';

const ORIGIN = 'https://trading.robinhood.com';
const QUOTES = JSON.stringify({
  results: [{ symbol: 'BTC-USD', bid: '68329.2', ask: '68320.1', timestamp: '2026-08-19T19:20:41.579217945Z' }],
});
// The documented order shape the client tests use (one source for both).
const ORDER = orderJson();
const ORDERS_PAGE = JSON.stringify({ next: null, previous: null, results: Array.from({ length: 20 }, () => ORDER) });

export async function run(): Promise<void> {
  const agent = new MockAgent({ enableCallHistory: false });
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const reply = (method: string, path: string): string =>
    path.includes('best_bid_ask')
      ? QUOTES
      : method === 'GET' && path.includes('/orders/?')
        ? ORDERS_PAGE
        : JSON.stringify(ORDER);
  pool
    .intercept({ path: () => true, method: () => true })
    .reply(200, (opts) => reply(opts.method, opts.path), { headers: { 'content-type': 'application/json' } })
    .persist();

  const client = new RobinhoodClient({
    apiKey: 'rh-api-6148effc-c0b1-486c-8940-a1d099456be6',
    privateKey: 'xQnTJVeQLmw1/Mg2YimEViSpw/SdJcgNXZ5kQkAXNPU=',
    baseUrl: ORIGIN,
    accountNumber: 'ACC123',
    dispatcher: agent,
    bucket: { capacity: 1e9, refillAmount: 1e9, refillIntervalMs: 1 }, // never throttle the benchmark
  });
  const n = 20_000;
  await measure('bare MockAgent GET (baseline, no client)', n, async () => {
    const res = await agent.request({
      origin: ORIGIN,
      path: '/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD',
      method: 'GET',
    });
    await res.body.text();
  });
  await measure('client.getBestBidAsk (1 symbol)', n, () => client.getBestBidAsk(['BTC-USD']));
  await measure('client.getOrder', n, () => client.getOrder('0190d2a4-5e5b-7c1d-9a0e-3f3c2b1a0001'));
  await measure('client.placeOrder (limit)', n, () =>
    client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.0001',
      limitPrice: '36352.78',
      clientOrderId: '2f6c1b9e-8a40-4d3f-9a51-0c7e5d2b1a11',
    }),
  );
  await measure('client.listOrdersPage (20 orders)', 5_000, () => client.listOrdersPage({ state: 'open' }));
  await client.close();
  await agent.close();
}
