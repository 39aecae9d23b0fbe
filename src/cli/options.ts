// Options shared by every command that needs the configuration: --config, --profile, --set, --env-file; and the
// formatting of bad flag values (one line per problem, naming the flag and the value; main() exits 2 on it).
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { z } from 'zod';
import { ruleOf } from '../config/issues.ts';
import { resolveConfig, type LoadedConfig } from '../config/loader.ts';
import { ConfigError } from '../core/errors.ts';

export interface ConfigCliOptions {
  config?: string[];
  profile?: string;
  set?: string[];
  envFile?: string;
}

/** Adds the configuration options to `cmd` (returned for chaining). */
export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('--config <file...>', 'extra config file(s), YAML or JSON, applied in order after config/<profile>.yaml')
    .option('--profile <name>', 'profile: development or production (default: $SHERWOOD_PROFILE or development)')
    .option('--set <key=value...>', 'override a key, e.g. --set risk.max_drawdown=0.1 (applied last)')
    .option('--env-file <path>', 'read environment variables from this file instead of ./.env');
}

/** Loads the configuration from parsed options. `context` is for tests (cwd, env). Throws ConfigError. */
export function loadConfigFromOptions(
  opts: ConfigCliOptions,
  context: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): LoadedConfig {
  return resolveConfig({
    ...context,
    ...(opts.config !== undefined ? { configFiles: opts.config } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.set !== undefined ? { sets: opts.set } : {}),
    ...(opts.envFile !== undefined ? { envFile: opts.envFile } : {}),
  });
}

/** `baseUrl` → `--base-url`, unless `names` says otherwise. */
export function flagName(key: string, names: Readonly<Record<string, string>> = {}): string {
  return names[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A flag value as the user typed it: quoted, a repeated flag's values joined. */
export function showFlagValue(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value.map(String).join(' '));
  return JSON.stringify(typeof value === 'string' ? value : String(value));
}

/** The rule an issue states: its own message when the schema gave one, else zod's default put in words. */
function ruleText(issue: z.core.$ZodIssue): string {
  return /^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message) ? ruleOf(issue) : issue.message;
}

/**
 * One line per problem, naming the flag and the value given: `--lookback "1": must be at least 2`, or
 * `--port is required`. `raw` holds the values as parsed by commander, keyed like the schema.
 */
export function flagProblems(
  issues: readonly z.core.$ZodIssue[],
  raw: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>> = {},
): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${flagName(k, names)}: unknown`);
    const key = String(issue.path[0] ?? '');
    // A rule across several values (a refine on the whole object) has no one flag to name.
    if (key === '') return [names[''] === undefined ? issue.message : `${names['']}: ${issue.message}`];
    const flag = flagName(key, names);
    const given = raw[key];
    const index = issue.path[1];
    const value: unknown = Array.isArray(given) && typeof index === 'number' ? (given[index] as unknown) : given;
    if (value === undefined) return [`${flag} is required`];
    return [`${flag} ${showFlagValue(value)}: ${ruleText(issue)}`];
  });
}

/** Parses flag values with `schema`; on failure a ConfigError (exit 2) with one line per problem. */
export function parseFlags<T extends z.ZodType>(
  schema: T,
  raw: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>> = {},
): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = flagProblems(parsed.error.issues, raw, names);
  throw new ConfigError(lines.join('\n'), { issues: lines });
}

/** A file a command will write (--json, --report…) must be writable before the work starts, not after it. */
export function checkOutputFile(flag: string, file: string): void {
  const dir = dirname(resolve(file));
  let problem: string | undefined;
  if (existsSync(file) && statSync(file).isDirectory()) problem = 'is a directory';
  else if (!existsSync(dir)) problem = `its directory ${dir} does not exist`;
  else if (!statSync(dir).isDirectory()) problem = `${dir} is not a directory`;
  else {
    try {
      accessSync(dir, constants.W_OK);
      if (existsSync(file)) accessSync(file, constants.W_OK);
    } catch {
      problem = 'is not writable';
    }
  }
  if (problem !== undefined) {
    throw new ConfigError(`${flag} ${JSON.stringify(file)}: ${problem}`, { flag, value: file });
  }
}
