// The layered loader. Later layers win:
//   schema defaults → config/default.yaml → config/<profile>.yaml → each --config file → .env file → environment → --set
// Objects merge deeply, lists replace. Every problem (unknown key, bad syntax, invalid value) becomes one line of a
// single ConfigError that names the key, the value received, the rule and the layer that set it.
import { existsSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError, errorMessage } from '../core/errors.ts';
import { describeValue, formatIssues, type SourceMap } from './issues.ts';
import { isPlainObject, parseTextValue, schemaAt, setPath, splitDotted, type ConfigPath } from './paths.ts';
import { ConfigSchema, PROFILES, type AppConfig, type Profile } from './schema.ts';

export interface LoadConfigOptions {
  /** Directory holding `config/` and `.env`; relative paths resolve against it. Default: process.cwd(). */
  cwd?: string;
  /** Extra files (YAML, or JSON by extension), applied in order after the profile file. */
  configFiles?: string[];
  /** 'development' or 'production'. Default: SHERWOOD_PROFILE, else 'development'. */
  profile?: string;
  /** Environment variables. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** A .env file; when absent, `<cwd>/.env` is read if it exists. */
  envFile?: string;
  /** `key=value` overrides, e.g. `risk.max_drawdown=0.1`. */
  sets?: string[];
}

export interface LoadedConfig {
  config: AppConfig;
  profile: Profile;
  /** Which layer set each dotted path. */
  sources: SourceMap;
  /** Files read, in the order applied (config files and the .env file). */
  files: string[];
}

/** Environment variables with conventional names, mapped to their keys. SHERWOOD_* variables override them. */
export const WELL_KNOWN_ENV: Readonly<Record<string, ConfigPath>> = {
  ROBINHOOD_API_KEY: ['api', 'api_key'],
  ROBINHOOD_PRIVATE_KEY: ['api', 'private_key'],
  ROBINHOOD_BASE_URL: ['api', 'base_url'],
  ROBINHOOD_ACCOUNT_NUMBER: ['api', 'account_number'],
  DATABASE_URL: ['storage', 'postgres_url'],
  REDIS_URL: ['storage', 'redis_url'],
};

const ENV_PREFIX = 'SHERWOOD_';
/** SHERWOOD_* variables that choose how to load, rather than a key. */
export const RESERVED_ENV = new Set(['SHERWOOD_PROFILE']);
export const DEFAULT_PROFILE: Profile = 'development';

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  return resolveConfig(options).config;
}

/** Loads the configuration and reports where each value came from. Throws ConfigError listing every problem. */
export function resolveConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const display = (path: string): string => {
    const rel = relative(cwd, path);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const problems: string[] = [];
  const sources: SourceMap = new Map();
  const files: string[] = [];
  const raw: Record<string, unknown> = {};

  // The .env file is read first: SHERWOOD_PROFILE may come from it. Process env wins over the file.
  const env = collectEnv(options, cwd, display, files);

  const profileSource =
    options.profile !== undefined
      ? '--profile'
      : nonEmpty(env.values.SHERWOOD_PROFILE)
        ? env.describe('SHERWOOD_PROFILE')
        : 'default';
  const requestedProfile =
    options.profile ?? (nonEmpty(env.values.SHERWOOD_PROFILE) ? env.values.SHERWOOD_PROFILE : DEFAULT_PROFILE);
  if (!(PROFILES as readonly string[]).includes(requestedProfile)) {
    throw new ConfigError(
      `profile: ${describeValue(requestedProfile)} is invalid — must be one of ${PROFILES.map((p) => `"${p}"`).join(', ')} (set by ${profileSource})`,
      { problems: [], profile: requestedProfile },
    );
  }
  const profile = requestedProfile as Profile;

  const applyFile = (path: string, label: string, required: boolean): void => {
    if (!existsSync(path)) {
      if (required) problems.push(`${display(path)}: config file not found`);
      return;
    }
    const layer = readConfigFile(path, display(path), problems);
    if (layer === undefined) return;
    files.push(path);
    mergeLayer(raw, layer, `${label} ${display(path)}`, sources, []);
  };
  applyFile(resolve(cwd, 'config', 'default.yaml'), 'file', false);
  applyFile(resolve(cwd, 'config', `${profile}.yaml`), 'profile file', false);
  for (const file of options.configFiles ?? []) applyFile(resolve(cwd, file), 'file', true);

  // Environment: the well-known names first, then SHERWOOD_* (more specific, so it wins).
  for (const [name, path] of Object.entries(WELL_KNOWN_ENV)) {
    const value = env.values[name];
    if (nonEmpty(value)) applyText(raw, path, value, env.describe(name), sources, problems);
  }
  for (const name of Object.keys(env.values).sort()) {
    const value = env.values[name];
    if (!name.toUpperCase().startsWith(ENV_PREFIX) || RESERVED_ENV.has(name.toUpperCase()) || !nonEmpty(value))
      continue;
    const path = envNameToPath(name);
    if (path === undefined || schemaAt(path) === undefined) {
      problems.push(
        `${name}: no configuration key matches this variable (nesting uses a double underscore, e.g. SHERWOOD_RISK__MAX_DRAWDOWN)`,
      );
      continue;
    }
    applyText(raw, path, value, env.describe(name), sources, problems);
  }

  for (const assignment of options.sets ?? []) {
    const eq = assignment.indexOf('=');
    const path = eq > 0 ? splitDotted(assignment.slice(0, eq).trim()) : undefined;
    if (path === undefined) {
      problems.push(`--set ${JSON.stringify(assignment)}: expected key=value, e.g. risk.max_drawdown=0.1`);
      continue;
    }
    if (schemaAt(path) === undefined) {
      problems.push(`--set ${assignment}: no configuration key "${assignment.slice(0, eq).trim()}"`);
      continue;
    }
    applyText(raw, path, assignment.slice(eq + 1), `--set ${assignment}`, sources, problems);
  }

  // app.profile is chosen by --profile / SHERWOOD_PROFILE only; a layer that says otherwise is a mistake.
  const app = isPlainObject(raw.app) ? raw.app : {};
  if (app.profile !== undefined && app.profile !== profile) {
    const setBy = sources.get('app.profile');
    problems.push(
      `app.profile: ${describeValue(app.profile)} is invalid — the profile is chosen with --profile or SHERWOOD_PROFILE (currently "${profile}")${setBy ? ` (set by ${setBy})` : ''}`,
    );
  }
  raw.app = { ...app, profile };

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) problems.push(...formatIssues(result.error.issues, raw, sources));
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(problems.join('\n'), { problems, profile, files });
  }
  return { config: result.data, profile, sources, files };
}

interface EnvView {
  values: Record<string, string | undefined>;
  /** "env NAME" or "env NAME in .env" for provenance. */
  describe: (name: string) => string;
}

function collectEnv(options: LoadConfigOptions, cwd: string, display: (p: string) => string, files: string[]): EnvView {
  const processEnv = options.env ?? process.env;
  const path = options.envFile !== undefined ? resolve(cwd, options.envFile) : resolve(cwd, '.env');
  let fileEnv: Record<string, string> = {};
  if (existsSync(path)) {
    try {
      fileEnv = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
      files.push(path);
    } catch (err) {
      throw new ConfigError(`${display(path)}: cannot read env file — ${errorMessage(err)}`, { file: path });
    }
  } else if (options.envFile !== undefined) {
    throw new ConfigError(`${display(path)}: env file not found`, { file: path });
  }
  const values: Record<string, string | undefined> = { ...fileEnv, ...processEnv };
  const fromFile = (name: string): boolean => nonEmpty(fileEnv[name]) && !nonEmpty(processEnv[name]);
  return { values, describe: (name) => (fromFile(name) ? `env ${name} in ${display(path)}` : `env ${name}`) };
}

/** SHERWOOD_RISK__MAX_DRAWDOWN → ['risk', 'max_drawdown']; case-insensitive; integer segments index lists. */
export function envNameToPath(name: string): ConfigPath | undefined {
  const segments = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
  if (segments.some((s) => s === '')) return undefined;
  return segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value !== '';

function applyText(
  raw: Record<string, unknown>,
  path: ConfigPath,
  text: string,
  source: string,
  sources: SourceMap,
  problems: string[],
): void {
  const target = schemaAt(path);
  if (target === undefined) return;
  const value = parseTextValue(text, target);
  const error = setPath(raw, path, value);
  if (error !== undefined) problems.push(`${source}: cannot set ${path.join('.')} — ${error}`);
  else recordSources(value, path, source, sources);
}

function readConfigFile(path: string, shown: string, problems: string[]): Record<string, unknown> | undefined {
  const ext = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    problems.push(`${shown}: unsupported config file type "${ext}" (use .yaml, .yml or .json)`);
    return undefined;
  }
  let parsed: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    parsed = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    problems.push(`${shown}: cannot parse — ${errorMessage(err).split('\n')[0]}`);
    return undefined;
  }
  if (parsed === null || parsed === undefined) return {}; // an empty file (or only comments)
  if (!isPlainObject(parsed)) {
    problems.push(`${shown}: must contain a mapping of sections (app, api, risk, ...), got ${describeValue(parsed)}`);
    return undefined;
  }
  return parsed;
}

/** Deep-merges `layer` into `target` (objects merge, everything else replaces) and records who set each leaf. */
function mergeLayer(
  target: Record<string, unknown>,
  layer: Record<string, unknown>,
  source: string,
  sources: SourceMap,
  prefix: ConfigPath,
): void {
  for (const [key, value] of Object.entries(layer)) {
    const path = [...prefix, key];
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) {
      mergeLayer(existing, value, source, sources, path);
    } else {
      target[key] = structuredClone(value);
      recordSources(value, path, source, sources);
    }
  }
}

/** Records the source of every leaf of `value` (lists are leaves: they replace as a whole). */
function recordSources(value: unknown, path: ConfigPath, source: string, sources: SourceMap): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) recordSources(v, [...path, k], source, sources);
    return;
  }
  const dotted = path.join('.');
  // A replaced list or object takes the sources of what was under it with it.
  for (const key of [...sources.keys()]) if (key.startsWith(`${dotted}.`)) sources.delete(key);
  sources.set(dotted, source);
}
