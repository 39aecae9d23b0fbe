import { describe, expect, it } from 'vitest';
import { httpStatusOf, liveness, readiness, readinessOf } from '../../src/monitoring/health.ts';
import { FakeDashboardSource } from '../../src/web/fake-source.ts';

const check = (report: Awaited<ReturnType<typeof readiness>>, name: string) =>
  report.checks.find((c) => c.name === name);

describe('health', () => {
  it('liveness is always ok', () => {
    const report = liveness(12);
    expect(report.ok).toBe(true);
    expect(httpStatusOf(report)).toBe(200);
    expect(report.checks[0]!.detail).toContain('up 12 s');
  });

  it('is ready when the venue answers, feeds are fresh, nothing is halted and the store is writable', async () => {
    const report = await readiness(new FakeDashboardSource());
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(['venue', 'market_data', 'engine', 'store']);
    expect(httpStatusOf(report)).toBe(200);
  });

  it('REDUCING is still ready, and says why', async () => {
    const source = new FakeDashboardSource();
    source.riskState = 'REDUCING';
    source.riskReasons = ['drawdown 6.00% ≥ 5.00%'];
    const report = await readiness(source);
    expect(report.ok).toBe(true);
    expect(check(report, 'engine')!.detail).toContain('drawdown 6.00%');
  });

  it.each([
    ['venue', (s: FakeDashboardSource) => (s.lastPollOk = false), 'ECONNREFUSED'],
    ['market_data', (s: FakeDashboardSource) => (s.quoteAgeMs = 60_000), 'stale: BTC-USD 60000 ms'],
    ['engine', (s: FakeDashboardSource) => (s.engineState = 'HALTED'), 'engine HALTED'],
    ['engine', (s: FakeDashboardSource) => (s.riskState = 'HALTED'), 'risk HALTED'],
    ['store', (s: FakeDashboardSource) => (s.storeWritable = false), 'SQLITE_READONLY'],
  ])('is not ready when %s fails', async (name, breakIt, detail) => {
    const source = new FakeDashboardSource();
    breakIt(source);
    const report = await readiness(source);
    expect(report.ok).toBe(false);
    expect(httpStatusOf(report)).toBe(503);
    expect(check(report, name)).toMatchObject({ ok: false });
    expect(check(report, name)!.detail).toContain(detail);
    expect(report.checks.filter((c) => !c.ok)).toHaveLength(1);
  });

  it('is not ready without any feed or before the first quote', () => {
    const status = new FakeDashboardSource().status();
    expect(readinessOf({ ...status, feeds: [] }).ok).toBe(false);
    const noQuote = readinessOf({ ...status, feeds: [{ symbol: 'BTC-USD' }] });
    expect(noQuote.ok).toBe(false);
    expect(check(noQuote, 'market_data')!.detail).toContain('BTC-USD no quote yet');
  });

  it('is not ready when the source throws', async () => {
    const source = new FakeDashboardSource();
    source.status = () => {
      throw new Error('boom');
    };
    const report = await readiness(source);
    expect(report).toEqual({ ok: false, checks: [{ name: 'source', ok: false, detail: 'status unavailable: boom' }] });
  });
});
