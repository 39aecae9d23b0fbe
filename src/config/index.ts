// Public surface of the configuration module.
export { ConfigSchema, defaultConfig, LOG_LEVELS, PROFILES } from './schema.ts';
export type { AppConfig, AppConfigInput, Profile, StrategyConfig } from './schema.ts';
export { DEFAULT_PROFILE, loadConfig, resolveConfig, RESERVED_ENV, WELL_KNOWN_ENV } from './loader.ts';
export type { LoadConfigOptions, LoadedConfig } from './loader.ts';
export { maskApiKey, maskSecrets, maskUrlPassword } from './mask.ts';
