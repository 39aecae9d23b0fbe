// Options shared by every command that needs the configuration: --config, --profile, --set, --env-file.
import type { Command } from 'commander';
import { resolveConfig, type LoadedConfig } from '../config/loader.ts';

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
