import { describe, expect, it } from 'vitest';
import { ConfigSchema, defaultConfig } from '../../src/config/schema.ts';
import { FAKE_API_KEY, FAKE_PRIVATE_KEY } from './helpers.ts';

describe('ConfigSchema', () => {
  it('fills every section with defaults, including the seed risk limits', () => {
    const config = defaultConfig();
    expect(config.app).toEqual({
      name: 'sherwood',
      mode: 'paper',
      profile: 'development',
      data_dir: './data',
      log_level: 'info',
      timezone: 'UTC',
    });
    expect(config.risk).toMatchObject({
      max_portfolio_risk: 0.1,
      max_position_risk: 0.02,
      max_correlation: 0.7,
      max_drawdown: 0.2,
      stop_loss_default: 0.05,
      take_profit_default: 0.15,
    });
    expect(config.api.base_url).toBe('https://trading.robinhood.com');
    expect(config.api.api_version).toBe('v2');
    expect(config.api.rate_limit).toEqual({ capacity: 300, refill_per_minute: 100 });
    expect(config.api.api_key).toBeUndefined();
    expect(config.storage).toEqual({ driver: 'sqlite', sqlite_path: './data/sherwood.db', bus: 'memory' });
    expect(config.monitoring.dashboard).toEqual({ enabled: false, host: '127.0.0.1', port: 8080 });
    expect(config.strategies).toEqual([]);
  });

  it('keeps a partial section and fills the rest of it', () => {
    const config = ConfigSchema.parse({ api: { retry: { max_attempts: 7 } } });
    expect(config.api.retry).toEqual({ max_attempts: 7, base_delay_ms: 250, max_delay_ms: 5000 });
    expect(config.api.timeout_ms).toBe(10_000);
  });

  it.each([
    [0, false],
    [0.000001, true],
    [1, true],
    [1.0001, false],
    [-0.1, false],
  ])('bounds a risk ratio to (0, 1]: %s → valid %s', (value, valid) => {
    expect(ConfigSchema.safeParse({ risk: { max_drawdown: value } }).success).toBe(valid);
  });

  it('rejects unknown keys at every level', () => {
    expect(ConfigSchema.safeParse({ risk: { max_drawdwn: 0.1 } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ extra: {} }).success).toBe(false);
    expect(ConfigSchema.safeParse({ api: { retry: { attempts: 1 } } }).success).toBe(false);
  });

  it('keeps money as exact decimal strings, accepting YAML numbers', () => {
    const config = ConfigSchema.parse({
      risk: { max_order_notional: 2500.5 },
      strategies: [{ id: 's', type: 'sma', symbols: ['BTC-USD'], budget: '1000.10' }],
    });
    expect(config.risk.max_order_notional).toBe('2500.5');
    expect(config.strategies[0]!.budget).toBe('1000.10');
    expect(ConfigSchema.safeParse({ risk: { max_order_notional: '1e5' } }).success).toBe(false);
  });

  it('requires the API keys in live mode only', () => {
    expect(ConfigSchema.safeParse({ app: { mode: 'live' } }).success).toBe(false);
    expect(
      ConfigSchema.safeParse({ app: { mode: 'live' }, api: { api_key: FAKE_API_KEY, private_key: FAKE_PRIVATE_KEY } })
        .success,
    ).toBe(true);
  });

  it('accepts a 32- or 64-byte base64 private key and nothing else', () => {
    const ok = (key: string): boolean => ConfigSchema.safeParse({ api: { private_key: key } }).success;
    expect(ok(FAKE_PRIVATE_KEY)).toBe(true);
    expect(ok(Buffer.alloc(64, 1).toString('base64'))).toBe(true);
    expect(ok(Buffer.alloc(31, 1).toString('base64'))).toBe(false);
    expect(ok('not base64!')).toBe(false);
  });

  it('fills strategy defaults and refuses duplicate ids and bad symbols', () => {
    const config = ConfigSchema.parse({ strategies: [{ id: 'a', type: 'sma', symbols: ['BTC-USD'] }] });
    expect(config.strategies[0]).toEqual({ id: 'a', type: 'sma', symbols: ['BTC-USD'], params: {}, enabled: true });
    const dup = { id: 'a', type: 'sma', symbols: ['BTC-USD'] };
    expect(ConfigSchema.safeParse({ strategies: [dup, dup] }).success).toBe(false);
    expect(ConfigSchema.safeParse({ strategies: [{ ...dup, symbols: ['btc'] }] }).success).toBe(false);
  });

  it('requires the URLs that the chosen storage and bus need', () => {
    expect(ConfigSchema.safeParse({ storage: { driver: 'postgres' } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ storage: { driver: 'postgres', postgres_url: 'postgres://h/db' } }).success).toBe(
      true,
    );
    expect(ConfigSchema.safeParse({ storage: { bus: 'redis' } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ storage: { redis_url: 'http://h' } }).success).toBe(false);
  });

  it('checks the time zone', () => {
    expect(ConfigSchema.safeParse({ app: { timezone: 'America/New_York' } }).success).toBe(true);
    expect(ConfigSchema.safeParse({ app: { timezone: 'Mars/Olympus' } }).success).toBe(false);
  });
});
