import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { loadConfig, resolveConfig, type LoadConfigOptions } from '../../src/config/loader.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { FAKE_API_KEY, FAKE_PRIVATE_KEY, tempProject, type TempProject } from './helpers.ts';

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.remove());

/** Loads from the temp project with an empty environment unless one is given. */
const load = (options: LoadConfigOptions = {}) => loadConfig({ cwd: project.dir, env: {}, ...options });

/** The problem lines of the ConfigError thrown by `fn`. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig layers', () => {
  // Every layer sets risk.max_drawdown; each must beat all the layers before it.
  const layers = ['default', 'default.yaml', 'profile', 'config yaml', 'config json', '.env', 'env', '--set'] as const;
  const expected = [0.2, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17];

  function options(upTo: number): LoadConfigOptions {
    const has = (name: (typeof layers)[number]): boolean => layers.indexOf(name) <= upTo;
    if (has('default.yaml')) project.write('config/default.yaml', 'risk:\n  max_drawdown: 0.11\n');
    if (has('profile')) project.write('config/development.yaml', 'risk:\n  max_drawdown: 0.12\n');
    const configFiles: string[] = [];
    if (has('config yaml')) configFiles.push(project.write('a.yaml', 'risk: { max_drawdown: 0.13 }\n'));
    if (has('config json')) configFiles.push(project.write('b.json', '{"risk": {"max_drawdown": 0.14}}'));
    if (has('.env')) project.write('.env', 'SHERWOOD_RISK__MAX_DRAWDOWN=0.15\n');
    return {
      configFiles,
      env: has('env') ? { SHERWOOD_RISK__MAX_DRAWDOWN: '0.16' } : {},
      sets: has('--set') ? ['risk.max_drawdown=0.17'] : [],
    };
  }

  it.each(layers.map((name, i) => [name, i] as const))('layer %s overrides every earlier one', (_name, i) => {
    const result = resolveConfig({ cwd: project.dir, ...options(i) });
    expect(result.config.risk.max_drawdown).toBe(expected[i]);
  });

  it('names the layer that set each key', () => {
    const result = resolveConfig({ cwd: project.dir, ...options(5) });
    expect(result.sources.get('risk.max_drawdown')).toBe('env SHERWOOD_RISK__MAX_DRAWDOWN in .env');
    expect(result.files.map((f) => f.slice(project.dir.length + 1))).toEqual([
      '.env',
      'config/default.yaml',
      'config/development.yaml',
      'a.yaml',
      'b.json',
    ]);
  });

  it('merges objects deeply and replaces lists', () => {
    project.write(
      'config/default.yaml',
      'api:\n  retry: { max_attempts: 4 }\nmarket_data:\n  symbols: [BTC-USD, ETH-USD]\n',
    );
    const extra = project.write(
      'extra.yaml',
      'api:\n  retry: { max_delay_ms: 9000 }\nmarket_data:\n  symbols: [SOL-USD]\n',
    );
    const config = load({ configFiles: [extra] });
    expect(config.api.retry).toEqual({ max_attempts: 4, base_delay_ms: 250, max_delay_ms: 9000 });
    expect(config.market_data.symbols).toEqual(['SOL-USD']);
  });

  it('applies several --config files in order; an empty file changes nothing', () => {
    const a = project.write('a.yml', 'app: { name: first }\n');
    const b = project.write('b.yaml', 'app: { name: second }\n');
    const empty = project.write('empty.yaml', '# nothing\n');
    expect(load({ configFiles: [a, b, empty] }).app.name).toBe('second');
    expect(load({ configFiles: [b, a] }).app.name).toBe('first');
    expect(load({ configFiles: ['a.yml'] }).app.name).toBe('first'); // relative to cwd
  });
});

describe('environment variables', () => {
  it('nest with a double underscore, ignore case and take YAML types', () => {
    const config = load({
      env: {
        SHERWOOD_API__RATE_LIMIT__CAPACITY: '50',
        sherwood_monitoring__dashboard__enabled: 'true',
        SHERWOOD_Risk__Drawdown_Action: 'reduce',
        SHERWOOD_MARKET_DATA__SYMBOLS: '[BTC-USD, SOL-USD]',
        SHERWOOD_APP__NAME: '12345',
      },
    });
    expect(config.api.rate_limit.capacity).toBe(50);
    expect(config.monitoring.dashboard.enabled).toBe(true);
    expect(config.risk.drawdown_action).toBe('reduce');
    expect(config.market_data.symbols).toEqual(['BTC-USD', 'SOL-USD']);
    expect(config.app.name).toBe('12345'); // a text key keeps digits as text
  });

  it('read the well-known names, with SHERWOOD_* winning over them', () => {
    const config = load({
      env: {
        ROBINHOOD_API_KEY: FAKE_API_KEY,
        ROBINHOOD_PRIVATE_KEY: FAKE_PRIVATE_KEY,
        ROBINHOOD_BASE_URL: 'http://127.0.0.1:8787',
        ROBINHOOD_ACCOUNT_NUMBER: '0123456',
        DATABASE_URL: 'postgres://u:p@db/sherwood',
        REDIS_URL: 'redis://cache:6379',
        SHERWOOD_API__ACCOUNT_NUMBER: '999',
      },
    });
    expect(config.api).toMatchObject({
      api_key: FAKE_API_KEY,
      private_key: FAKE_PRIVATE_KEY,
      base_url: 'http://127.0.0.1:8787',
      account_number: '999',
    });
    expect(config.storage.postgres_url).toBe('postgres://u:p@db/sherwood');
    expect(config.storage.redis_url).toBe('redis://cache:6379');
    expect(load({ env: { ROBINHOOD_ACCOUNT_NUMBER: '0123456' } }).api.account_number).toBe('0123456');
  });

  it('treat an empty variable as unset', () => {
    expect(load({ env: { ROBINHOOD_API_KEY: '', SHERWOOD_RISK__MAX_DRAWDOWN: '' } }).api.api_key).toBeUndefined();
  });

  it('reject a variable that names no key, naming the variable', () => {
    expect(problemsOf(() => load({ env: { SHERWOOD_RISK_MAX_DRAWDOWN: '0.1', SHERWOOD_RISK__NOPE: '1' } }))).toEqual([
      'SHERWOOD_RISK_MAX_DRAWDOWN: no configuration key matches this variable (nesting uses a double underscore, e.g. SHERWOOD_RISK__MAX_DRAWDOWN)',
      'SHERWOOD_RISK__NOPE: no configuration key matches this variable (nesting uses a double underscore, e.g. SHERWOOD_RISK__MAX_DRAWDOWN)',
    ]);
  });

  it('can address a strategy in the list by index', () => {
    project.write('config/default.yaml', 'strategies:\n  - { id: a, type: sma, symbols: [BTC-USD] }\n');
    const config = load({ env: { SHERWOOD_STRATEGIES__0__ENABLED: 'false' } });
    expect(config.strategies[0]).toMatchObject({ id: 'a', enabled: false });
  });
});

describe('.env file', () => {
  it('feeds the environment layer, and the process environment wins over it', () => {
    project.write('.env', 'SHERWOOD_APP__NAME=from-file\nROBINHOOD_ACCOUNT_NUMBER=111\n# comment\n');
    expect(load().app.name).toBe('from-file');
    const config = load({ env: { SHERWOOD_APP__NAME: 'from-process' } });
    expect(config.app.name).toBe('from-process');
    expect(config.api.account_number).toBe('111');
  });

  it('can be named explicitly, and must then exist', () => {
    const path = project.write('secrets/live.env', 'ROBINHOOD_API_KEY=' + FAKE_API_KEY + '\n');
    expect(load({ envFile: path }).api.api_key).toBe(FAKE_API_KEY);
    expect(problemsOf(() => load({ envFile: 'missing.env' }))).toEqual(['missing.env: env file not found']);
  });

  it('can choose the profile', () => {
    project.write('.env', 'SHERWOOD_PROFILE=production\n');
    project.write('config/production.yaml', 'app: { log_level: warn }\n');
    const result = resolveConfig({ cwd: project.dir, env: {} });
    expect(result.profile).toBe('production');
    expect(result.config.app).toMatchObject({ profile: 'production', log_level: 'warn' });
  });
});

describe('--set', () => {
  it('parses key=value with YAML scalars, splitting on the first "="', () => {
    const config = load({
      sets: ['risk.max_drawdown=0.1', 'monitoring.metrics.enabled=false', 'api.base_url=http://h:1/?a=b', 'app.name=x'],
    });
    expect(config.risk.max_drawdown).toBe(0.1);
    expect(config.monitoring.metrics.enabled).toBe(false);
    expect(config.api.base_url).toBe('http://h:1/?a=b');
  });

  it('reports bad syntax and unknown keys, one line each', () => {
    expect(problemsOf(() => load({ sets: ['risk.max_drawdown', '=1', 'risk..x=1', 'risk.nope=1'] }))).toEqual([
      '--set "risk.max_drawdown": expected key=value, e.g. risk.max_drawdown=0.1',
      '--set "=1": expected key=value, e.g. risk.max_drawdown=0.1',
      '--set "risk..x=1": expected key=value, e.g. risk.max_drawdown=0.1',
      '--set risk.nope=1: no configuration key "risk.nope"',
    ]);
  });

  it('can set a strategy parameter (record keys are free)', () => {
    const file = project.write(
      's.yaml',
      'strategies:\n  - { id: a, type: sma, symbols: [BTC-USD], params: { fast: 5 } }\n',
    );
    const config = load({ configFiles: [file], sets: ['strategies.0.params.slow=30'] });
    expect(config.strategies[0]!.params).toEqual({ fast: 5, slow: 30 });
    expect(problemsOf(() => load({ configFiles: [file], sets: ['strategies.3.enabled=false'] }))).toEqual([
      '--set strategies.3.enabled=false: cannot set strategies.3.enabled — index 3 is past the end of strategies',
    ]);
  });
});

describe('profiles', () => {
  beforeEach(() => {
    project.write('config/development.yaml', 'app: { log_level: debug }\n');
    project.write('config/production.yaml', 'app: { log_level: warn }\n');
  });

  it('default to development', () => {
    expect(load().app).toMatchObject({ profile: 'development', log_level: 'debug' });
  });

  it('come from the option or SHERWOOD_PROFILE, the option first', () => {
    expect(load({ profile: 'production' }).app.log_level).toBe('warn');
    expect(load({ env: { SHERWOOD_PROFILE: 'production' } }).app.log_level).toBe('warn');
    expect(load({ profile: 'development', env: { SHERWOOD_PROFILE: 'production' } }).app.log_level).toBe('debug');
  });

  it('accept only development and production', () => {
    expect(problemsOf(() => load({ env: { SHERWOOD_PROFILE: 'staging' } }))).toEqual([
      'profile: "staging" is invalid — must be one of "development", "production" (set by env SHERWOOD_PROFILE)',
    ]);
  });

  it('are not set from a file', () => {
    const file = project.write('p.yaml', 'app: { profile: production }\n');
    expect(problemsOf(() => load({ configFiles: [file] }))).toEqual([
      'app.profile: "production" is invalid — the profile is chosen with --profile or SHERWOOD_PROFILE (currently "development") (set by file p.yaml)',
    ]);
  });
});

describe('invalid configuration', () => {
  it('gives one line per problem with path, value, rule and layer', () => {
    project.write('config/default.yaml', 'risk:\n  max_drawdown: 1.5\n  max_open_orders: 0\napp:\n  mode: demo\n');
    const problems = problemsOf(() => load({ env: { SHERWOOD_API__TIMEOUT_MS: 'soon' }, sets: ['risk.price_band=0'] }));
    expect(problems).toEqual([
      'app.mode: "demo" is invalid — must be one of "paper", "live", "backtest" (set by file config/default.yaml)',
      'api.timeout_ms: "soon" is invalid — must be a number (set by env SHERWOOD_API__TIMEOUT_MS)',
      'risk.max_drawdown: 1.5 is invalid — must be at most 1 (set by file config/default.yaml)',
      'risk.max_open_orders: 0 is invalid — must be greater than 0 (set by file config/default.yaml)',
      'risk.price_band: 0 is invalid — must be greater than 0 (set by --set risk.price_band=0)',
    ]);
  });

  it('carries the problems in the error details', () => {
    try {
      load({ sets: ['risk.max_drawdown=2'] });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).code).toBe('CONFIG_ERROR');
      expect((err as ConfigError).details.problems).toEqual([
        'risk.max_drawdown: 2 is invalid — must be at most 1 (set by --set risk.max_drawdown=2)',
      ]);
    }
  });

  it('names the file that holds an unknown key', () => {
    const file = project.write('custom.yaml', 'risk:\n  max_drawdwn: 0.1\nfeatures: { x: 1 }\n');
    expect(problemsOf(() => load({ configFiles: [file] }))).toEqual([
      'risk.max_drawdwn: unknown key (set by file custom.yaml)',
      'features: unknown key (set by file custom.yaml)',
    ]);
  });

  it('says what is missing in live mode', () => {
    expect(problemsOf(() => load({ sets: ['app.mode=live'] }))).toEqual([
      'api.api_key: missing — required when app.mode is "live"',
      'api.private_key: missing — required when app.mode is "live"',
    ]);
  });

  it('never prints a secret it rejects', () => {
    const badKey = 'c2VjcmV0LXNlZWQtdGhhdC1pcy10b28tc2hvcnQ=';
    const problems = problemsOf(() => load({ env: { ROBINHOOD_PRIVATE_KEY: badKey } }));
    expect(problems).toEqual([
      'api.private_key: "***" is invalid — must be base64 of a 32-byte Ed25519 seed (or of 64 bytes: seed then public key) (set by env ROBINHOOD_PRIVATE_KEY)',
    ]);
    const url = problemsOf(() => load({ env: { DATABASE_URL: 'mysql://u:hunter2@db/x' } }));
    expect(url.join('\n')).not.toContain('hunter2');
  });

  it('reports unreadable files by name', () => {
    const bad = project.write('bad.yaml', 'risk: [unclosed\n');
    const list = project.write('list.json', '[1, 2]');
    const toml = project.write('c.toml', 'a = 1');
    expect(problemsOf(() => load({ configFiles: [bad, list, toml, 'nowhere.yaml'] }))).toEqual([
      expect.stringMatching(/^bad\.yaml: cannot parse — /),
      'list.json: must contain a mapping of sections (app, api, risk, ...), got a list',
      'c.toml: unsupported config file type ".toml" (use .yaml, .yml or .json)',
      'nowhere.yaml: config file not found',
    ]);
  });
});

describe("the repository's config files", () => {
  const repo = resolve(import.meta.dirname, '../..');

  it('load cleanly in both profiles', () => {
    // An empty env file, so that a developer's own ./.env cannot change the outcome.
    const envFile = project.write('empty.env', '');
    expect(loadConfig({ cwd: repo, env: {}, envFile, profile: 'development' }).app.log_level).toBe('debug');
    expect(loadConfig({ cwd: repo, env: {}, envFile, profile: 'production' }).api.retry.max_attempts).toBe(5);
  });

  it('default.yaml repeats the schema defaults and changes nothing', () => {
    project.write('config/default.yaml', '');
    const config = loadConfig({ cwd: project.dir, env: {}, configFiles: [resolve(repo, 'config/default.yaml')] });
    expect(config).toEqual(defaultConfig());
  });

  it('example.yaml shows every default truthfully (plus one strategy)', () => {
    const config = loadConfig({ cwd: project.dir, env: {}, configFiles: [resolve(repo, 'config/example.yaml')] });
    expect({ ...config, strategies: [] }).toEqual(defaultConfig());
    expect(config.strategies).toHaveLength(1);
  });
});
