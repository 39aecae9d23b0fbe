// The live VaR/ES on every channel of the web server: Prometheus gauges (ratio and quote-currency value per method
// and confidence), /api/status for the dashboard's risk panel, and the panel in the page.
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { FakeDashboardSource } from '../../src/web/fake-source.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';

let server: WebServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function text(path: string): Promise<string> {
  const res = await fetch(`${server!.url}${path}`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('risk panel and VaR gauges', () => {
  it('exports VaR and ES per method and confidence, as ratios and in quote currency', async () => {
    const source = new FakeDashboardSource();
    server = await startWebServer({ port: 0, source, metrics: new Metrics({ defaultMetrics: false }) });
    const metrics = await text('/metrics');
    const series = (name: string, method: string, confidence: string): number | undefined =>
      valueOf(metrics, `sherwood_${name}{method="${method}",confidence="${confidence}"}`);
    expect(series('risk_var_ratio', 'historical', '0.95')).toBe(0.042);
    expect(series('risk_es_ratio', 'historical', '0.99')).toBe(0.1025);
    expect(series('risk_var_ratio', 'parametric', '0.99')).toBe(0.068);
    expect(series('risk_var_value', 'historical', '0.95')).toBeCloseTo(4200, 6);
    expect(series('risk_es_value', 'parametric', '0.95')).toBeCloseTo(6000, 6);

    const status = JSON.parse(await text('/api/status')) as { riskVar?: { observations: number } };
    expect(status.riskVar?.observations).toBe(250);
    const page = await text('/');
    expect(page).toContain('id="risk-var"');
  });

  it('drops the series when there is no figure', async () => {
    const source = new FakeDashboardSource();
    const metrics = new Metrics({ defaultMetrics: false });
    await metrics.update(source);
    expect(await metrics.text()).toContain('sherwood_risk_var_ratio{');
    source.riskVar = undefined;
    await metrics.update(source);
    expect(await metrics.text()).not.toContain('sherwood_risk_var_ratio{');
  });
});
