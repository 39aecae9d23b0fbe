// The single source of truth for configuration: every key, its default and its rule. Keys are snake_case, as in the files.
// Nested sections use `.prefault({})` so that an absent section is parsed (and so filled with its own defaults).
import { z } from 'zod';

/** Fraction in (0, 1]: risk limits and bands. */
const ratio = z.number().gt(0).lte(1);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const port = z.number().int().min(0).max(65535);

/** An amount of quote currency. Kept as a decimal string (never a float); YAML numbers are accepted and converted. */
const DECIMAL_RE = /^\d+(\.\d+)?$/;
const money = z
  .union([z.string(), z.number().nonnegative()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .pipe(z.string().regex(DECIMAL_RE, { error: 'must be a non-negative decimal number such as 10000 or "2500.50"' }));

/** A URL whose scheme is one of `protocols` (without the colon). */
const urlOf = (...protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
  );

/** Base64 of the 32-byte Ed25519 seed (or the 64-byte seed+public key that some generators print). */
const privateKey = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && [32, 64].includes(Buffer.from(v, 'base64').length), {
    error: 'must be base64 of a 32-byte Ed25519 seed (or of 64 bytes: seed then public key)',
  });

const timezone = z.string().refine(
  (v) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as "UTC" or "America/New_York"' },
);

const SYMBOL_RE = /^[A-Z0-9]+-[A-Z0-9]+$/;
const symbol = z.string().regex(SYMBOL_RE, { error: 'must be a trading pair symbol such as "BTC-USD"' });

export const PROFILES = ['development', 'production'] as const;
export type Profile = (typeof PROFILES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const AppSchema = z.strictObject({
  /** Name used in logs and metrics. */
  name: z.string().min(1).default('sherwood'),
  /** paper: simulator with live or replayed quotes; live: real Robinhood orders; backtest: historical data. */
  mode: z.enum(['paper', 'live', 'backtest']).default('paper'),
  /** Set by the loader from --profile / SHERWOOD_PROFILE. */
  profile: z.enum(PROFILES).default('development'),
  data_dir: z.string().min(1).default('./data'),
  log_level: z.enum(LOG_LEVELS).default('info'),
  timezone: timezone.default('UTC'),
});

const ApiSchema = z.strictObject({
  base_url: urlOf('https', 'http').default('https://trading.robinhood.com'),
  /** Secret. Issued by Robinhood once the public key is registered. */
  api_key: z.string().min(1).optional(),
  /** Secret. Base64 Ed25519 private key (32-byte seed). */
  private_key: privateKey.optional(),
  /** v2 = orders with fee tiers (needs account_number); v1 = without fee tiers. */
  api_version: z.enum(['v2', 'v1']).default('v2'),
  account_number: z.string().min(1).optional(),
  timeout_ms: positiveInt.default(10_000),
  /** Robinhood's token bucket: bursts of 300, refilled at 100 requests a minute. */
  rate_limit: z
    .strictObject({ capacity: positiveInt.default(300), refill_per_minute: positiveInt.default(100) })
    .prefault({}),
  retry: z
    .strictObject({
      max_attempts: positiveInt.default(3),
      base_delay_ms: nonNegativeInt.default(250),
      max_delay_ms: nonNegativeInt.default(5_000),
    })
    .prefault({}),
  circuit_breaker: z
    .strictObject({ failure_threshold: positiveInt.default(5), half_open_after_ms: positiveInt.default(30_000) })
    .prefault({}),
  pool: z.strictObject({ connections: positiveInt.default(10) }).prefault({}),
});

const RiskSchema = z.strictObject({
  max_portfolio_risk: ratio.default(0.1),
  max_position_risk: ratio.default(0.02),
  max_correlation: ratio.default(0.7),
  max_drawdown: ratio.default(0.2),
  stop_loss_default: ratio.default(0.05),
  take_profit_default: ratio.default(0.15),
  /** Loss in one UTC day, as a fraction of the equity at the start of the day, that halts new risk. */
  daily_loss_limit: ratio.default(0.05),
  /** Largest notional of a single order, in quote currency (decimal string). */
  max_order_notional: money.default('10000'),
  max_open_orders: positiveInt.default(20),
  /** Fat-finger band: a limit price further than this fraction from the last price is denied. */
  price_band: ratio.default(0.05),
  drawdown_action: z.enum(['reduce', 'halt']).default('halt'),
  correlation_action: z.enum(['reduce', 'deny']).default('deny'),
  /**
   * When the correlation with a held asset cannot be measured (fewer than `correlation_lookback` shared bars, or a
   * flat series): 'allow' the order (the other limits still apply) or 'deny' it (fail closed).
   */
  correlation_unknown: z.enum(['allow', 'deny']).default('allow'),
  /** Market data older than this stops new orders (fail closed). */
  stale_data_ms: positiveInt.default(10_000),
  /** Largest gross exposure (Σ |position value|) after an order, as a multiple of equity (1 = no leverage). */
  max_gross_exposure: z.number().positive().default(1),
  /** Largest value in one asset after an order, as a fraction of equity. */
  max_asset_concentration: ratio.default(0.5),
  /** Orders a strategy may have approved within `order_rate_window_ms`. */
  order_rate_limit: positiveInt.default(10),
  order_rate_window_ms: positiveInt.default(60_000),
  /**
   * Interval of the cached bars that correlations and VaR read. Absent: the bars the session trades on
   * (market_data.bar_interval_ms in paper and live trading, the data's interval in a backtest).
   */
  bar_interval_ms: positiveInt.optional(),
  /** Returns used for the correlation between a requested asset and the ones held. */
  correlation_lookback: z.number().int().min(2).default(30),
  /** Returns used for VaR and Expected Shortfall. */
  var_lookback: z.number().int().min(2).default(250),
  /** Clock drift (local vs venue, ms) beyond which opening trades halt until it is back within bounds. */
  max_clock_drift_ms: positiveInt.default(1_000),
  /** Trailing stop distance attached to new positions; absent = fixed stops only. */
  trailing_stop_default: ratio.optional(),
  /** Stop-loss legs rest on the venue as stop_loss sell orders (take-profit is emulated); false = all emulated. */
  venue_stops: z.boolean().default(true),
  /** A trailing venue stop is replaced only when its level rose by this fraction (spares the rate budget). */
  venue_stop_trail_step: ratio.default(0.005),
});

const StrategySchema = z.strictObject({
  id: z.string().min(1),
  /** A registered strategy name, or a path to a module exporting a strategy. */
  type: z.string().min(1),
  symbols: z.array(symbol).min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  /** Quote currency this strategy may commit (decimal string); absent = no per-strategy budget. */
  budget: money.optional(),
});

const MarketDataSchema = z.strictObject({
  /**
   * Where quotes come from: 'poll' (Robinhood's best bid/ask endpoint, every `poll_interval_ms`) or 'websocket' (the
   * simulator's market stream `/_sim/ws/market`, pushed on every change; the simulator only — Robinhood has none).
   */
  feed: z.enum(['poll', 'websocket']).default('poll'),
  poll_interval_ms: positiveInt.default(2_000),
  stale_after_ms: positiveInt.default(10_000),
  symbols: z.array(symbol).default(['BTC-USD', 'ETH-USD']),
  /** Bars built from the polled quotes (mid) for strategies that trade on bars. */
  bar_interval_ms: positiveInt.default(60_000),
});

const StorageSchema = z.strictObject({
  driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
  sqlite_path: z.string().min(1).default('./data/sherwood.db'),
  postgres_url: urlOf('postgres', 'postgresql').optional(),
  redis_url: urlOf('redis', 'rediss').optional(),
  bus: z.enum(['memory', 'redis']).default('memory'),
});

const MonitoringSchema = z.strictObject({
  metrics: z.strictObject({ enabled: z.boolean().default(true), port: port.default(9464) }).prefault({}),
  health: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  dashboard: z
    .strictObject({
      enabled: z.boolean().default(false),
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(8080),
    })
    .prefault({}),
});

const SimulatorSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8787),
  /** Market time per wall time (3600 replays an hourly bar per second); absent = one bar per second. */
  speed: z.number().positive().optional(),
  seed: z.number().int().default(42),
  /** Historical data files to replay. */
  data: z.array(z.string().min(1)).default([]),
  /** Fault injection spec, e.g. "429:0.05,500:0.01,timeout:0.01" (parsed by the simulator). */
  faults: z.string().default(''),
  latency_ms: nonNegativeInt.default(0),
});

export const ConfigSchema = z
  .strictObject({
    app: AppSchema.prefault({}),
    api: ApiSchema.prefault({}),
    risk: RiskSchema.prefault({}),
    strategies: z.array(StrategySchema).default([]),
    market_data: MarketDataSchema.prefault({}),
    storage: StorageSchema.prefault({}),
    monitoring: MonitoringSchema.prefault({}),
    simulator: SimulatorSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    // Rules that tie keys together: fail at start-up rather than at the first order.
    if (c.app.mode === 'live') {
      if (c.api.api_key === undefined)
        ctx.addIssue({ code: 'custom', path: ['api', 'api_key'], message: 'required when app.mode is "live"' });
      if (c.api.private_key === undefined)
        ctx.addIssue({ code: 'custom', path: ['api', 'private_key'], message: 'required when app.mode is "live"' });
    }
    if (c.storage.driver === 'postgres' && c.storage.postgres_url === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['storage', 'postgres_url'],
        message: 'required when storage.driver is "postgres"',
      });
    if (c.storage.bus === 'redis' && c.storage.redis_url === undefined)
      ctx.addIssue({ code: 'custom', path: ['storage', 'redis_url'], message: 'required when storage.bus is "redis"' });
    if (c.api.retry.base_delay_ms > c.api.retry.max_delay_ms)
      ctx.addIssue({
        code: 'custom',
        path: ['api', 'retry', 'base_delay_ms'],
        message: `must not exceed api.retry.max_delay_ms (${c.api.retry.max_delay_ms})`,
      });
    const seen = new Set<string>();
    c.strategies.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['strategies', i, 'id'], message: 'must be unique among strategies' });
      seen.add(s.id);
    });
  });

export type AppConfig = z.output<typeof ConfigSchema>;
export type AppConfigInput = z.input<typeof ConfigSchema>;
export type StrategyConfig = AppConfig['strategies'][number];

/** The configuration with every default and nothing else. */
export function defaultConfig(): AppConfig {
  return ConfigSchema.parse({});
}
