import { describe, expect, it } from 'vitest';
import { dec, toPlain, ZERO } from '../../src/core/decimal.ts';
import { ConfigError, RiskError, ValidationError } from '../../src/core/errors.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import type { EquityUpdated, PositionEvent } from '../../src/model/events.ts';
import { createFill } from '../../src/model/fill.ts';
import { PORTFOLIO_TOPICS, type PortfolioTopics } from '../../src/portfolio/topics.ts';
import { fill, makePortfolio } from './helpers.ts';

const plain = toPlain;

describe('Portfolio: fills, cash and positions', () => {
  it('a buy debits quantity × price + fee and opens the account and strategy positions', () => {
    const { portfolio } = makePortfolio();
    const out = portfolio.applyFill(fill({ side: 'buy', quantity: '0.1', price: '60000', fee: '1.5' }), 's1');
    expect(out.applied).toBe(true);
    expect(plain(portfolio.cash)).toBe('3998.5');
    const account = portfolio.position('BTC-USD');
    expect(plain(account.quantity)).toBe('0.1');
    expect(plain(account.averageEntryPrice)).toBe('60000');
    expect(plain(account.fees)).toBe('1.5');
    expect(account.strategyId).toBeUndefined();
    expect(plain(portfolio.position('BTC-USD', 's1').quantity)).toBe('0.1');
    expect(out.events.map((e) => [e.type, e.strategyId])).toEqual([
      ['PositionOpened', undefined],
      ['PositionOpened', 's1'],
    ]);
  });

  it('marks at a fill unless a newer mark exists, so a buy after a price jump is not valued at the old quote', () => {
    const { portfolio } = makePortfolio({ startingCash: '100000' });
    portfolio.mark('BTC-USD', 111_300, 1_000);
    const buy = fill({ side: 'buy', quantity: '0.1', price: '105000', timestamp: 2_000 });
    portfolio.applyFill(buy, 's1');
    expect(portfolio.markOf('BTC-USD')).toMatchObject({ price: 105_000, timestamp: 2_000 });
    expect(portfolio.equity()).toBe(100_000); // not 100,630 at the stale 111,300
    portfolio.mark('BTC-USD', 104_000, 3_000);
    portfolio.applyFill(fill({ side: 'buy', quantity: '0.1', price: '105000', timestamp: 2_500 }), 's1'); // older
    expect(portfolio.markOf('BTC-USD')?.price).toBe(104_000);
  });

  it('adding averages the entry; a partial sell realizes PnL and credits price × quantity − fee', () => {
    const { portfolio } = makePortfolio();
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '100', fee: '0.1' }), 's1');
    const add = portfolio.applyFill(fill({ side: 'buy', quantity: '3', price: '200', fee: '0.3' }), 's1');
    expect(add.events[0]).toMatchObject({ type: 'PositionChanged', change: 'increased' });
    expect(plain(portfolio.position('BTC-USD').averageEntryPrice)).toBe('175');
    const sell = portfolio.applyFill(fill({ side: 'sell', quantity: '2', price: '250', fee: '0.5' }), 's1');
    expect(sell.events[0]).toMatchObject({ type: 'PositionChanged', change: 'reduced' });
    expect(plain(sell.events[0]!.realizedPnlDelta)).toBe('150');
    const p = portfolio.position('BTC-USD');
    expect(plain(p.quantity)).toBe('2');
    expect(plain(p.averageEntryPrice)).toBe('175');
    expect(plain(p.realizedPnl)).toBe('150');
    expect(plain(p.fees)).toBe('0.9');
    // 10000 − 100.1 − 600.3 + 499.5
    expect(plain(portfolio.cash)).toBe('9799.1');
  });

  it('closing flattens the position and publishes PositionClosed', () => {
    const { portfolio } = makePortfolio();
    portfolio.applyFill(fill({ side: 'buy', quantity: '0.5', price: '100' }));
    const out = portfolio.applyFill(fill({ side: 'sell', quantity: '0.5', price: '110', fee: '0.05' }));
    expect(out.events.map((e) => e.type)).toEqual(['PositionClosed', 'PositionClosed']);
    const p = portfolio.position('BTC-USD');
    expect(p.quantity.eq(ZERO)).toBe(true);
    expect(plain(p.realizedPnl)).toBe('5');
    expect(plain(portfolio.cash)).toBe('10004.95');
    expect(portfolio.snapshot().account.positions).toEqual([]);
  });

  it('is long-only by default: a sell beyond the position is refused and the books are unchanged', () => {
    const { portfolio } = makePortfolio();
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '100' }), 's1');
    const before = plain(portfolio.cash);
    const oversell = fill({ side: 'sell', quantity: '1.5', price: '100' });
    expect(() => portfolio.applyFill(oversell, 's1')).toThrow(RiskError);
    expect(() => portfolio.applyFill(oversell, 's1')).toThrow(/exceeds the position 1 of the account/);
    expect(plain(portfolio.cash)).toBe(before);
    expect(plain(portfolio.position('BTC-USD').quantity)).toBe('1');
    expect(portfolio.hasApplied(oversell.id)).toBe(false);
  });

  it('refuses a strategy going short even when the account is long', () => {
    const { portfolio } = makePortfolio();
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '100' }), 'a');
    expect(() => portfolio.applyFill(fill({ side: 'sell', quantity: '0.5', price: '100' }), 'b')).toThrow(
      /of strategy b/,
    );
  });

  it('flips through zero when shorting is allowed', () => {
    const { portfolio } = makePortfolio({ allowShort: true });
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '100' }));
    const out = portfolio.applyFill(fill({ side: 'sell', quantity: '3', price: '120' }));
    expect(out.events[0]).toMatchObject({ type: 'PositionChanged', change: 'flipped' });
    const p = portfolio.position('BTC-USD');
    expect(plain(p.quantity)).toBe('-2');
    expect(plain(p.averageEntryPrice)).toBe('120');
    expect(plain(p.realizedPnl)).toBe('20');
    expect(plain(portfolio.cash)).toBe('10260');
    portfolio.mark('BTC-USD', dec('110'));
    // short 2 @ 120 marked at 110: value −220, unrealized +20
    expect(portfolio.valuation().positionsValue).toBe(-220);
    expect(portfolio.valuation().unrealizedPnl).toBe(20);
    expect(plain(portfolio.exactEquity())).toBe('10040');
  });

  it('ignores a fill id applied before', () => {
    const { portfolio } = makePortfolio();
    const f = fill({ side: 'buy', quantity: '1', price: '100', fee: '1' });
    expect(portfolio.applyFill(f, 's1').applied).toBe(true);
    expect(portfolio.applyFill(f, 's1')).toEqual({ applied: false, events: [] });
    expect(portfolio.applyFill(f, 'other').applied).toBe(false);
    expect(plain(portfolio.cash)).toBe('9899');
    expect(plain(portfolio.position('BTC-USD').quantity)).toBe('1');
  });

  it('refuses a fee in another currency', () => {
    const { portfolio } = makePortfolio();
    const f = createFill({
      id: 'x',
      clientOrderId: 'c',
      symbol: 'BTC-USD',
      side: 'buy',
      quantity: '1',
      price: '1',
      fee: '0.001',
      feeCurrency: 'BTC',
      timestamp: 1,
    });
    expect(() => portfolio.applyFill(f)).toThrow(ValidationError);
  });

  it('keeps per-strategy views beside the account view; unattributed fills go to the external strategy', () => {
    const { portfolio } = makePortfolio();
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '100', fee: '1' }), 'a');
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '200', fee: '1' }), 'b');
    portfolio.applyFill(fill({ side: 'buy', quantity: '0.5', price: '300' }));
    portfolio.applyFill(fill({ side: 'sell', quantity: '1', price: '250', fee: '1' }), 'a');
    expect(portfolio.strategyIds()).toEqual(['a', 'b', 'external']);
    expect(plain(portfolio.position('BTC-USD', 'a').quantity)).toBe('0');
    expect(plain(portfolio.position('BTC-USD', 'a').realizedPnl)).toBe('150');
    expect(plain(portfolio.position('BTC-USD', 'b').averageEntryPrice)).toBe('200');
    expect(plain(portfolio.position('BTC-USD').quantity)).toBe('1.5');
    // the account averages all buys (100, 200, 150 → 450 / 2.5 = 180), so its realized PnL differs from a's
    expect(plain(portfolio.position('BTC-USD').realizedPnl)).toBe('70');
    expect(plain(portfolio.valuation('a').cash)).toBe('148');
    expect(plain(portfolio.position('ETH-USD', 'a').quantity)).toBe('0');
    expect(portfolio.positions('nobody')).toEqual([]);
  });

  it('books starting holdings at their cost without moving cash', () => {
    const { portfolio } = makePortfolio({
      holdings: [{ symbol: 'ETH-USD', quantity: '2', averageEntryPrice: '3000' }],
    });
    expect(plain(portfolio.cash)).toBe('10000');
    expect(plain(portfolio.position('ETH-USD').costBasis)).toBe('6000');
    expect(plain(portfolio.position('ETH-USD', 'external').quantity)).toBe('2');
    expect(portfolio.equity()).toBe(16000);
    portfolio.mark('ETH-USD', 3100);
    expect(portfolio.valuation().unrealizedPnl).toBe(200);
  });

  it('rejects an invalid config, naming the field', () => {
    expect(() => makePortfolio({ startingCash: 'lots' })).toThrow(ConfigError);
    expect(() => makePortfolio({ startingCash: 'lots' })).toThrow(/startingCash/);
    expect(() => makePortfolio({ holdings: [{ symbol: 'BTC-USD', quantity: '0', averageEntryPrice: '1' }] })).toThrow(
      /holdings\[0\]\.quantity|holdings.0.quantity/,
    );
    const twice = [
      { symbol: 'BTC-USD', quantity: '1', averageEntryPrice: '100' },
      { symbol: 'BTC-USD', quantity: '2', averageEntryPrice: '200' },
    ];
    expect(() => makePortfolio({ holdings: twice })).toThrow(/BTC-USD is listed more than once/);
  });
});

describe('Portfolio: buying power', () => {
  it('reserves cash for open buys, shrinks the reservation as the order fills, and releases the rest', () => {
    const { portfolio } = makePortfolio();
    portfolio.reserve('o1', '1000');
    portfolio.reserve('o2', '500');
    expect(plain(portfolio.buyingPower)).toBe('8500');
    portfolio.applyFill(fill({ side: 'buy', quantity: '2', price: '200', fee: '1', clientOrderId: 'o1' }));
    expect(plain(portfolio.cash)).toBe('9599');
    expect(plain(portfolio.reservation('o1'))).toBe('599');
    expect(plain(portfolio.buyingPower)).toBe('8500');
    portfolio.applyFill(fill({ side: 'buy', quantity: '4', price: '200', clientOrderId: 'o1' }));
    expect(portfolio.reservations().has('o1')).toBe(false);
    portfolio.release('o2');
    expect(plain(portfolio.buyingPower)).toBe(plain(portfolio.cash));
    expect(() => portfolio.reserve('o3', '-1')).toThrow(ValidationError);
  });
});

describe('Portfolio: marks, equity, exposure', () => {
  it('equity is cash plus the marked positions; a position without a mark is valued at the fill price', () => {
    const { portfolio } = makePortfolio();
    portfolio.applyFill(fill({ side: 'buy', quantity: '0.1', price: '50000' }));
    expect(portfolio.equity()).toBe(10000);
    portfolio.onQuote({ symbol: 'BTC-USD', timestamp: 5, bid: 54990, ask: 55010 });
    expect(portfolio.markOf('BTC-USD')?.price).toBe(55000);
    expect(portfolio.equity()).toBeCloseTo(10500, 9);
    expect(plain(portfolio.exactEquity())).toBe('10500');
    portfolio.onBar({
      symbol: 'BTC-USD',
      timestamp: 0,
      intervalMs: 60_000,
      open: 1,
      high: 1,
      low: 1,
      close: 45000,
      volume: 1,
    });
    expect(portfolio.markOf('BTC-USD')).toEqual({ price: 45000, timestamp: 60_000 });
    expect(portfolio.valuation().unrealizedPnl).toBeCloseTo(-500, 9);
    expect(() => portfolio.mark('BTC-USD', Number.NaN)).toThrow(ValidationError);
    portfolio.onQuote({ symbol: 'BTC-USD', timestamp: 6, bid: 0, ask: 0 });
    expect(portfolio.markOf('BTC-USD')?.price).toBe(45000);
  });

  it('measures gross and net exposure and concentration per asset', () => {
    const { portfolio } = makePortfolio({ allowShort: true, startingCash: '10000' });
    portfolio.applyFill(fill({ side: 'buy', quantity: '0.1', price: '30000' }));
    portfolio.applyFill(fill({ side: 'sell', symbol: 'ETH-USD', quantity: '1', price: '2000' }));
    portfolio.applyFill(fill({ side: 'buy', symbol: 'BTC-USDT', quantity: '0.05', price: '30000' }));
    // cash 10000 − 3000 + 2000 − 1500 = 7500; positions 3000 − 2000 + 1500 = 2500; equity 10000
    const x = portfolio.exposure();
    expect(x.long).toBe(4500);
    expect(x.short).toBe(2000);
    expect(x.gross).toBe(6500);
    expect(x.net).toBe(2500);
    expect(x.grossRatio).toBeCloseTo(0.65, 12);
    expect(x.byAsset.map((a) => [a.asset, a.value, a.concentration])).toEqual([
      ['BTC', 4500, 0.45],
      ['ETH', -2000, 0.2],
    ]);
    expect(x.byAsset[0]!.symbols).toEqual(['BTC-USD', 'BTC-USDT']);
  });

  it('tracks the high-water mark, the drawdown below it and the worst drawdown', () => {
    const { portfolio } = makePortfolio({ startingCash: '0', equitySampling: { mode: 'every-mark' } });
    portfolio.applyFill(fill({ side: 'buy', quantity: '10', price: '100' }), 's');
    // cash −1000, 10 units
    portfolio.mark('BTC-USD', 200, 1); // equity 1000
    portfolio.mark('BTC-USD', 220, 2); // 1200 (peak)
    portfolio.mark('BTC-USD', 190, 3); // 900: 25 % down
    portfolio.mark('BTC-USD', 210, 4); // 1100
    expect(portfolio.highWaterMark).toBe(1200);
    expect(portfolio.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(portfolio.drawdown()).toBeCloseTo(100 / 1200, 12);
    const history = portfolio.equityHistory();
    expect(history.map((p) => p.equity)).toEqual([0, 1000, 1200, 900, 1100]);
    expect(history[3]!.drawdown).toBeCloseTo(0.25, 12);
    expect(portfolio.equityHistory('s').map((p) => p.equity)).toEqual([0, 1000, 1200, 900, 1100]);
  });
});

describe('Portfolio: equity sampling', () => {
  it('interval mode takes one point per interval of time', () => {
    const { portfolio } = makePortfolio({ equitySampling: { mode: 'interval', intervalMs: 60_000 } });
    for (let t = 0; t < 5 * 60_000; t += 10_000) portfolio.mark('BTC-USD', 100 + t / 1000, t);
    expect(portfolio.equityHistory().map((p) => p.timestamp)).toEqual([0, 60_000, 120_000, 180_000, 240_000]);
  });

  it('manual mode samples only when asked, and a second point at the same time replaces the first', () => {
    const { portfolio } = makePortfolio({ equitySampling: { mode: 'manual' } });
    portfolio.mark('BTC-USD', 100, 1);
    expect(portfolio.equityHistory()).toEqual([]);
    portfolio.sampleEquity(10);
    portfolio.applyFill(fill({ side: 'buy', quantity: '1', price: '100', fee: '1' }));
    const [account] = portfolio.sampleEquity(10);
    expect(account).toMatchObject({ type: 'EquityUpdated', timestamp: 10, equity: 9999 });
    expect(portfolio.equityHistory().map((p) => p.equity)).toEqual([9999]);
  });

  it('scheduleSampling takes a point on each interval of the injected clock', () => {
    const { portfolio, clock } = makePortfolio({ equitySampling: { mode: 'interval', intervalMs: 1000 } }, 500);
    const stop = portfolio.scheduleSampling();
    clock.advanceTo(3500);
    stop();
    clock.advanceTo(10_000);
    expect(portfolio.equityHistory().map((p) => p.timestamp)).toEqual([1000, 2000, 3000]);
  });
});

describe('Portfolio: bus', () => {
  it('books fills and marks from the bus and publishes position and equity events', () => {
    const { portfolio } = makePortfolio({ equitySampling: { mode: 'every-mark' }, strategyEquity: false });
    const bus = new MessageBus<PortfolioTopics & { other: number }>();
    const positions: PositionEvent[] = [];
    const equity: EquityUpdated[] = [];
    bus.subscribe(PORTFOLIO_TOPICS.position, (e) => positions.push(e));
    bus.subscribe(PORTFOLIO_TOPICS.equity, (e) => equity.push(e));
    const detach = portfolio.attach(bus);
    const f = fill({ side: 'buy', quantity: '1', price: '100' });
    bus.publish(PORTFOLIO_TOPICS.fill, { fill: f, strategyId: 's' });
    bus.publish(PORTFOLIO_TOPICS.fill, { fill: f, strategyId: 's' });
    bus.publish(PORTFOLIO_TOPICS.quote, { symbol: 'BTC-USD', timestamp: 7, bid: 109, ask: 111 });
    expect(positions.map((e) => [e.type, e.strategyId])).toEqual([
      ['PositionOpened', undefined],
      ['PositionOpened', 's'],
    ]);
    expect(equity.map((e) => e.equity)).toEqual([10000, 10010]);
    expect(plain(equity[1]!.cash)).toBe('9900');
    detach();
    bus.publish(PORTFOLIO_TOPICS.bar, {
      symbol: 'BTC-USD',
      timestamp: 0,
      intervalMs: 1,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 0,
    });
    expect(portfolio.markOf('BTC-USD')?.price).toBe(110);
    expect(bus.handlerErrors).toEqual([]);
  });
});

describe('Portfolio: snapshot', () => {
  it('serializes exact decimals as strings and valuations as numbers', () => {
    const { portfolio } = makePortfolio({ equitySampling: { mode: 'manual' } });
    portfolio.applyFill(fill({ side: 'buy', quantity: '0.12345678', price: '50000.01', fee: '0.37' }), 's1');
    portfolio.mark('BTC-USD', 51000);
    portfolio.reserve('o', '100');
    const json = JSON.parse(JSON.stringify(portfolio.snapshot())) as Record<string, unknown>;
    expect(json).toMatchObject({
      accountId: 'default',
      currency: 'USD',
      reserved: '100',
      buyingPower: '3726.7897654322',
      account: {
        cash: '3826.7897654322',
        fees: '0.37',
        positions: [{ symbol: 'BTC-USD', quantity: '0.12345678', averageEntryPrice: '50000.01', mark: 51000 }],
      },
      strategies: [{ strategyId: 's1', cash: '-6173.2102345678' }],
    });
  });
});
