// Secrets never leave the process in clear: masked copies for `config show`, logs and error messages.
import type { AppConfig } from './schema.ts';

export const MASK = '***';

/** Keeps the last 4 characters of an API key so that an operator can tell which key is loaded. */
export function maskApiKey(key: string): string {
  return key.length >= 12 ? `${MASK}${key.slice(-4)}` : MASK;
}

/** Replaces the password of a URL (postgres://user:pass@host) with ***; other URLs come back unchanged. */
export function maskUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    // Not parseable: hide anything between "://user:" and "@" by hand.
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, `$1${MASK}@`);
  }
}

/** Paths (dotted) whose values are secrets, and how each is masked. */
const SECRET_PATHS: Record<string, (value: string) => string> = {
  'api.api_key': maskApiKey,
  'api.private_key': () => MASK,
  'api.base_url': maskUrlPassword,
  'storage.postgres_url': maskUrlPassword,
  'storage.redis_url': maskUrlPassword,
};

/** Masks a value found at `dottedPath` if that path holds a secret (used by error messages too). */
export function maskValueAt(dottedPath: string, value: unknown): unknown {
  const mask = SECRET_PATHS[dottedPath];
  if (!mask || value === undefined) return value;
  return typeof value === 'string' ? mask(value) : MASK;
}

/** A deep copy of the configuration with every secret masked, safe to print or log. */
export function maskSecrets(config: AppConfig): AppConfig {
  const copy = structuredClone(config);
  if (copy.api.api_key !== undefined) copy.api.api_key = maskApiKey(copy.api.api_key);
  if (copy.api.private_key !== undefined) copy.api.private_key = MASK;
  copy.api.base_url = maskUrlPassword(copy.api.base_url);
  if (copy.storage.postgres_url !== undefined) copy.storage.postgres_url = maskUrlPassword(copy.storage.postgres_url);
  if (copy.storage.redis_url !== undefined) copy.storage.redis_url = maskUrlPassword(copy.storage.redis_url);
  return copy;
}
