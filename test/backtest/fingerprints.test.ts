// Regression fingerprints: each built-in strategy on the shipped real data, through the whole engine. Trade count,
// fill count, final equity and a hash of every fill are pinned, so that a silent change of behaviour (strategy, fill
// model, rounding, fees, execution) fails here. When a change is intended, update the pins and say why in the commit.
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import { registryStrategyFactory } from '../../src/backtest/strategy-source.ts';
import { listSampleBarFiles, SAMPLE_DATA_DIR } from '../../src/data/historical/index.ts';
import type { BacktestConfigInput } from '../../src/backtest/config.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';

const btcHourly = listSampleBarFiles().find((f) => f.symbol === 'BTC-USD' && f.intervalMs === 3_600_000)?.path;
const btcQuotes = path.join(SAMPLE_DATA_DIR, 'btcusdt_bbo.csv.gz');
const present = btcHourly !== undefined && existsSync(btcQuotes);

interface Pin {
  readonly config: Omit<BacktestConfigInput, 'data'> & { readonly data?: readonly string[] };
  readonly tradeCount: number;
  readonly fills: number;
  readonly endEquity: string;
  readonly hash: string;
}

const PINS: Record<string, Pin> = {
  trend: {
    config: { strategy: 'trend' },
    tradeCount: 54,
    fills: 108,
    endEquity: '9438.43',
    hash: '4b55633391694186e696d81717e906742e02951f01de389de8817a25b554e6f6',
  },
  grid: {
    config: { strategy: 'grid', params: { lower: 95000, upper: 125000, levels: 16, quantityPerLevel: 0.005 } },
    tradeCount: 5,
    fills: 90,
    endEquity: '10291.76',
    hash: 'd6e63b6ae438a994cfe2ef5b79e327140a3bff776c117f33f0eecce8ab65629e',
  },
  dca: {
    config: { strategy: 'dca' },
    tradeCount: 0,
    fills: 99,
    endEquity: '10361.76',
    hash: 'abc530c1e7a7441aba85f5161d789476530b94dad3b3e113b1db36c202fad942',
  },
  mean_reversion: {
    config: { strategy: 'mean_reversion' },
    tradeCount: 9,
    fills: 19,
    endEquity: '10209.61',
    hash: '55a8b39ec5ff00201554167fc7155da0e0706858186660f238071ee26c105c73',
  },
  market_making: {
    config: {
      strategy: 'market_making',
      data: [btcQuotes],
      params: { minSpread: 0, halfSpread: 0.0001, refreshIntervalMs: 5000 },
    },
    tradeCount: 2,
    fills: 96,
    endEquity: '9992.30',
    hash: 'f045ad721a68086d72c7d138ae89e96516cf115816989bebff615843efd21058',
  },
};

describe.skipIf(!present)('regression fingerprints of the built-in strategies on the shipped data', () => {
  for (const [name, pin] of Object.entries(PINS)) {
    it(
      name,
      async () => {
        const r = await runBacktest(
          { feeRate: '0.001', seed: 1, ...pin.config, data: [...(pin.config.data ?? [btcHourly ?? ''])] },
          { createStrategy: registryStrategyFactory },
        );
        const got = {
          tradeCount: r.metrics.tradeCount,
          fills: r.fingerprint.fills,
          endEquity: r.metrics.endEquity.toFixed(2),
          hash: r.fingerprint.hash,
        };
        expect(r.strategies.every((s) => s.errors === 0)).toBe(true);
        expect(r.warnings).toEqual([]);
        expect(got).toEqual({ tradeCount: pin.tradeCount, fills: pin.fills, endEquity: pin.endEquity, hash: pin.hash });
      },
      60_000,
    );
  }
});

describe.skipIf(!present)('sizing within what the venue holds', () => {
  it('all in (fraction 1) buys what the venue accepts: no entry refused for buying power', async () => {
    for (const config of [{ strategy: 'trend' }, { strategy: 'trend', feeRate: undefined }]) {
      const r = await runBacktest(
        { feeRate: '0.001', seed: 1, ...config, params: { fraction: 1 }, data: [btcHourly ?? ''] },
        { createStrategy: registryStrategyFactory },
      );
      expect(r.denied).toEqual([]);
      expect(r.metrics.tradeCount).toBe(54);
    }
  }, 60_000);
});
