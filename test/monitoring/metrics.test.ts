import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { FakeDashboardSource } from '../../src/web/fake-source.ts';

/** The value of one series in Prometheus text, e.g. `sherwood_positions{symbol="BTC-USD"}`. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('sets the trading gauges from the source on update', async () => {
    const source = new FakeDashboardSource();
    source.riskState = 'REDUCING';
    const metrics = new Metrics({ defaultMetrics: false });
    await metrics.update(source);
    const text = await metrics.text();

    const equity = source.portfolio$.equity();
    expect(valueOf(text, 'sherwood_equity')).toBeCloseTo(equity, 6);
    expect(valueOf(text, 'sherwood_drawdown')).toBeCloseTo(source.portfolio$.drawdown(), 9);
    expect(valueOf(text, 'sherwood_positions{symbol="BTC-USD"}')).toBe(0.12345678);
    expect(valueOf(text, 'sherwood_positions{symbol="ETH-USD"}')).toBe(1.5);
    expect(valueOf(text, 'sherwood_engine_state')).toBe(0);
    expect(valueOf(text, 'sherwood_risk_state')).toBe(1);
    expect(valueOf(text, 'sherwood_circuit_state{group="trading"}')).toBe(0);
    expect(valueOf(text, 'sherwood_market_data_age_seconds{symbol="ETH-USD"}')).toBe(1.5);
    expect(valueOf(text, 'sherwood_order_denials_total{rule="max_position"}')).toBe(2);
    expect(valueOf(text, 'sherwood_uptime_seconds')).toBe(3600);
  });

  it('counts the increase of cumulative denials, not the total again', async () => {
    const source = new FakeDashboardSource();
    const metrics = new Metrics({ defaultMetrics: false });
    await metrics.update(source);
    await metrics.update(source);
    source.riskDenials = { max_position: 5, halted: 1, funds: 1 };
    await metrics.update(source);
    const text = await metrics.text();
    expect(valueOf(text, 'sherwood_order_denials_total{rule="max_position"}')).toBe(5);
    expect(valueOf(text, 'sherwood_order_denials_total{rule="halted"}')).toBe(1);
    expect(valueOf(text, 'sherwood_order_denials_total{rule="funds"}')).toBe(1);
  });

  it('shows an open circuit, a halted engine and a new feed', async () => {
    const source = new FakeDashboardSource();
    const metrics = new Metrics({ defaultMetrics: false });
    await metrics.update(source);
    source.lastPollOk = false;
    source.engineState = 'HALTED';
    source.setQuote({ symbol: 'SOL-USD', timestamp: source.clock.now(), bid: 150, ask: 150.1 });
    await metrics.update(source);
    const text = await metrics.text();
    expect(valueOf(text, 'sherwood_circuit_state{group="market_data"}')).toBe(2);
    expect(valueOf(text, 'sherwood_engine_state')).toBe(2);
    expect(valueOf(text, 'sherwood_market_data_age_seconds{symbol="SOL-USD"}')).toBe(1.5);
  });

  it('records API requests, orders and fills', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.recordApiRequest({ endpoint: 'get_best_bid_ask', method: 'GET', status: 200, durationMs: 42 });
    metrics.recordApiRequest({ endpoint: 'get_best_bid_ask', method: 'GET', status: 200, durationMs: 300 });
    metrics.recordApiRequest({ endpoint: 'place_order', method: 'POST', status: 429, durationMs: 5 });
    metrics.recordApiRequest({ endpoint: 'place_order', method: 'POST' });
    metrics.recordOrder({ strategyId: 'demo', side: 'buy', status: 'filled' });
    metrics.recordOrder({ side: 'sell', status: 'canceled' });
    metrics.recordFill();
    metrics.recordFill();
    const text = await metrics.text();
    expect(valueOf(text, 'sherwood_api_requests_total{endpoint="get_best_bid_ask",status="200"}')).toBe(2);
    expect(valueOf(text, 'sherwood_api_requests_total{endpoint="place_order",status="429"}')).toBe(1);
    expect(valueOf(text, 'sherwood_api_requests_total{endpoint="place_order",status="error"}')).toBe(1);
    expect(
      valueOf(text, 'sherwood_api_request_duration_seconds_bucket{le="0.05",endpoint="get_best_bid_ask",method="GET"}'),
    ).toBe(1);
    expect(valueOf(text, 'sherwood_api_request_duration_seconds_count{endpoint="get_best_bid_ask",method="GET"}')).toBe(
      2,
    );
    expect(valueOf(text, 'sherwood_orders_total{strategy="demo",side="buy",status="filled"}')).toBe(1);
    expect(valueOf(text, 'sherwood_orders_total{strategy="none",side="sell",status="canceled"}')).toBe(1);
    expect(valueOf(text, 'sherwood_fills_total')).toBe(2);
  });

  it('includes Node default metrics unless turned off', async () => {
    expect(await new Metrics().text()).toContain('process_cpu_user_seconds_total');
    expect(await new Metrics({ defaultMetrics: false }).text()).not.toContain('process_cpu_user_seconds_total');
  });
});
