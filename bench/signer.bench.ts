// Ed25519 request signing: signatures per second with the key object created once (as the client does),
// and what it would cost to rebuild the key on every request.
import { createSigner } from '../src/venues/robinhood/signer.ts';
import { measure } from './util.ts';

const SEED = 'xQnTJVeQLmw1/Mg2YimEViSpw/SdJcgNXZ5kQkAXNPU=';
const API_KEY = 'rh-api-6148effc-c0b1-486c-8940-a1d099456be6';
const BODY =
  '{"client_order_id":"131de903-5a9c-4260-abc1-28d562a5dcf0","side":"buy","type":"limit","symbol":"BTC-USD","limit_order_config":{"asset_quantity":"0.0001","limit_price":"36352.78","time_in_force":"gtc"}}';

export async function run(): Promise<void> {
  const signer = createSigner(API_KEY, SEED);
  await measure('sign GET (key created once)', 50_000, (i) =>
    signer.sign({
      timestamp: 1698708981 + i,
      path: '/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD',
      method: 'GET',
    }),
  );
  await measure('sign POST order body (key created once)', 50_000, (i) =>
    signer.sign({
      timestamp: 1698708981 + i,
      path: '/api/v2/crypto/trading/orders/?account_number=1',
      method: 'POST',
      body: BODY,
    }),
  );
  await measure('create signer + sign (key rebuilt each time)', 10_000, (i) =>
    createSigner(API_KEY, SEED).sign({
      timestamp: 1698708981 + i,
      path: '/api/v2/crypto/trading/accounts/',
      method: 'GET',
    }),
  );
}
