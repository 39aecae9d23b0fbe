import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { register, runBacktestCommand } from '../../src/cli/commands/backtest.ts';
import { register as registerOptimize, runOptimizeCommand } from '../../src/cli/commands/optimize.ts';
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
    expect(() => backtestConfigFromFlags({ strategy: 'x', feeRate: '2' })).toThrow(
      '--fee-rate "2": must be a ratio below 1, like 0.001 for 0.1 %',
    );
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
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
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
      write.mockRestore();
    }
    expect(out.join('')).toMatch(/total return/);
    const saved = JSON.parse(readFileSync(json, 'utf8')) as { config: Record<string, unknown> };
    expect(saved.config).toMatchObject({
      strategy: 'trend',
      params: { fast: 5, slow: 20 },
      feeRate: '0.001',
      spreadBps: 4,
    });
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

describe('sherwood optimize refusals (before any run)', () => {
  const io = { log: () => undefined, tty: false };

  it('says plainly that --grid is required', async () => {
    await expect(runOptimizeCommand({ strategy: 'probe' }, io)).rejects.toThrow(
      /^--grid is required \(--random only draws from its ranges\)/,
    );
    await expect(runOptimizeCommand({ strategy: 'probe', random: '5' }, io)).rejects.toThrow(
      /^--random 5 draws from the --grid ranges/,
    );
    await expect(runOptimizeCommand({ strategy: 'probe', grid: [] }, io)).rejects.toThrow(ConfigError);
  });

  it('refuses a bad range up front, naming the flag and the value', async () => {
    await expect(runOptimizeCommand({ strategy: 'probe', grid: ['fast=5:20:-5'] }, io)).rejects.toThrow(
      '--grid "fast=5:20:-5": the step must be positive',
    );
  });

  it.skipIf(!hasSample)('refuses a parameter both fixed by --param and searched by --grid', async () => {
    await expect(
      runOptimizeCommand({ strategy: 'probe', param: ['fraction=0.7'], grid: ['fraction=0.2,0.4'] }, io),
    ).rejects.toThrow('--param fraction and --grid fraction: a parameter is either fixed or searched');
  });
});

describe.skipIf(!hasSample)('sherwood optimize: failed runs and --random', () => {
  const window = { from: '2025-06-01', to: '2025-06-08', feeRate: '0.001', workers: '2' };
  const probe = path.resolve('test/backtest/probe-factory.ts');
  const failing = path.resolve('test/backtest/failing-factory.ts');

  it('runs each set once when --random asks for more than the space holds, and says so', async () => {
    const lines: string[] = [];
    const result = await runOptimizeCommand(
      { strategy: 'probe', grid: ['fraction=0.2,0.4'], random: '20', ...window },
      { log: (l) => lines.push(l), tty: false, factoryModule: probe },
    );
    expect(result.runs).toBe(2);
    expect(result.ranking.map((c) => c.params.fraction).sort()).toEqual([0.2, 0.4]);
    expect(lines[0]).toBe('note: --random 20: the --grid space has only 2 distinct parameter sets; each ran once');
  }, 60_000);

  it('keeps going when some runs fail, and reports how many', async () => {
    const lines: string[] = [];
    const result = await runOptimizeCommand(
      { strategy: 'probe', grid: ['fraction=0.2,x,0.4'], ...window },
      { log: (l) => lines.push(l), tty: false, factoryModule: probe },
    );
    expect(result.ranking).toHaveLength(3);
    expect(result.ranking[2]?.error).toMatch(/invalid parameters/);
    expect(lines.join('\n')).toMatch(/^1 of 3 runs failed; the first, \{"fraction":"x"\}: invalid parameters/m);
  }, 60_000);

  it('fails when every run fails: a validation error for invalid parameters, naming the first failure', async () => {
    const lines: string[] = [];
    const run = runOptimizeCommand(
      { strategy: 'probe', grid: ['fraction=x,y'], walkForward: '2', ...window },
      { log: (l) => lines.push(l), tty: false, factoryModule: probe },
    );
    await expect(run).rejects.toThrow(/^all 2 runs failed; the first, \{"fraction":"x"\}: invalid parameters/);
    await expect(run).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(lines).toEqual([]);
  }, 60_000);

  it('fails with OPTIMIZE_FAILED when every run broke for another reason', async () => {
    const run = runOptimizeCommand(
      { strategy: 'probe', grid: ['fraction=0.2,0.4'], param: ['broken=true'], ...window },
      { log: () => undefined, tty: false, factoryModule: failing },
    );
    await expect(run).rejects.toThrow(/^all 2 runs failed; the first, \{"fraction":0.2\}: the strategy broke$/);
    await expect(run).rejects.toMatchObject({ code: 'OPTIMIZE_FAILED' });
  }, 60_000);
});
