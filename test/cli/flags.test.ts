// Bad flag values: one line per problem naming the flag and the value (main() exits 2 on the ConfigError), and
// checked before anything is run, printed, written or deleted.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStrategyParams, runBacktestCommand } from '../../src/cli/commands/backtest.ts';
import { register as registerRisk } from '../../src/cli/commands/risk.ts';
import { runSimulatorCommand } from '../../src/cli/commands/simulator.ts';
import { runStart } from '../../src/cli/commands/start.ts';
import { checkOutputFile, parseFlags } from '../../src/cli/options.ts';
import { ConfigError } from '../../src/core/errors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sherwood-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ConfigError's lines, or a failure when something else (or nothing) was thrown. */
async function problems(run: () => unknown): Promise<string[]> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message.split('\n');
}

describe('parseFlags', () => {
  const schema = z.object({
    port: z.coerce.number().int().min(0).max(65535).optional(),
    baseUrl: z.url().optional(),
    data: z.array(z.string().min(1)).optional(),
    mode: z.enum(['a', 'b']),
  });

  it('names each flag and the value given, one line per problem', async () => {
    expect(await problems(() => parseFlags(schema, { port: '99999', baseUrl: 'x', data: ['f', ''] }))).toEqual([
      '--port "99999": must be at most 65535',
      '--base-url "x": must be a valid url',
      '--data "": must not be empty',
      '--mode is required',
    ]);
    expect(parseFlags(schema, { port: '0', mode: 'a' })).toEqual({ port: 0, mode: 'a' });
  });

  it('uses the name given for a key', async () => {
    expect(await problems(() => parseFlags(schema, { mode: 'c' }, { mode: '--kind' }))).toEqual([
      '--kind "c": must be one of "a", "b"',
    ]);
  });
});

describe('sherwood risk', () => {
  async function risk(args: string[]): Promise<string[]> {
    const program = new Command('sherwood').exitOverride();
    registerRisk(program, { out: () => undefined, cwd: dir, env: {} });
    return problems(() => program.parseAsync(['risk', ...args], { from: 'user' }));
  }

  it('names --lookback and --value with the value, not zod JSON', async () => {
    expect(await risk(['--lookback', '1'])).toEqual(['--lookback "1": must be at least 2 (bars)']);
    expect(await risk(['--lookback', 'abc'])).toEqual(['--lookback "abc": must be a whole number of bars']);
    expect(await risk(['--value', '-5', '--lookback', '2.5'])).toEqual([
      '--lookback "2.5": must be a whole number of bars',
      '--value "-5": must be zero or more',
    ]);
  });
});

describe('sherwood start', () => {
  it('names --port and --base-url with the value', async () => {
    expect(await problems(() => runStart({ port: '99999' }))).toEqual([
      '--port "99999": must be a port number, 0 to 65535 (0 = any free port)',
    ]);
    expect(await problems(() => runStart({ baseUrl: 'x' }))).toEqual([
      '--base-url "x": must be a URL like http://127.0.0.1:8787',
    ]);
  });

  it('refuses a misconfigured strategy before anything starts', async () => {
    const lines: string[] = [];
    const set = ['strategies=[{"id":"s1","type":"trend","symbols":["BTC-USD"],"params":{"fast":"x"}}]'];
    expect(await problems(() => runStart({ set, port: '0' }, (l) => lines.push(l)))).toEqual([
      expect.stringMatching(/^strategies\[0\] \(s1\): invalid parameters for strategy "s1" \(trend\): fast: .*"x"/),
    ]);
    expect(lines).toEqual([]); // no simulator, no session
  });
});

describe('sherwood simulator', () => {
  it('rejects a bad --faults before it makes or prints an account', async () => {
    const lines: string[] = [];
    expect(await problems(() => runSimulatorCommand({ faults: 'bogus', port: '0' }, (l) => lines.push(l)))).toEqual([
      expect.stringMatching(/^--faults "bogus": unknown fault "bogus"/),
    ]);
    const file = path.join(dir, 'missing', 'creds.json');
    expect(
      await problems(() => runSimulatorCommand({ writeCredentials: file, port: '0' }, (l) => lines.push(l))),
    ).toEqual([`--write-credentials ${JSON.stringify(file)}: its directory ${path.dirname(file)} does not exist`]);
    expect(
      await problems(() => runSimulatorCommand({ port: '70000', end: 'x' as 'loop' }, (l) => lines.push(l))),
    ).toEqual(['--port "70000": must be at most 65535', '--end "x": must be one of "loop", "stop"']);
    expect(lines).toEqual([]);
  });
});

describe('sherwood backtest', () => {
  const io = { log: () => undefined, tty: false };

  it('names the strategy parameter and the value, and a missing one as required', async () => {
    expect(await problems(() => runBacktestCommand({ strategy: 'grid' }, io))).toEqual([
      '--param lower is required',
      '--param upper is required',
      '--param quantityPerLevel is required',
      '(sherwood strategies grid lists its parameters)',
    ]);
    expect(await problems(() => runBacktestCommand({ strategy: 'trend', param: ['fast=abc'] }, io))).toEqual([
      '--param fast "abc": must be a number',
      '(sherwood strategies trend lists its parameters)',
    ]);
    expect(await problems(() => checkStrategyParams('trend', { fats: 5 }))).toEqual([
      '--param fats: trend has no such parameter (it has fast, slow, average, fraction, atrStop, atrPeriod)',
      '(sherwood strategies trend lists its parameters)',
    ]);
    await expect(checkStrategyParams('trend', { fast: 5, slow: 20 })).resolves.toBeUndefined();
  });

  it('names --from and --to with ISO dates when the range is empty', async () => {
    expect(
      await problems(() => runBacktestCommand({ strategy: 'trend', from: '2025-08-01', to: '2025-07-01' }, io)),
    ).toEqual([
      '--to "2025-07-01" (2025-07-01T00:00:00.000Z) must be after --from "2025-08-01" (2025-08-01T00:00:00.000Z)',
    ]);
  });

  it('checks the --json and --report files can be written before the run', async () => {
    expect(await problems(() => runBacktestCommand({ strategy: 'trend', json: '/nonexistent/x.json' }, io))).toEqual([
      '--json "/nonexistent/x.json": its directory /nonexistent does not exist',
    ]);
    expect(await problems(() => runBacktestCommand({ strategy: 'trend', report: dir }, io))).toEqual([
      `--report ${JSON.stringify(dir)}: is a directory`,
    ]);
    expect(() => checkOutputFile('--json', path.join(dir, 'ok.json'))).not.toThrow();
    expect(existsSync(path.join(dir, 'ok.json'))).toBe(false);
  });

  it('asks for --symbols on a file of several assets', async () => {
    const file = path.join(dir, 'bitstamp_BTC-ETH_USD_1d.csv');
    const row = (day: string): string => `${day},1,2,0.5,1.5,10,3,4,2,3.5,20`;
    writeFileSync(
      file,
      [',BTC:open,BTC:high,BTC:low,BTC:close,BTC:volume,ETH:open,ETH:high,ETH:low,ETH:close,ETH:volume']
        .concat(['2025-01-01', '2025-01-02', '2025-01-03'].map(row))
        .join('\n'),
    );
    expect(await problems(() => runBacktestCommand({ strategy: 'trend', data: [file] }, io))).toEqual([
      `--data ${JSON.stringify(file)} holds several assets (BTC, ETH): choose with --symbols, e.g. --symbols BTC-USD`,
    ]);
  });
});
