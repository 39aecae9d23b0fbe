import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWeights, register } from '../../src/cli/commands/risk.ts';
import { SAMPLE_DATA_DIR } from '../../src/data/historical/index.ts';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { FakeDashboardSource } from '../../src/web/fake-source.ts';
import { startWebServer } from '../../src/web/server.ts';

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  register(program, { out: (t) => (out += t), env: {} });
  await program.parseAsync(['node', 'sherwood', 'risk', ...args]);
  return out;
}

describe('sherwood risk', () => {
  it('prints the limits from the configuration (with --set applied)', async () => {
    const out = await run(['--set', 'risk.max_drawdown=0.1']);
    expect(out).toMatch(/^risk limits:\n/);
    expect(out).toMatch(/ {2}max_drawdown +0\.1\n/);
    expect(out).toMatch(/ {2}max_order_notional +10000\n/);
  });

  const btc = join(SAMPLE_DATA_DIR, 'BTC_USDT-1d.csv.gz');
  const eth = join(SAMPLE_DATA_DIR, 'ETH_USDT-1d.csv.gz');
  it.skipIf(!existsSync(btc) || !existsSync(eth))(
    'prints VaR/ES for weighted sample files, text and JSON',
    async () => {
      const out = await run(['--data', btc, eth, '--weights', 'BTC=0.5,ETH=0.5', '--value', '10000']);
      expect(out).toContain('portfolio: BTC-USD 0.5, ETH-USD 0.5');
      expect(out).toMatch(/\n95% +\d+\.\d\d%/);
      expect(out).toMatch(/\n99% +\d+\.\d\d%/);
      const json = JSON.parse(await run(['--data', btc, eth, '--json'])) as {
        var: { weights: number[]; observations: number };
      };
      expect(json.var.weights).toEqual([0.5, 0.5]);
      expect(json.var.observations).toBe(250);
    },
  );

  it('rejects malformed weights, naming the value', () => {
    expect(() => parseWeights('BTC:0.5')).toThrow('--weights "BTC:0.5" must look like BTC=0.5,ETH=0.5');
    expect(parseWeights('btc-usd=0.25,ETH=0.75')).toEqual(
      new Map([
        ['BTC', 0.25],
        ['ETH', 0.75],
      ]),
    );
  });
});

describe('sherwood risk --live', () => {
  it("prints the running session's state, denials and VaR/ES from its dashboard API", async () => {
    const server = await startWebServer({
      port: 0,
      source: new FakeDashboardSource(),
      metrics: new Metrics({ defaultMetrics: false }),
    });
    try {
      const out = await run(['--live', server.url]);
      expect(out).toMatch(new RegExp(`^session at ${server.url}: (RUNNING|REDUCING|HALTED)`));
      expect(out).toMatch(/\n95% +4\.20% \(4200\.00\)/);
      expect(out).toContain('risk limits:');
      const json = JSON.parse(await run(['--live', server.url, '--json'])) as { live: { riskVar: unknown } };
      expect(json.live.riskVar).toMatchObject({ observations: 250 });
    } finally {
      await server.close();
    }
  });

  it('says clearly when no session answers', async () => {
    await expect(run(['--live', 'http://127.0.0.1:9'])).rejects.toThrow(
      /no running session answers at http:\/\/127\.0\.0\.1:9\/api\/status .*is the dashboard enabled\?/,
    );
  });
});
