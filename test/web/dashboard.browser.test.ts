// The dashboard in a real browser (Debian chromium through playwright-core), against the fake source.
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { FakeDashboardSource } from '../../src/web/fake-source.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('dashboard in chromium', () => {
  let browser: Browser;
  let server: WebServer;
  const source = new FakeDashboardSource();

  beforeAll(async () => {
    source.riskState = 'REDUCING';
    source.riskReasons = ['drawdown 6.00% reached the reducing limit 5.00%'];
    server = await startWebServer({
      port: 0,
      source,
      metrics: new Metrics({ defaultMetrics: false }),
      pushIntervalMs: 200,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the equity chart, the positions, the open orders and the state badges', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);

    const line = page.locator('#equity-chart path#equity-line');
    await line.waitFor({ state: 'attached', timeout: 10_000 });
    const d = await line.getAttribute('d');
    expect(d).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){10,}/);

    await expect.poll(() => page.locator('#positions tbody tr').count(), { timeout: 10_000 }).toBe(2);
    const positions = await page.locator('#positions tbody').innerText();
    expect(positions).toContain('BTC-USD');
    expect(positions).toContain('0.12345678');
    expect(positions).toContain('ETH-USD');
    expect(positions).toContain('1.5');

    await expect.poll(() => page.locator('#risk-state').innerText(), { timeout: 10_000 }).toBe('REDUCING');
    await expect.poll(() => page.locator('#engine-state').innerText(), { timeout: 10_000 }).toBe('RUNNING');
    expect(await page.locator('#risk-state').getAttribute('class')).toContain('REDUCING');
    expect(await page.locator('#reasons').innerText()).toContain('drawdown 6.00%');
    expect(await page.locator('#orders tbody').innerText()).toContain('99000.01');
    expect(await page.locator('#strategies tbody').innerText()).toContain('demo-trend-eth');
    // The live VaR/ES panel: the fake session's 95% historical VaR is 4.2% of 100,000.
    const varTable = await page.locator('#risk-var tbody').innerText();
    expect(varTable).toMatch(/95%\s+4\.20% \(\$?4,200(\.00)?\)/);
    expect(await page.locator('#risk-var-meta').innerText()).toContain('250 returns');
    await expect.poll(() => page.locator('#conn').innerText(), { timeout: 10_000 }).toBe('live');

    // A state change reaches the page through the WebSocket.
    source.engineState = 'HALTED';
    await expect.poll(() => page.locator('#engine-state').innerText(), { timeout: 10_000 }).toBe('HALTED');
    expect(await page.locator('#ready').innerText()).toBe('NOT READY');

    const shot = path.join(os.tmpdir(), `sherwood-dashboard-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    // Kept for a human to look at with SHERWOOD_KEEP_SCREENSHOT=1; removed otherwise.
    if (process.env['SHERWOOD_KEEP_SCREENSHOT'] === undefined) rmSync(shot, { force: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('falls back to polling when the WebSocket is unavailable', async () => {
    const page = await browser.newPage();
    // Refuse the socket: the page must still fill itself from the JSON API.
    await page.routeWebSocket(/\/ws$/, (ws) => ws.close());
    await page.goto(server.url);
    await expect.poll(() => page.locator('#conn').innerText(), { timeout: 10_000 }).toBe('polling');
    await expect.poll(() => page.locator('#positions tbody tr').count(), { timeout: 10_000 }).toBe(2);
    // The engine state comes from its own request, which may answer after the positions'.
    await expect
      .poll(() => page.locator('#engine-state').innerText(), { timeout: 10_000 })
      .toMatch(/^(RUNNING|HALTED)$/);
    await page.close();
  });
});
