// Every fault the simulator can inject, observed through RobinhoodClient: GETs retried with fresh signatures, order
// POSTs never retried (OrderOutcomeUnknown, then found by client_order_id), the circuit breaker opening and closing,
// slow answers, delayed cancels and failed orders.
import { describe, expect, it } from 'vitest';
import { toPlain } from '../../src/core/decimal.ts';
import { CircuitOpenError, NetworkError, ServerError, TimeoutError } from '../../src/core/errors.ts';
import { OrderOutcomeUnknown, type Timers } from '../../src/venues/robinhood/index.ts';
import { rejection, startHarness, untilState, useHarnessCleanup, type Harness } from './helpers.ts';

useHarnessCleanup();

/** Real timers whose every wait also moves the shared clock 40 s: a signature reused across a retry would be stale. */
function jumpingTimers(h: Harness): Timers {
  return {
    now: h.clock.now,
    setTimeout: (fn, ms) =>
      setTimeout(() => {
        h.clock.advance(40_000);
        fn();
      }, ms),
    clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  };
}

/** Clears the simulator's faults as soon as the client has seen the first failed attempt. */
function clearAfterFirstFailure(h: Harness): void {
  h.log.onAnswer = (e) => {
    if (e.error !== undefined) h.sim.setFaults('');
  };
}

const limitBuy = {
  symbol: 'BTC-USD',
  side: 'buy',
  type: 'limit',
  assetQuantity: '0.001',
  limitPrice: '50000',
} as const;

describe('GET retry with fresh signatures', () => {
  it.each([
    ['5xx:1', ServerError],
    ['drop:1', NetworkError],
  ] as const)('%s: the first attempt fails, the re-signed retry succeeds', async (spec, errorClass) => {
    const h = await startHarness();
    const client = h.client({ timers: jumpingTimers(h) });
    h.sim.setFaults(spec);
    clearAfterFirstFailure(h);
    const quotes = await client.getBestBidAsk(['BTC-USD']);
    expect(quotes[0]!.symbol).toBe('BTC-USD');
    const attempts = h.log.answersFrom('v2.best_bid_ask');
    expect(attempts.map((e) => e.attempt)).toEqual([1, 2]);
    expect(attempts[0]!.error).toBeInstanceOf(errorClass);
    expect(attempts[1]!.status).toBe(200); // signed 40 s after the first: the signature was made anew
  });

  it('slow: an answer slower than the timeout is a TimeoutError, and the retry succeeds', async () => {
    const h = await startHarness();
    // undici checks its headers timeout on a coarse (~0.5 s) timer: the delay must clear it by a wide margin.
    const client = h.client({ headersTimeoutMs: 200 });
    h.sim.setFaults('slow:1@2000');
    clearAfterFirstFailure(h);
    const [account] = await client.getAccounts();
    expect(account!.accountNumber).toBe(h.credential.account_number);
    const attempts = h.log.answersFrom('v2.accounts');
    expect(attempts[0]!.error).toBeInstanceOf(TimeoutError);
    expect(attempts.at(-1)!.status).toBe(200);
  });

  it('slow under the timeout is only slow', async () => {
    const h = await startHarness();
    const client = h.client();
    h.sim.setFaults('slow:1@100');
    expect(await client.getBestBidAsk(['BTC-USD'])).toHaveLength(1);
    expect(h.log.sent).toHaveLength(1);
  });

  it('mixed 5xx and drops at a seeded rate: every sequential GET ends in success', async () => {
    const h = await startHarness({ seed: 23 });
    const client = h.client({ retry: { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 10 } });
    h.sim.setFaults('5xx:0.3,drop:0.1');
    for (let i = 0; i < 20; i++) expect(await client.getBestBidAsk(['BTC-USD'])).toHaveLength(1);
    const failed = h.log.answered.filter((e) => e.error !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect(h.log.answered.filter((e) => e.status === 200)).toHaveLength(20);
    expect(h.log.sent).toHaveLength(20 + failed.length);
  });
});

describe('order POSTs are never retried', () => {
  it('post-timeout: OrderOutcomeUnknown, one POST, and the order found by client_order_id', async () => {
    const h = await startHarness();
    const client = h.client({ headersTimeoutMs: 300 });
    await client.accountNumber();
    h.sim.setFaults('post-timeout:1');
    const err = await rejection(client.placeOrder(limitBuy));
    expect(err).toBeInstanceOf(OrderOutcomeUnknown);
    const unknown = err as OrderOutcomeUnknown;
    expect(unknown.cause).toBeInstanceOf(TimeoutError);
    expect(h.log.sentTo('v2.orders.place')).toHaveLength(1);
    const created = h.sim.engine.orders();
    expect(created).toHaveLength(1); // the simulator placed it; the client never heard

    h.sim.setFaults('');
    const found = await client.findOrderByClientOrderId(unknown.clientOrderId, unknown.sentAtMs - 5000);
    expect(found?.id).toBe(created[0]!.id);
    expect(found?.state).toBe('open');
    expect(h.log.sentTo('v2.orders.place')).toHaveLength(1);
  });

  it.each([
    ['5xx:1', ServerError],
    ['drop:1', NetworkError],
  ] as const)('%s: OrderOutcomeUnknown, one POST, nothing created, nothing found', async (spec, causeClass) => {
    const h = await startHarness();
    const client = h.client();
    await client.accountNumber();
    h.sim.setFaults(spec);
    const outcome = await client.submitOrder({ ...limitBuy, clientOrderId: '99999999-0000-4000-8000-000000000001' });
    expect(outcome.status).toBe('unknown');
    if (outcome.status !== 'unknown') return;
    expect(outcome.error.cause).toBeInstanceOf(causeClass);
    expect(h.log.sentTo('v2.orders.place')).toHaveLength(1);
    expect(h.sim.engine.orders()).toHaveLength(0);
    h.sim.setFaults('');
    expect(await client.findOrderByClientOrderId(outcome.clientOrderId, outcome.error.sentAtMs - 5000)).toBeNull();
  });

  it('429 on an order POST is unknown too, and not re-sent', async () => {
    const h = await startHarness();
    const client = h.client();
    await client.accountNumber();
    h.sim.setFaults('429:1');
    const err = await rejection(client.placeOrder(limitBuy));
    expect(err).toBeInstanceOf(OrderOutcomeUnknown);
    expect(h.log.sentTo('v2.orders.place')).toHaveLength(1);
    expect(h.sim.engine.orders()).toHaveLength(0);
  });
});

describe('circuit breaker', () => {
  it('5xx at 100% opens the market-data circuit; after the half-open delay one call closes it', async () => {
    const h = await startHarness();
    const client = h.client({
      retry: { maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 500 },
    });
    h.sim.setFaults('5xx:1');
    for (let i = 0; i < 3; i++) expect(await rejection(client.getBestBidAsk(['BTC-USD']))).toBeInstanceOf(ServerError);
    expect(client.health().circuits.market_data.state).toBe('open');
    expect(client.health().circuits.account.state).toBe('closed');

    const sent = h.log.sent.length;
    const open = await rejection(client.getEstimatedPrice('BTC-USD', 'ask', ['0.1']));
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect(h.log.sent).toHaveLength(sent); // failed fast, no request

    // Half-open with the fault still on: the one trial fails and the circuit opens again.
    h.clock.advance(500);
    expect(client.health().circuits.market_data.state).toBe('half-open');
    expect(await rejection(client.getBestBidAsk(['BTC-USD']))).toBeInstanceOf(ServerError);
    expect(client.health().circuits.market_data.state).toBe('open');
    expect(h.log.sent).toHaveLength(sent + 1);

    h.sim.setFaults('');
    expect(await rejection(client.getBestBidAsk(['BTC-USD']))).toBeInstanceOf(CircuitOpenError); // still open
    h.clock.advance(500);
    expect(await client.getBestBidAsk(['BTC-USD'])).toHaveLength(1);
    expect(client.health().circuits.market_data).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });
});

describe('order faults', () => {
  it('cancel-delay: the cancel settles only after the injected delay', async () => {
    const h = await startHarness();
    const client = h.client();
    const order = await client.placeOrder(limitBuy);
    h.sim.setFaults('cancel-delay:5000');
    await client.cancelOrder(order.id);
    h.clock.advance(4000);
    expect((await client.getOrder(order.id)).state).toBe('open');
    h.clock.advance(1100);
    expect((await client.getOrder(order.id)).state).toBe('canceled');
  });

  it('fail-orders: an accepted order goes failed, unfilled, and releases its buying power', async () => {
    const h = await startHarness({}, { buyingPower: '5000' });
    const client = h.client();
    h.sim.setFaults('fail-orders:1');
    const order = await client.placeOrder({ symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.01' });
    expect(order.state).toBe('open');
    const failed = await untilState(client, order.id, 'failed');
    expect(failed.executions).toEqual([]);
    expect(toPlain(failed.filledAssetQuantity)).toBe('0');
    expect(toPlain((await client.getAccount()).buyingPower)).toBe('5000');
  });
});
