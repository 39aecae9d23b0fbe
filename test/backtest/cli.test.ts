import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { register, runBacktestCommand } from '../../src/cli/commands/backtest.ts';
import { register as registerOptimize, runOptimizeCommand } from '../../src/cli/commands/optimize.ts';
import { parseAxis, gridPoints, randomPoints } from '../../src/backtest/param-space.ts';
import { backtestConfigFromFlags } from '../../src/backtest/cli-input.ts';
import { listSampleBarFiles } from '../../src/data/historical/index.ts';
import { MomentumProbe, tempDir } from './helpers.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const hasSample = listSampleBarFiles().some((f) => f.symbol === 'BTC-USD');

describe('backtest flags', () => {
  it('parses params, dates and defaults to the shipped hourly sample', () => {
    const { config } = backtestConfigFromFlags({
      strategy: 'trend',
      param: ['fast=5', 'slow=20.5', 'useAtr=true', 'mode=sma'],
      from: '2025-06-01',
      symbols: ['eth-usdt'],
    });
    expect(config.params).toEqual({ fast: 5, slow: 20.5, useAtr: true, mode: 'sma' });
    expect(config.from).toBe(Date.UTC(2025, 5, 1));
    expect(config.symbols).toEqual(['ETH-USD']);
    if (hasSample) expect(config.data).toEqual([expect.stringMatching(/ETH_USDT-1h\.csv\.gz$/)]);
  });

  it('names the flag and the value on bad input', () => {
    expect(() => backtestConfigFromFlags({ strategy: 'x', cash: '-5' })).toThrow(/--cash "-5"/);
    expect(() => backtestConfigFromFlags({ strategy: 'x', from: 'yesterday' })).toThrow(/--from "yesterday"/);
    expect(() => backtestConfigFromFlags({ strategy: 'x', feeRate: 'abc' })).toThrow(/--fee-rate "abc"/);
    expect(() => backtestConfigFromFlags({ strategy: 'x', param: ['novalue'] })).toThrow(ConfigError);
    expect(() => backtestConfigFromFlags({ strategy: 'x', holdings: ['BTC=1'] })).toThrow(/--holdings/);
    expect(() => backtestConfigFromFlags({ strategy: 'x', participation: '0' })).toThrow(/--participation "0"/);
    expect(() => backtestConfigFromFlags({ strategy: 'x', participation: '1.5' })).toThrow(/--participation "1.5"/);
    expect(backtestConfigFromFlags({ strategy: 'x', participation: '0.25' }).config.participation).toBe(0.25);
    expect(backtestConfigFromFlags({ strategy: 'x', holdings: ['BTC-USD=0.5'] }).config.holdings).toEqual({
      'BTC-USD': '0.5',
    });
  });

  it('registers the commands with commander', () => {
    const program = new Command().exitOverride();
    register(program);
    registerOptimize(program);
    expect(program.commands.map((c) => c.name())).toEqual(['backtest', 'optimize']);
    expect(() => program.parse(['node', 'x', 'backtest'])).toThrow(/--strategy/);
  });
});

describe.skipIf(!hasSample)('sherwood backtest (in-process)', () => {
  it('runs, prints the summary and writes the JSON and the HTML report', async () => {
    const lines: string[] = [];
    const json = path.join(dir.dir, 'r.json');
    const report = path.join(dir.dir, 'r.html');
    const result = await runBacktestCommand(
      { strategy: 'probe', from: '2025-06-01', to: '2025-07-01', feeRate: '0.001', json, report },
      { log: (l) => lines.push(l), tty: false, createStrategy: () => Promise.resolve(new MomentumProbe()) },
    );
    expect(lines.join('\n')).toMatch(/total return/);
    expect(lines.join('\n')).toMatch(/fingerprint/);
    const saved = JSON.parse(readFileSync(json, 'utf8')) as { fills: unknown[]; metrics: { tradeCount: number } };
    expect(saved.fills).toHaveLength(result.fills.length);
    expect(saved.metrics.tradeCount).toBe(result.metrics.tradeCount);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/Drawdown/);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(result.start.startsWith('2025-06-01')).toBe(true);
  });
});

describe.skipIf(!hasSample)('sherwood backtest through commander', () => {
  it('maps the flags (kebab-case, repeatable, variadic) and runs a built-in strategy', async () => {
    const program = new Command().exitOverride();
    register(program);
    const json = path.join(dir.dir, 'c.json');
    const log = console.log;
    console.log = () => undefined;
    try {
      await program.parseAsync([
        'node',
        'sherwood',
        'backtest',
        '--strategy',
        'trend',
        '--param',
        'fast=5',
        '--param',
        'slow=20',
        '--from',
        '2025-06-01',
        '--to',
        '2025-06-15',
        '--fee-rate',
        '0.001',
        '--spread-bps',
        '4',
        '--json',
        json,
      ]);
    } finally {
      console.log = log;
    }
    const saved = JSON.parse(readFileSync(json, 'utf8')) as { config: Record<string, unknown> };
    expect(saved.config).toMatchObject({
      strategy: 'trend',
      params: { fast: 5, slow: 20 },
      feeRate: '0.001',
      spreadBps: 4,
    });
  });
});

describe('parameter space', () => {
  it('expands ranges and lists; random draws are seeded and in range', () => {
    expect(parseAxis('fast=5:15:5').values).toEqual([5, 10, 15]);
    expect(parseAxis('k=0.1:0.3:0.1').values).toEqual([0.1, 0.2, 0.3]);
    expect(parseAxis('mode=ema,sma').values).toEqual(['ema', 'sma']);
    expect(gridPoints([parseAxis('a=1:2'), parseAxis('b=x,y')])).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    const r1 = randomPoints([parseAxis('a=1:100'), parseAxis('f=0.1:0.9:0.1')], 20, 5);
    expect(r1).toEqual(randomPoints([parseAxis('a=1:100'), parseAxis('f=0.1:0.9:0.1')], 20, 5));
    for (const p of r1) {
      expect(Number.isInteger(p.a)).toBe(true);
      expect(p.a).toBeGreaterThanOrEqual(1);
      expect(p.f).toBeLessThanOrEqual(0.9);
    }
    expect(() => parseAxis('a=5:1')).toThrow(/min ≤ max/);
  });
});

describe.skipIf(!hasSample)('sherwood optimize (2 workers)', () => {
  it('ranks a tiny grid and walks forward', async () => {
    const lines: string[] = [];
    const json = path.join(dir.dir, 'o.json');
    const result = await runOptimizeCommand(
      {
        strategy: 'probe',
        grid: ['fraction=0.2:0.4:0.2'],
        workers: '2',
        walkForward: '1',
        from: '2025-06-01',
        to: '2025-07-01',
        feeRate: '0.001',
        metric: 'totalReturn',
        json,
      },
      { log: (l) => lines.push(l), tty: false, factoryModule: path.resolve('test/backtest/probe-factory.ts') },
    );
    expect(result.ranking).toHaveLength(2);
    expect(result.ranking.every((c) => c.error === undefined)).toBe(true);
    expect((result.ranking[0]?.score ?? 0) >= (result.ranking[1]?.score ?? 0)).toBe(true);
    expect(result.folds).toHaveLength(1);
    expect(result.folds[0]?.outOfSampleResult.metrics).toBeDefined();
    expect(result.runs).toBe(2 + 2 + 1);
    expect(lines.join('\n')).toMatch(/out-of-sample/);
    expect(existsSync(json)).toBe(true);
  }, 120_000);
});
