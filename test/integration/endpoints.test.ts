// Every endpoint of v1 and v2 through RobinhoodClient against the simulator over real HTTP, plus cursor pagination
// of the orders list across absolute `next` URLs.
import { describe, expect, it } from 'vitest';
import { dec, sumDec, toPlain } from '../../src/core/decimal.ts';
import { NotFoundError, ValidationError } from '../../src/core/errors.ts';
import type { ApiVersion } from '../../src/venues/robinhood/index.ts';
import { ACCOUNT_NUMBER, startHarness, untilState, useHarnessCleanup, rejection } from './helpers.ts';

useHarnessCleanup();

const HOLDINGS = { BTC: '0.5', ETH: '2', SOL: '10' };

describe.each<ApiVersion>(['v2', 'v1'])('every endpoint through the client (%s)', (apiVersion) => {
  it('accounts, trading pairs across pages, holdings by asset', async () => {
    const h = await startHarness({ pageSize: 3 }, { buyingPower: '25000.5', holdings: HOLDINGS });
    const client = h.client({ apiVersion });

    const account = await client.getAccount();
    expect(account.accountNumber).toBe(ACCOUNT_NUMBER);
    expect(toPlain(account.buyingPower)).toBe('25000.5');
    expect(account.buyingPowerCurrency).toBe('USD');
    const accounts = await client.getAccounts();
    expect(accounts.map((a) => a.accountNumber)).toEqual([ACCOUNT_NUMBER]);
    expect(await client.accountNumber()).toBe(ACCOUNT_NUMBER);
    if (apiVersion === 'v2') expect(account.isApiTradable).toBe(true);

    // 7 pairs listed (v2 lists tradable ones), 3 per page: the client follows `next` to the end.
    const before = h.log.sent.length;
    const pairs = await client.getTradingPairs();
    const symbols = pairs.map((p) => p.symbol);
    expect(new Set(symbols).size).toBe(symbols.length);
    expect(symbols).toEqual(expect.arrayContaining(['BTC-USD', 'ETH-USD', 'SOL-USD', 'DOGE-USD', 'XLM-USD']));
    expect(h.log.sent.length - before).toBe(Math.ceil(pairs.length / 3));
    const btc = pairs.find((p) => p.symbol === 'BTC-USD')!;
    expect(toPlain(btc.assetIncrement)).toBe('0.00000001');
    expect(toPlain(btc.quoteIncrement)).toBe('0.01');
    expect(toPlain(btc.maxOrderSize)).toBe('20');

    const some = await client.getTradingPairs(['ETH-USD', 'SOL-USD']);
    expect(some.map((p) => p.symbol).sort()).toEqual(['ETH-USD', 'SOL-USD']);

    const all = await client.getHoldings();
    expect(Object.fromEntries(all.map((x) => [x.assetCode, toPlain(x.totalQuantity)]))).toEqual(HOLDINGS);
    const btcOnly = await client.getHoldings(['BTC']);
    expect(btcOnly).toHaveLength(1);
    expect(btcOnly[0]!.assetCode).toBe('BTC');
    expect(toPlain(btcOnly[0]!.quantityAvailableForTrading)).toBe('0.5');
    const two = await client.getHoldings(['ETH', 'SOL']);
    expect(two.map((x) => x.assetCode).sort()).toEqual(['ETH', 'SOL']);
  });

  it('best bid/ask for several symbols and estimated prices', async () => {
    const h = await startHarness();
    h.sim.setQuote('ETH-USD', '2400.10', '2400.90', '50');
    h.sim.setQuote('SOL-USD', '150.001', '150.099', '500');
    const client = h.client({ apiVersion });

    const quotes = await client.getBestBidAsk(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    expect(quotes.map((q) => q.symbol)).toEqual(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    for (const q of quotes) {
      const sim = h.sim.market.quote(q.symbol)!;
      if (apiVersion === 'v2') {
        expect(toPlain(q.bid)).toBe(toPlain(sim.bid));
        expect(toPlain(q.ask)).toBe(toPlain(sim.ask));
      } else {
        // v1 quotes carry the market maker's spread around the book.
        expect(q.bid.lte(sim.bid)).toBe(true);
        expect(q.ask.gte(sim.ask)).toBe(true);
        expect(q.price).toBeDefined();
      }
    }

    const estimates = await client.getEstimatedPrice('BTC-USD', 'ask', ['0.1', '1']);
    expect(estimates.map((e) => toPlain(e.quantity))).toEqual(['0.1', '1']);
    for (const e of estimates) {
      expect(e.symbol).toBe('BTC-USD');
      expect(e.side).toBe('ask');
    }
    // Buying more costs at least as much per unit (slippage grows with size).
    const priceOf = (e: (typeof estimates)[number]): string => toPlain((e.ask ?? e.price)!);
    expect(dec(priceOf(estimates[1]!)).gte(dec(priceOf(estimates[0]!)))).toBe(true);
    const both = await client.getEstimatedPrice('ETH-USD', 'both', ['1']);
    expect(both.map((e) => e.side).sort()).toEqual(['ask', 'bid']);
  });

  it('place, get, list with filters, cancel', async () => {
    const h = await startHarness({}, { holdings: { BTC: '1' } });
    const client = h.client({ apiVersion });

    const limitBuy = await client.placeOrder({
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.001',
      limitPrice: '60000',
    });
    expect(limitBuy.state).toBe('open');
    expect(limitBuy.type).toBe('limit');
    expect(toPlain(limitBuy.config!.limitPrice!)).toBe('60000');
    const sell = await client.placeOrder({ symbol: 'BTC-USD', side: 'sell', type: 'market', assetQuantity: '0.002' });
    await untilState(client, sell.id, 'filled');
    h.sim.setQuote('ETH-USD', '2400', '2400.5', '10');
    const eth = await client.placeOrder({
      symbol: 'ETH-USD',
      side: 'buy',
      type: 'limit',
      assetQuantity: '0.5',
      limitPrice: '2000',
    });

    const got = await client.getOrder(limitBuy.id);
    expect(got.clientOrderId).toBe(limitBuy.clientOrderId);
    expect(got.symbol).toBe('BTC-USD');
    expect(toPlain(got.config!.assetQuantity!)).toBe('0.001');

    const ids = (orders: Array<{ id: string }>): string[] => orders.map((o) => o.id);
    expect(ids(await client.listOrders())).toEqual([eth.id, sell.id, limitBuy.id]); // newest first
    expect(ids(await client.listOrders({ symbol: 'BTC-USD' }))).toEqual([sell.id, limitBuy.id]);
    expect(ids(await client.listOrders({ side: 'sell' }))).toEqual([sell.id]);
    expect(ids(await client.listOrders({ type: 'limit' }))).toEqual([eth.id, limitBuy.id]);
    expect(ids(await client.listOrders({ state: 'filled' }))).toEqual([sell.id]);
    expect(ids(await client.listOrders({ state: 'open', symbol: 'ETH-USD' }))).toEqual([eth.id]);
    expect(ids(await client.listOrders({ id: limitBuy.id }))).toEqual([limitBuy.id]);
    const createdAt = got.createdAtMs!;
    expect(ids(await client.listOrders({ createdAtStart: createdAt + 60_000 }))).toEqual([]);
    expect(ids(await client.listOrders({ createdAtEnd: createdAt + 60_000 }))).toHaveLength(3);

    const cancel = await client.cancelOrder(limitBuy.id);
    expect(cancel.orderId).toBe(limitBuy.id);
    if (apiVersion === 'v1') expect(cancel.message).toMatch(/Cancel request was submitted/);
    else expect(cancel.order?.id).toBe(limitBuy.id);
    const canceled = await untilState(client, limitBuy.id, 'canceled');
    expect(toPlain(canceled.filledAssetQuantity)).toBe('0');

    // Filled sell: executions add up to the filled quantity.
    const filled = await client.getOrder(sell.id);
    expect(toPlain(sumDec(filled.executions.map((e) => e.quantity)))).toBe('0.002');
    expect(toPlain(filled.filledAssetQuantity)).toBe('0.002');

    const missing = await rejection(client.getOrder('01234567-89ab-4cde-8f01-23456789abcd'));
    expect(missing).toBeInstanceOf(NotFoundError);
    // Invalid input never leaves the process.
    const sentBefore = h.log.sent.length;
    expect(await rejection(client.getBestBidAsk(['btc-usd']))).toBeInstanceOf(ValidationError);
    expect(h.log.sent.length).toBe(sentBefore);
  });
});

describe('orders list pagination', () => {
  it.each<ApiVersion>(['v2', 'v1'])(
    '%s: follows absolute next URLs and returns every order once, newest first',
    async (apiVersion) => {
      const h = await startHarness({ pageSize: 4 });
      const client = h.client({ apiVersion });
      await client.accountNumber();
      const placed: string[] = [];
      for (let i = 0; i < 11; i++) {
        const o = await client.placeOrder({
          symbol: 'BTC-USD',
          side: 'buy',
          type: 'limit',
          assetQuantity: '0.0001',
          limitPrice: String(50000 + i),
        });
        placed.push(o.id);
      }
      const expected = [...placed].reverse();
      const endpoint = `${apiVersion}.orders.list`;

      const first = await client.listOrdersPage();
      expect(first.results).toHaveLength(4);
      expect(first.next).not.toBeNull();
      expect(first.next!.startsWith(`${h.sim.url}/api/${apiVersion}/crypto/trading/orders/?`)).toBe(true);

      const before = h.log.sentTo(endpoint).length;
      const all = await client.listOrders();
      expect(all.map((o) => o.id)).toEqual(expected);
      expect(new Set(all.map((o) => o.id)).size).toBe(11);
      expect(h.log.sentTo(endpoint).length - before).toBe(3);

      // Pages stay stable while new orders arrive between page requests.
      const pages: string[][] = [];
      let extra = false;
      for await (const page of client.iterateOrderPages()) {
        pages.push(page.results.map((o) => o.id));
        if (!extra) {
          extra = true;
          await client.placeOrder({
            symbol: 'BTC-USD',
            side: 'buy',
            type: 'limit',
            assetQuantity: '0.0001',
            limitPrice: '49000',
          });
        }
      }
      expect(pages.flat()).toEqual(expected);

      if (apiVersion === 'v1') {
        // v1 takes a page size.
        const small = await client.listOrdersPage({ limit: 5 });
        expect(small.results).toHaveLength(5);
      }
    },
  );
});
