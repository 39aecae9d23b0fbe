// Simulator throughput: matching-engine orders/s and quote updates/s, and signed GETs/s over HTTP.
import { createPrivateKey, sign } from 'node:crypto';
import { Pool } from 'undici';
import { dec } from '../src/core/decimal.ts';
import { createRandom } from '../src/core/random.ts';
import { MarketState } from '../src/venues/simulator/market.ts';
import { MatchingEngine } from '../src/venues/simulator/engine.ts';
import { DEFAULT_PRICES, defaultPairs } from '../src/venues/simulator/pairs.ts';
import { barTickSource } from '../src/venues/simulator/quote-path.ts';
import { generateCredential, startSimulator } from '../src/venues/simulator/index.ts';
import { measure } from './util.ts';

function engineWithBars(): MatchingEngine {
  const pairs = defaultPairs();
  const market = new MarketState(pairs, DEFAULT_PRICES, createRandom(1));
  const bars = Array.from({ length: 10_000 }, (_, i) => {
    const open = 65000 + Math.sin(i / 10) * 500;
    return {
      symbol: 'BTC-USD',
      timestamp: i * 60_000,
      intervalMs: 60_000,
      open,
      high: open + 80,
      low: open - 80,
      close: open + 20,
      volume: 30,
    };
  });
  market.setSource(barTickSource('BTC-USD', bars));
  const engine = new MatchingEngine({ pairs, market, now: () => 1_700_000_000_000, random: createRandom(2) });
  engine.addAccount({ accountNumber: '1', buyingPower: '1000000000000', holdings: { BTC: '1000000' } });
  return engine;
}

export async function run(): Promise<void> {
  const engine = engineWithBars();
  let n = 0;
  const id = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  /** A small market order, buys and sells alternating, filled by the next process(). */
  const marketOrder = (on: MatchingEngine, buy: boolean): void => {
    on.placeOrder('1', 2, {
      symbol: 'BTC-USD',
      clientOrderId: id(),
      side: buy ? 'buy' : 'sell',
      type: 'market',
      assetQuantity: dec('0.001'),
    });
    on.process();
  };
  await measure('simulator: place + fill market order', 20_000, () => marketOrder(engine, n % 2 === 1));
  const resting = engineWithBars();
  for (let i = 0; i < 1000; i++)
    resting.placeOrder('1', 2, {
      symbol: 'BTC-USD',
      clientOrderId: id(),
      side: 'buy',
      type: 'limit',
      assetQuantity: dec('0.001'),
      limitPrice: dec('1000.00'),
      timeInForce: 'gtc',
    });
  await measure('simulator: quote update, 1000 resting limits', 5_000, () => resting.step(1));

  // A paper session's status poll after ~100,000 finished orders: the orders updated in the last 5 s.
  let clock = 1_700_000_000_000;
  const pairs = defaultPairs();
  const long = new MatchingEngine({
    pairs,
    market: new MarketState(pairs, DEFAULT_PRICES, createRandom(3)),
    now: () => clock,
    random: createRandom(4),
  });
  long.addAccount({ accountNumber: '1', buyingPower: '1000000000000', holdings: { BTC: '1000000' } });
  for (let i = 0; i < 100_000; i++) {
    clock += 1000;
    marketOrder(long, i % 2 === 0);
  }
  await measure('simulator: orders updated in the last 5 s, of 100k (change log)', 2_000, () =>
    long.ordersUpdatedSince('1', clock - 5000),
  );
  await measure('simulator: the same by scanning every order', 50, () =>
    long.orders('1').filter((o) => o.updatedAt >= clock - 5000),
  );
  await measure('simulator: quote update, no orders', 50_000, () => engine.step(1));

  const credential = generateCredential();
  const sim = await startSimulator({ data: 'none', rateLimit: false, accounts: [credential] });
  const key = createPrivateKey({
    key: Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(credential.private_key, 'base64'),
    ]),
    format: 'der',
    type: 'pkcs8',
  });
  const pool = new Pool(sim.url, { connections: 8 });
  const path = '/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD';
  const get = async (): Promise<void> => {
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${credential.api_key}${ts}${path}GET`), key).toString('base64');
    const res = await pool.request({
      path,
      method: 'GET',
      headers: { 'x-api-key': credential.api_key, 'x-timestamp': ts, 'x-signature': signature },
    });
    await res.body.text();
  };
  await measure('simulator: signed GET best_bid_ask (sequential)', 3_000, get);
  const batch = 16;
  const r = await measure(`simulator: signed GET x${batch} concurrent (per batch)`, 300, () =>
    Promise.all(Array.from({ length: batch }, get)),
  );
  console.log(`${'  = concurrent signed GETs'.padEnd(48)} ${(r.opsPerSec * batch).toFixed(0).padStart(12)} req/s`);
  await pool.close();
  await sim.close();
}
