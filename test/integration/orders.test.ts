// Every order type to a terminal state through RobinhoodClient, the simulator moving the market by hand; partial
// fills adding up exactly; quote_amount sizing; rejections surfacing as ApiValidationError with the server's message.
import { describe, expect, it } from 'vitest';
import { dec, roundDown, sumDec, toPlain } from '../../src/core/decimal.ts';
import { ApiValidationError } from '../../src/core/errors.ts';
import type { ApiVersion, RobinhoodOrder } from '../../src/venues/robinhood/index.ts';
import { ACCOUNT_NUMBER, startHarness, rejection, until, untilState, useHarnessCleanup } from './helpers.ts';

useHarnessCleanup();

function expectConsistentFills(order: RobinhoodOrder, quantity: string): void {
  expect(toPlain(order.filledAssetQuantity)).toBe(quantity);
  expect(toPlain(sumDec(order.executions.map((e) => e.quantity)))).toBe(quantity);
  const notional = sumDec(order.executions.map((e) => e.effectivePrice.times(e.quantity)));
  expect(order.averagePrice).not.toBeNull();
  // average_price is the quantity-weighted mean of the executions.
  expect(order.averagePrice!.minus(notional.div(order.filledAssetQuantity)).abs().lt(dec('0.000001'))).toBe(true);
}

describe.each<ApiVersion>(['v2', 'v1'])('order types to a terminal state (%s)', (apiVersion) => {
  it('market buy and sell fill', async () => {
    const h = await startHarness({}, { holdings: { BTC: '1' } });
    const client = h.client({ apiVersion });
    const buy = await client.placeOrder({ symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.01' });
    expect(buy.state).toBe('open'); // nothing fills inside the placing request
    const filled = await untilState(client, buy.id, 'filled');
    expectConsistentFills(filled, '0.01');
    expect(filled.averagePrice!.gte(dec('65001'))).toBe(true); // at the ask or worse
    if (apiVersion === 'v2') expect(filled.feeCharged!.gt(dec(0))).toBe(true);

    const sell = await client.placeOrder({ symbol: 'BTC-USD', side: 'sell', type: 'market', assetQuantity: '0.5' });
    const sold = await untilState(client, sell.id, 'filled');
    expectConsistentFills(sold, '0.5');
    expect(sold.averagePrice!.lte(dec('65000'))).toBe(true);
    const [btc] = await client.getHoldings(['BTC']);
    expect(toPlain(btc!.totalQuantity)).toBe('0.51');
  });

  it('limit rests, then fills when the simulator moves the price across', async () => {
    const h = await startHarness();
    const client = h.client({ apiVersion });
    const order = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.02',
      limitPrice: '64000',
    });
    for (let i = 0; i < 3; i++) h.sim.setQuote('BTC-USD', '64500', '64510', '2'); // new quotes, still above
    expect((await client.getOrder(order.id)).state).toBe('open');
    h.sim.setQuote('BTC-USD', '63000', '63100', '2');
    const filled = await untilState(client, order.id, 'filled');
    expectConsistentFills(filled, '0.02');
    expect(filled.averagePrice!.lte(dec('64000'))).toBe(true);
  });

  it('stop_loss sell triggers and fills', async () => {
    const h = await startHarness({}, { holdings: { BTC: '1' } });
    const client = h.client({ apiVersion });
    const order = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'stop_loss',
      assetQuantity: '0.05',
      stopPrice: '64000',
    });
    h.sim.setPrice('BTC-USD', '64500');
    expect((await client.getOrder(order.id)).state).toBe('open');
    h.sim.setPrice('BTC-USD', '63900');
    const filled = await untilState(client, order.id, 'filled');
    expectConsistentFills(filled, '0.05');
    expect(filled.averagePrice!.lt(dec('64000'))).toBe(true);
    expect(toPlain(filled.config!.stopPrice!)).toBe('64000');
  });

  it('stop_limit buy triggers and fills within its limit', async () => {
    const h = await startHarness();
    const client = h.client({ apiVersion });
    const order = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'stop_limit',
      assetQuantity: '0.01',
      stopPrice: '66000',
      limitPrice: '66500',
    });
    h.sim.setQuote('BTC-USD', '65800', '65810', '2');
    expect((await client.getOrder(order.id)).state).toBe('open');
    h.sim.setQuote('BTC-USD', '66050', '66060', '2');
    const filled = await untilState(client, order.id, 'filled');
    expectConsistentFills(filled, '0.01');
    expect(filled.averagePrice!.lte(dec('66500'))).toBe(true);
  });

  it('a resting limit is canceled once the asynchronous cancel settles', async () => {
    const h = await startHarness({ cancelDelayMs: 150 });
    const client = h.client({ apiVersion });
    const order = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.01',
      limitPrice: '50000',
    });
    await client.cancelOrder(order.id);
    expect((await client.getOrder(order.id)).state).toBe('open'); // accepted, not yet settled
    const canceled = await untilState(client, order.id, 'canceled');
    expect(canceled.executions).toEqual([]);
    // A settled order cannot be canceled again: the server's 400 arrives with its message.
    const again = await rejection(client.cancelOrder(order.id));
    expect(again).toBeInstanceOf(ApiValidationError);
    expect(again.message).toMatch(/already canceled/);
    const [account] = await client.getAccounts();
    expect(toPlain(account!.buyingPower)).toBe('100000'); // the hold is released
  });

  it('partial fills add up exactly to the filled quantity', async () => {
    const h = await startHarness();
    const client = h.client({ apiVersion });
    const order = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.0123',
      limitPrice: '65500',
    });
    // Each quote lets a limit take half its size: 0.0025 a quote.
    h.sim.setQuote('BTC-USD', '65100', '65200', '0.005');
    const partial = await untilState(client, order.id, 'partially_filled');
    expect(toPlain(partial.filledAssetQuantity)).toBe('0.0025');
    for (let i = 0; i < 4; i++) h.sim.setQuote('BTC-USD', String(65100 + i), String(65200 + i), '0.005');
    const filled = await untilState(client, order.id, 'filled');
    expectConsistentFills(filled, '0.0123');
    expect(filled.executions.map((e) => toPlain(e.quantity))).toEqual([
      '0.0025',
      '0.0025',
      '0.0025',
      '0.0025',
      '0.0023',
    ]);
  });

  it('quote_amount orders are sized from the amount', async () => {
    const h = await startHarness({}, { holdings: { BTC: '1' } });
    const client = h.client({ apiVersion });
    const buy = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      quoteAmount: '100',
      limitPrice: '64000',
    });
    expect(toPlain(buy.config!.quoteAmount!)).toBe('100');
    h.sim.setQuote('BTC-USD', '63000', '63100', '2');
    const filled = await untilState(client, buy.id, 'filled');
    expectConsistentFills(filled, '0.0015625'); // 100 / 64000

    const sell = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'sell',
      type: 'stop_loss',
      quoteAmount: '300',
      stopPrice: '60000',
    });
    h.sim.setPrice('BTC-USD', '59000');
    const sold = await untilState(client, sell.id, 'filled');
    expectConsistentFills(sold, '0.005'); // 300 / 60000
  });

  it('rejections arrive as ApiValidationError with the server message and place nothing', async () => {
    const h = await startHarness({}, { buyingPower: '1000' });
    const client = h.client({ apiVersion });
    await client.accountNumber();
    const cases: Array<[Parameters<typeof client.placeOrder>[0], RegExp]> = [
      [
        { symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.000000001' },
        /asset_quantity: Order quantity 0\.000000001 has invalid increment; the asset increment is 0\.00000001/,
      ],
      [
        { symbol: 'BTC-USD', side: 'buy', type: 'limit', assetQuantity: '0.001', limitPrice: '60000.001' },
        /limit_price: Order price 60000\.001 has invalid increment/,
      ],
      [
        { symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.0000001' },
        // v1 pairs publish a minimum size in asset units; v2 pairs a minimum amount in USD.
        apiVersion === 'v1'
          ? /Order quantity 0\.0000001 is below the minimum order size of 0\.000001/
          : /Order amount 0\.\d+ is below the minimum order amount of 0\.1/,
      ],
      [{ symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '1' }, /Insufficient buying power\./],
      [{ symbol: 'BTC-USD', side: 'sell', type: 'market', assetQuantity: '0.001' }, /Insufficient BTC holdings\./],
      [{ symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '25' }, /above the maximum order size of 20/],
    ];
    for (const [request, message] of cases) {
      const err = await rejection(client.placeOrder(request));
      expect(err).toBeInstanceOf(ApiValidationError);
      expect((err as ApiValidationError).status).toBe(400);
      expect(err.message).toMatch(message);
    }
    const outcome = await client.submitOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'market',
      assetQuantity: '1',
      clientOrderId: '11111111-2222-4333-8444-555555555555',
    });
    expect(outcome.status).toBe('rejected');
    expect(h.sim.engine.orders()).toHaveLength(0);
    expect(await client.listOrders()).toEqual([]);
  });
});

describe('fills keep the books', () => {
  it('buying power and holdings move by exactly the executions (v2 fees included)', async () => {
    const h = await startHarness({}, { buyingPower: '10000' });
    const client = h.client();
    const order = await client.placeOrder({ symbol: 'BTC-USD', side: 'buy', type: 'market', assetQuantity: '0.03' });
    const filled = await untilState(client, order.id, 'filled');
    const cost = sumDec(filled.executions.map((e) => e.effectivePrice.times(e.quantity))).plus(filled.feeCharged!);
    const account = await until('buying power updated', async () => {
      const a = await client.getAccount();
      return a.buyingPower.lt(dec('10000')) ? a : undefined;
    });
    // The API shows buying power rounded down to the cent; the simulator's ledger keeps it exact.
    expect(toPlain(account.buyingPower)).toBe(toPlain(roundDown(dec('10000').minus(cost), '0.01')));
    expect(toPlain(h.sim.engine.account(ACCOUNT_NUMBER)!.cash)).toBe(toPlain(dec('10000').minus(cost)));
    const [btc] = await client.getHoldings(['BTC']);
    expect(toPlain(btc!.totalQuantity)).toBe('0.03');
  });
});
