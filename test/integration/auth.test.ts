// Signature failures through the client: a wrong private key, an unknown api key and a skewed clock are all 401s,
// mapped to AuthenticationError and never retried.
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/core/errors.ts';
import { RobinhoodClient, type ApiVersion } from '../../src/venues/robinhood/index.ts';
import { generateCredential } from '../../src/venues/simulator/index.ts';
import { RequestLog, rejection, startHarness, useHarnessCleanup, type Harness } from './helpers.ts';

useHarnessCleanup();

async function expect401(h: Harness, client: RobinhoodClient, log: RequestLog): Promise<void> {
  const err = await rejection(client.getBestBidAsk(['BTC-USD']));
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as AuthenticationError).status).toBe(401);
  expect(err.message).toMatch(/Authentication failed/);
  expect(log.sent).toHaveLength(1); // a 401 is an answer: no retry
  await client.close();
}

function clientWith(h: Harness, log: RequestLog, apiKey: string, privateKey: string, skewMs = 0): RobinhoodClient {
  return new RobinhoodClient({
    apiKey,
    privateKey,
    baseUrl: h.sim.url,
    hooks: log.hooks,
    timers: {
      now: () => h.clock.now() + skewMs,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
    },
  });
}

describe.each<ApiVersion>(['v2', 'v1'])('signature failures (%s)', (apiVersion) => {
  it('the right key pair is accepted', async () => {
    const h = await startHarness();
    const client = h.client({ apiVersion });
    expect((await client.getBestBidAsk(['BTC-USD']))[0]!.symbol).toBe('BTC-USD');
  });

  it('a wrong private key is a 401', async () => {
    const h = await startHarness();
    const log = new RequestLog();
    await expect401(h, clientWith(h, log, h.credential.api_key, generateCredential().private_key), log);
  });

  it('an unknown api key is a 401', async () => {
    const h = await startHarness();
    const log = new RequestLog();
    await expect401(
      h,
      clientWith(h, log, 'rh-api-00000000-0000-4000-8000-000000000000', h.credential.private_key),
      log,
    );
  });

  it('a clock skewed by more than 30 s is a 401, either way', async () => {
    const h = await startHarness();
    for (const skew of [-31_000, 31_000]) {
      const log = new RequestLog();
      await expect401(h, clientWith(h, log, h.credential.api_key, h.credential.private_key, skew), log);
    }
    // Within the window it passes.
    const log = new RequestLog();
    const ok = clientWith(h, log, h.credential.api_key, h.credential.private_key, -25_000);
    expect(await ok.getBestBidAsk(['BTC-USD'])).toHaveLength(1);
    await ok.close();
  });

  it('a POST signed with the wrong key is rejected and places nothing', async () => {
    const h = await startHarness();
    const log = new RequestLog();
    const client = new RobinhoodClient({
      apiKey: h.credential.api_key,
      privateKey: generateCredential().private_key,
      baseUrl: h.sim.url,
      apiVersion,
      accountNumber: h.credential.account_number,
      hooks: log.hooks,
    });
    const err = await rejection(
      client.placeOrder({ symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.001' }),
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(h.sim.engine.orders()).toHaveLength(0);
    await client.close();
  });
});
