import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { register } from '../../src/cli/commands/config.ts';
import { addConfigOptions, loadConfigFromOptions } from '../../src/cli/options.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { FAKE_API_KEY, tempProject, type TempProject } from '../config/helpers.ts';

let project: TempProject;
beforeEach(() => {
  project = tempProject();
  project.write('config/production.yaml', 'app: { log_level: warn }\n');
});
afterEach(() => project.remove());

/** Runs `sherwood <args>` on a fresh program and returns what it printed. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  let output = '';
  const program = new Command('sherwood').exitOverride();
  register(program, { out: (text) => (output += text), cwd: project.dir, env });
  program.commands.forEach((c) => c.commands.forEach((sub) => sub.exitOverride()));
  await program.parseAsync(args, { from: 'user' });
  return output;
}

describe('sherwood config show', () => {
  it('prints the effective configuration as YAML with secrets masked', async () => {
    const out = await run(['config', 'show', '--profile', 'production', '--set', 'risk.max_drawdown=0.1'], {
      ROBINHOOD_API_KEY: FAKE_API_KEY,
      DATABASE_URL: 'postgres://u:topsecret@db/s',
    });
    const shown = parseYaml(out) as Record<string, Record<string, unknown>>;
    expect(shown.app).toMatchObject({ profile: 'production', log_level: 'warn' });
    expect(shown.risk!.max_drawdown).toBe(0.1);
    expect(shown.api!.api_key).toBe('***wxyz');
    expect(out).not.toContain(FAKE_API_KEY);
    expect(out).not.toContain('topsecret');
  });

  it('prints JSON with --json, and the sources with --sources', async () => {
    const file = project.write('extra.json', '{"app": {"name": "desk"}}');
    const out = await run(['config', 'show', '--json', '--sources', '--config', file]);
    const shown = JSON.parse(out) as { config: { app: { name: string } }; sources: Record<string, string> };
    expect(shown.config.app.name).toBe('desk');
    expect(shown.sources['app.name']).toBe('file extra.json');
  });

  it('throws a ConfigError with one line per problem on invalid input', async () => {
    const error = await run(['config', 'show', '--set', 'risk.max_drawdown=1.5', 'app.mode=demo']).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split('\n')).toEqual([
      'app.mode: "demo" is invalid — must be one of "paper", "live", "backtest" (set by --set app.mode=demo)',
      'risk.max_drawdown: 1.5 is invalid — must be at most 1 (set by --set risk.max_drawdown=1.5)',
    ]);
  });
});

describe('sherwood config validate', () => {
  it('confirms a valid configuration and the files read', async () => {
    expect(await run(['config', 'validate', '--profile', 'production'])).toBe(
      'configuration is valid (profile production, mode paper; read config/production.yaml)\n',
    );
  });

  it('checks each enabled strategy: its type and its parameters, naming the entry', async () => {
    const file = project.write(
      'strategies.yaml',
      [
        'strategies:',
        '  - { id: t1, type: sma-crossover, symbols: [BTC-USD] }',
        '  - { id: t2, type: trend, symbols: [BTC-USD], params: { fast: 10, slow: 30, fastt: 3 } }',
        '  - { id: t3, type: nope, symbols: [BTC-USD], enabled: false }',
        '  - { id: t4, type: trend, symbols: [BTC-USD], params: { fast: 10, slow: 30 } }',
        '',
      ].join('\n'),
    );
    const error = await run(['config', 'validate', '--config', file]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split('\n')).toEqual([
      'strategies[0] (t1): unknown strategy "sma-crossover"; known: market_making, grid, dca, trend, mean_reversion',
      'strategies[1] (t2): invalid parameters for strategy "t2" (trend): unknown parameter "fastt"; known: fast, slow, average, fraction, atrStop, atrPeriod',
    ]);
  });

  it('reads the env file given with --env-file', async () => {
    const envFile = project.write('live.env', 'SHERWOOD_APP__MODE=live\n');
    await expect(run(['config', 'validate', '--env-file', envFile])).rejects.toThrow(
      'api.api_key: missing — required when app.mode is "live"',
    );
  });
});

describe('addConfigOptions / loadConfigFromOptions', () => {
  it('adds the four options to any command and loads from them', () => {
    const cmd = addConfigOptions(new Command('start').exitOverride());
    cmd.parse(['--profile', 'production', '--set', 'app.name=a', 'risk.max_drawdown=0.3', '--config', 'x.yaml'], {
      from: 'user',
    });
    expect(cmd.opts()).toEqual({
      profile: 'production',
      set: ['app.name=a', 'risk.max_drawdown=0.3'],
      config: ['x.yaml'],
    });
    project.write('x.yaml', 'app: { data_dir: ./elsewhere }\n');
    const loaded = loadConfigFromOptions(cmd.opts(), { cwd: project.dir, env: {} });
    expect(loaded.config.app).toMatchObject({ name: 'a', data_dir: './elsewhere', log_level: 'warn' });
    expect(loaded.config.risk.max_drawdown).toBe(0.3);
  });
});
