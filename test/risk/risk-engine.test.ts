import { describe, expect, it } from 'vitest';
import { dec } from '../../src/core/decimal.ts';
import { RiskEngine, type RiskEngineOptions } from '../../src/risk/index.ts';
import { StopManager } from '../../src/risk/stops.ts';
import { buy, dailyBars, DAY, fillOrder, pair, quote, sell, setup, T0, type Setup } from './helpers.ts';

function denied(decision: ReturnType<ReturnType<typeof setup>['engine']['check']>) {
  if (decision.approved) throw new Error('expected a denial, got an approval');
  return decision;
}

describe('RiskEngine pre-trade rules', () => {
  it('approves an ordinary order unchanged', () => {
    const s = setup();
    const request = buy('BTC-USD', '0.1');
    expect(s.engine.check(request)).toEqual({ approved: true, request });
  });

  it('unknown_symbol and symbol_tradable', () => {
    const s = setup({ pairs: [pair('BTC-USD', { status: 'untradable' }), pair('ETH-USD', { status: 'sellonly' })] });
    expect(denied(s.engine.check(buy('DOGE-USD', '1')))).toMatchObject({
      rule: 'unknown_symbol',
      reason: 'DOGE-USD is not a known trading pair',
    });
    const d = denied(s.engine.check(buy('BTC-USD', '0.1')));
    expect(d).toMatchObject({ rule: 'symbol_tradable', value: 'untradable', limit: 'tradable' });
    expect(d.reason).toBe('BTC-USD is not tradable (status untradable)');
    expect(denied(s.engine.check(buy('ETH-USD', '1'))).reason).toBe('ETH-USD is sell-only: buys are not accepted');
  });

  it('stale_data denies opening trades when the quote is too old, and no data at all', () => {
    const s = setup({ config: { stale_data_ms: 5000 } });
    s.clock.advanceBy(5001);
    const d = denied(s.engine.check(buy('BTC-USD', '0.1')));
    expect(d).toMatchObject({ rule: 'stale_data', value: '5001', limit: '5000' });
    expect(d.reason).toBe('market data for BTC-USD is 5001 ms old; the limit is 5000 ms');
    // It clears by itself with fresh data.
    quote(s.cache, s.portfolio, 'BTC-USD', 50_000, s.clock.now());
    expect(s.engine.check(buy('BTC-USD', '0.1')).approved).toBe(true);
    s.pairs.set('SOL-USD', pair('SOL-USD'));
    expect(denied(s.engine.check(buy('SOL-USD', '1'))).rule).toBe('stale_data');
  });

  it('price_band: a limit price too far from the quote is denied with the band', () => {
    const s = setup();
    const d = denied(s.engine.check(buy('BTC-USD', '0.1', { type: 'limit', limitPrice: '55000' })));
    expect(d).toMatchObject({ rule: 'price_band', value: '55000', limit: '47500..52500' });
    expect(d.reason).toBe('limit price 55000 is 10.00% from the current price 50000; the band is 5.00%');
    expect(s.engine.check(buy('BTC-USD', '0.1', { type: 'limit', limitPrice: '52000' })).approved).toBe(true);
  });

  it('order size: increments, pair minimum and maximum, minimum amount, exactly one of quantity and quoteAmount', () => {
    const s = setup({
      pairs: [pair('BTC-USD', { minOrderSize: dec('0.001'), maxOrderSize: dec('0.15'), minOrderAmount: dec('100') })],
      prices: { 'BTC-USD': 50_000 },
    });
    expect(denied(s.engine.check(buy('BTC-USD', '0.00015')))).toMatchObject({
      rule: 'asset_increment',
      reason: "quantity 0.00015 is not a multiple of the pair's increment 0.0001",
    });
    expect(denied(s.engine.check(buy('BTC-USD', '0.0005')))).toMatchObject({
      rule: 'min_order_size',
      reason: "quantity 0.0005 is below the pair's minimum 0.001",
      value: '0.0005',
      limit: '0.001',
    });
    expect(denied(s.engine.check(buy('BTC-USD', '0.2')))).toMatchObject({
      rule: 'max_order_size',
      value: '0.2',
      limit: '0.15',
    });
    const { quantity: _q, ...noQuantity } = buy('BTC-USD', '1');
    expect(denied(s.engine.check(noQuantity)).rule).toBe('order_size');
    expect(denied(s.engine.check({ ...noQuantity, quoteAmount: '60' }))).toMatchObject({
      rule: 'min_order_amount',
      value: '60',
      limit: '100',
    });
    expect(s.engine.check({ ...noQuantity, type: 'limit', limitPrice: '50000', quoteAmount: '500' }).approved).toBe(
      true,
    );
  });

  it('max_order_notional and max_open_orders', () => {
    const s = setup({ config: { max_order_notional: '5000', max_open_orders: 2 } });
    const d = denied(s.engine.check(buy('BTC-USD', '0.2', { type: 'limit', limitPrice: '50000' })));
    expect(d).toMatchObject({ rule: 'max_order_notional', value: '10000', limit: '5000' });
    expect(d.reason).toBe('order value 10000 exceeds max_order_notional 5000');
    const o = {
      symbol: 'ETH-USD',
      side: 'buy' as const,
      quantity: dec('0.1'),
      limitPrice: dec('2000'),
      filledQuantity: dec(0),
      filledNotional: dec(0),
    };
    s.open.push(o, o);
    expect(denied(s.engine.check(buy('BTC-USD', '0.01')))).toMatchObject({
      rule: 'max_open_orders',
      reason: '2 orders are open; max_open_orders is 2',
    });
  });

  it('order_rate: N approvals per strategy per window; other strategies unaffected; the window slides', () => {
    const s = setup({ config: { order_rate_limit: 2, order_rate_window_ms: 1000 } });
    expect(s.engine.check(buy('BTC-USD', '0.01')).approved).toBe(true);
    expect(s.engine.check(buy('BTC-USD', '0.01')).approved).toBe(true);
    const d = denied(s.engine.check(buy('BTC-USD', '0.01')));
    expect(d).toMatchObject({ rule: 'order_rate', value: '3', limit: '2' });
    expect(d.reason).toBe('strategy s1 had 2 orders approved in the last 1000 ms; the limit is 2');
    expect(s.engine.check(buy('BTC-USD', '0.01', { strategyId: 's2' })).approved).toBe(true);
    s.clock.advanceBy(1000);
    quote(s.cache, s.portfolio, 'BTC-USD', 50_000, s.clock.now());
    expect(s.engine.check(buy('BTC-USD', '0.01')).approved).toBe(true);
  });

  it("buying_power counts the venue's hold for the fee, and for a market buy the collar", () => {
    const s = setup({
      cash: '5060',
      config: { max_position_risk: 1, max_asset_concentration: 1 },
      buyHold: { feeRatio: 0.01, marketBuyCollar: 0.01 },
    });
    // A limit buy of 0.1 BTC at 49,500 is 4,950: with the 1% fee, 4,999.50 fits in 5,060.
    expect(s.engine.check(buy('BTC-USD', '0.1', { type: 'limit', limitPrice: '49500' })).approved).toBe(true);
    // A market buy at the ask (5,000.05) would fit by its value, but not with the fee and the collar.
    const d = denied(s.engine.check(buy('BTC-USD', '0.1')));
    expect(d.reason).toBe(
      "order value 5000.05 (5100.55 with the venue's hold for fee and collar) exceeds buying power 5060 (after 0 committed to open buys)",
    );
  });

  it('buying_power counts open buy orders; holdings count open sells', () => {
    const s = setup({ cash: '6000' });
    const open = {
      symbol: 'ETH-USD',
      side: 'buy' as const,
      quantity: dec('1'),
      limitPrice: dec('2000'),
      filledQuantity: dec(0),
      filledNotional: dec(0),
    };
    s.open.push(open);
    const d = denied(s.engine.check(buy('BTC-USD', '0.1', { type: 'limit', limitPrice: '50000' })));
    expect(d).toMatchObject({ rule: 'buying_power', value: '5000', limit: '4000' });
    expect(d.reason).toBe('order value 5000 exceeds buying power 4000 (after 2000 committed to open buys)');
    fillOrder(s, 'ETH-USD', 'buy', '1', '2000');
    s.open.length = 0;
    s.open.push({
      symbol: 'ETH-USD',
      side: 'sell',
      quantity: dec('0.6'),
      filledQuantity: dec('0.2'),
      filledNotional: dec('400'),
    });
    const h = denied(s.engine.check(sell('ETH-USD', '0.7')));
    expect(h).toMatchObject({ rule: 'holdings', value: '0.7', limit: '0.6' });
    expect(h.reason).toBe('sell quantity 0.7 exceeds holdings 0.6 of ETH-USD (after 0.4 in open sells)');
    expect(s.engine.check(sell('ETH-USD', '0.6')).approved).toBe(true);
  });
});

describe('RiskEngine position and portfolio limits', () => {
  const big = { max_order_notional: '1000000' };

  it('max_position_risk: size × distance to the default stop ≤ limit × equity', () => {
    const s = setup({ config: big });
    // 100000 equity × 2% = 2000 of risk; at a 5% stop that is 40000 of BTC = 0.8 BTC at 50000.
    expect(s.engine.check(buy('BTC-USD', '0.8', { type: 'limit', limitPrice: '50000' })).approved).toBe(true);
    const d = denied(s.engine.check(buy('BTC-USD', '0.82', { type: 'limit', limitPrice: '50000' })));
    expect(d.rule).toBe('max_position_risk');
    expect(d.reason).toBe(
      'risk of the BTC-USD position (size × distance to the stop) would be 2.05% of equity; max_position_risk is 2.00%',
    );
    expect(d.limit).toBe('0.02');
  });

  it("a strategy's own, tighter stop allows a larger position", () => {
    const stops = new StopManager({ stopLoss: 0.05, takeProfit: 0.15 });
    const s = setup({ config: { ...big, max_asset_concentration: 1 }, stops });
    stops.setStops('BTC-USD', 's1', { stopLoss: 0.025 });
    expect(s.engine.check(buy('BTC-USD', '1.6', { type: 'limit', limitPrice: '50000' })).approved).toBe(true);
  });

  it('max_portfolio_risk, max_gross_exposure and max_asset_concentration', () => {
    const s = setup({
      config: { ...big, max_portfolio_risk: 0.03, max_position_risk: 0.5, max_asset_concentration: 1 },
      cash: '100000',
    });
    fillOrder(s, 'ETH-USD', 'buy', '20', '2000'); // 40000 at 5% = 2000 of risk (2%)
    const d = denied(s.engine.check(buy('BTC-USD', '0.5', { type: 'limit', limitPrice: '50000' })));
    expect(d.reason).toBe('total portfolio risk would be 3.25% of equity; max_portfolio_risk is 3.00%');

    const g = setup({
      config: {
        ...big,
        max_position_risk: 1,
        max_portfolio_risk: 1,
        max_gross_exposure: 0.5,
        max_asset_concentration: 1,
      },
    });
    expect(denied(g.engine.check(buy('BTC-USD', '1.1', { type: 'limit', limitPrice: '50000' }))).reason).toBe(
      'gross exposure would be 55.00% of equity; max_gross_exposure is 50.00%',
    );
    const c = setup({ config: { ...big, max_position_risk: 1, max_portfolio_risk: 1, max_asset_concentration: 0.3 } });
    expect(denied(c.engine.check(buy('BTC-USD', '0.7', { type: 'limit', limitPrice: '50000' }))).reason).toBe(
      'exposure to BTC would be 35.00% of equity; max_asset_concentration is 30.00%',
    );
  });

  it('sells always pass the exposure layers (they reduce risk)', () => {
    const s = setup({ config: { ...big, max_position_risk: 0.001 } });
    fillOrder(s, 'BTC-USD', 'buy', '1', '50000');
    expect(s.engine.check(sell('BTC-USD', '0.5')).approved).toBe(true);
  });
});

describe('RiskEngine correlation', () => {
  const base = [100, 102, 101, 105, 103, 108, 107, 111, 110, 115, 113, 118];
  function correlated(action: 'deny' | 'reduce') {
    const s = setup({
      config: {
        max_order_notional: '1000000',
        correlation_lookback: 10,
        correlation_action: action,
        max_asset_concentration: 1,
      },
      prices: { 'BTC-USD': 50_000, 'ETH-USD': 2_000, 'XRP-USD': 1 },
    });
    for (const b of dailyBars(
      'BTC-USD',
      base.map((x) => x * 500),
    ))
      s.cache.addBar(b);
    for (const b of dailyBars(
      'ETH-USD',
      base.map((x) => x * 20 + (x % 2)),
    ))
      s.cache.addBar(b);
    for (const b of dailyBars(
      'XRP-USD',
      base.map((_, i) => 1 + (i % 3) * 0.01),
    ))
      s.cache.addBar(b);
    quote(s.cache, s.portfolio, 'BTC-USD', 50_000, T0);
    fillOrder(s, 'BTC-USD', 'buy', '0.4', '50000'); // 20000: half the BTC position limit
    return s;
  }

  it('deny: adding an asset correlated above max_correlation with a holding is denied, naming both', () => {
    const s = correlated('deny');
    const d = denied(s.engine.check(buy('ETH-USD', '1', { type: 'limit', limitPrice: '2000' })));
    expect(d.rule).toBe('max_correlation');
    expect(d.reason).toMatch(/^ETH-USD correlates with held BTC-USD \((0\.9\d\d|1\.000)\) above max_correlation 0\.7$/);
    expect(Number(d.value)).toBeGreaterThan(0.7);
    // XRP is not correlated with BTC here.
    expect(s.engine.check(buy('XRP-USD', '100', { type: 'limit', limitPrice: '1' })).approved).toBe(true);
  });

  it('reduce: the correlated group shares one position-risk budget; the order gets what is left', () => {
    const s = correlated('reduce');
    const decision = s.engine.check(buy('ETH-USD', '15', { type: 'limit', limitPrice: '2000' }));
    // Budget 2000 of risk; BTC uses 20000 × 5% = 1000; ETH may add 1000 / (2000 × 5%) = 10.
    expect(decision).toMatchObject({ approved: true, request: { quantity: '10' } });
    if (decision.approved)
      expect(decision.adjustments?.[0]).toMatch(/^quantity reduced from 15 to 10: correlated with BTC-USD/);
  });

  it('without enough bars the correlation is unknown: allowed by default, denied with correlation_unknown: deny', () => {
    const s = setup({ config: { max_order_notional: '1000000' } });
    fillOrder(s, 'BTC-USD', 'buy', '0.2', '50000');
    expect(s.engine.check(buy('ETH-USD', '1')).approved).toBe(true);
    const closed = setup({ config: { max_order_notional: '1000000', correlation_unknown: 'deny' } });
    fillOrder(closed, 'BTC-USD', 'buy', '0.2', '50000');
    const d = denied(closed.engine.check(buy('ETH-USD', '1')));
    expect(d.rule).toBe('max_correlation');
    expect(d.reason).toMatch(/correlation of ETH-USD with held BTC-USD is unknown \(fewer than 30 shared bars\)/);
    // The asset already held is not compared with itself: adding to BTC still passes.
    expect(closed.engine.check(buy('BTC-USD', '0.01')).approved).toBe(true);
  });
});

/** The store's kv, in memory: what the engine persists its halt and its marks to. */
function kvStore() {
  const kv = new Map<string, unknown>();
  const store = {
    getKv: (k: string) => Promise.resolve(kv.get(k) as never),
    setKv: (k: string, v: unknown) => Promise.resolve(void kv.set(k, v)),
    deleteKv: (k: string) => Promise.resolve(void kv.delete(k)),
  };
  return { kv, store };
}

/** Another engine over a setup's components and config, with a store: what a restart builds. */
function engineWithStore(
  s: Setup,
  store: ReturnType<typeof kvStore>['store'],
  extra: Partial<RiskEngineOptions> = {},
): RiskEngine {
  return new RiskEngine({
    config: s.engine.config,
    clock: s.clock,
    market: s.cache,
    portfolio: s.portfolio,
    pairs: s.pairs,
    store,
    ...extra,
  });
}

describe('RiskEngine drawdown, daily loss and operational halts', () => {
  it('drawdown at max_drawdown halts everything until resume(), on every channel', async () => {
    const { kv, store } = kvStore();
    const s = setup({ config: { max_drawdown: 0.1, daily_loss_limit: 1 } });
    const logs: string[] = [];
    const engine = engineWithStore(s, store, {
      onEvent: (e) => s.events.push(e),
      logger: { info: (_o, m) => logs.push(`info ${m}`), warn: (_o, m) => logs.push(`warn ${m}`), error: () => {} },
    });
    engine.updateEquity(100_000, T0);
    engine.updateEquity(120_000, T0 + 1);
    engine.updateEquity(108_001, T0 + 2);
    expect(engine.state).toBe('RUNNING');
    engine.updateEquity(108_000, T0 + 3);
    expect(engine.state).toBe('HALTED');
    expect(engine.metrics()).toMatchObject({ state: 'HALTED', stateCode: 2 });
    expect(engine.metrics().drawdown).toBeCloseTo(0.1, 12);
    expect(s.events.find((e) => e.type === 'RiskStateChanged')).toMatchObject({ from: 'RUNNING', state: 'HALTED' });
    expect(logs).toContain('warn risk state RUNNING → HALTED');
    const d = denied(engine.check(sell('BTC-USD', '0.1')));
    expect(d.rule).toBe('halted');
    expect(d.reason).toBe(
      'risk engine is HALTED: drawdown 10.00% from peak 120000.00 reached max_drawdown 10.00%; resume explicitly',
    );
    // It does not clear by itself, and it is persisted.
    engine.updateEquity(125_000, T0 + 4);
    expect(engine.state).toBe('HALTED');
    await engine.flush();
    expect(kv.get('risk.halt')).toMatchObject({ state: 'HALTED', cause: 'drawdown', peak: 120_000 });
    // A restart restores it.
    const again = engineWithStore(s, store);
    await again.load();
    expect(again.state).toBe('HALTED');
    expect(again.resume()).toBe('RUNNING');
    await again.flush();
    expect(kv.has('risk.halt')).toBe(false);
  });

  it('measures the daily loss from the last equity of the day before: a loss across midnight or between daily bars counts', () => {
    const s = setup({ config: { max_drawdown: 0.5, daily_loss_limit: 0.05 } });
    // Daily bars: one update per day, each the first of its day.
    s.engine.updateEquity(100_000, T0 + DAY);
    s.engine.updateEquity(90_000, T0 + 2 * DAY);
    expect(s.engine.metrics().dailyLoss).toBeCloseTo(0.1, 12);
    expect(s.engine.state).toBe('HALTED');
    const t = setup({ config: { max_drawdown: 0.5, daily_loss_limit: 0.05 } });
    t.engine.updateEquity(100_000, T0 + DAY - 60_000); // 23:59
    t.engine.updateEquity(94_000, T0 + DAY + 36_000); // 00:00:36 the next day
    expect(t.engine.state).toBe('HALTED');
  });

  it('a restart keeps the equity peak and the start of the day without any halt, and resume replaces them', async () => {
    const { store } = kvStore();
    const s = setup({ config: { max_drawdown: 0.15, daily_loss_limit: 1 } });
    const make = () => engineWithStore(s, store);
    const first = make();
    first.updateEquity(120_000, T0);
    first.updateEquity(110_000, T0 + 1);
    await first.flush();
    const second = make();
    await second.load();
    second.updateEquity(100_000, T0 + 2);
    expect(second.metrics().drawdown).toBeCloseTo(1 - 100 / 120, 12);
    expect(second.state).toBe('HALTED');
    // After resume, drawdown is measured from the equity then; a restart must not bring the old peak back.
    second.resume();
    await second.flush();
    const third = make();
    await third.load();
    third.updateEquity(99_000, T0 + 3);
    expect(third.metrics().drawdown).toBeCloseTo(0.01, 12);
    expect(third.state).toBe('RUNNING');
  });

  it('drawdown_action reduce lets only sells through; the daily loss limit clears on the next UTC day', () => {
    const s = setup({ config: { max_drawdown: 0.5, daily_loss_limit: 0.05, drawdown_action: 'reduce' } });
    fillOrder(s, 'BTC-USD', 'buy', '0.1', '50000');
    s.engine.updateEquity(100_000, T0);
    s.engine.updateEquity(94_000, T0 + 1000);
    expect(s.engine.state).toBe('REDUCING');
    const d = denied(s.engine.check(buy('BTC-USD', '0.01')));
    expect(d.rule).toBe('reducing_only');
    expect(d.reason).toContain('daily loss 6.00% since 100000 reached daily_loss_limit 5.00%');
    expect(s.engine.check(sell('BTC-USD', '0.05')).approved).toBe(true);
    s.engine.updateEquity(94_000, T0 + DAY);
    expect(s.engine.state).toBe('RUNNING');
  });

  it('operational halts (circuit open, reconciliation difference, clock drift) stop opening trades and clear by themselves', () => {
    const probe = { circuit: false, diffs: 0, drift: 0 };
    const s = setup({
      probes: {
        circuitOpen: () => probe.circuit,
        reconciliationDifferences: () => probe.diffs,
        clockDriftMs: () => probe.drift,
      },
      config: { max_clock_drift_ms: 500 },
    });
    fillOrder(s, 'BTC-USD', 'buy', '0.1', '50000');
    for (const [set, text] of [
      [() => (probe.circuit = true), 'the API circuit breaker is open'],
      [() => (probe.diffs = 2), 'reconciliation found 2 difference(s) with the venue'],
      [() => (probe.drift = 800), 'clock drift 800 ms exceeds 500 ms'],
    ] as const) {
      set();
      const d = denied(s.engine.check(buy('BTC-USD', '0.01')));
      expect(d.rule).toBe('reducing_only');
      expect(d.reason).toContain(text);
      expect(s.engine.check(sell('BTC-USD', '0.01')).approved).toBe(true);
      Object.assign(probe, { circuit: false, diffs: 0, drift: 0 });
      expect(s.engine.check(buy('BTC-USD', '0.01')).approved).toBe(true);
    }
  });

  it('denials are counted per rule and emitted as OrderDenied events', () => {
    const s = setup();
    s.engine.check(buy('DOGE-USD', '1'));
    expect(s.engine.metrics().denied).toEqual({ unknown_symbol: 1 });
    expect(s.events[0]).toMatchObject({
      type: 'OrderDenied',
      rule: 'unknown_symbol',
      symbol: 'DOGE-USD',
      orderType: 'market',
    });
  });
});
