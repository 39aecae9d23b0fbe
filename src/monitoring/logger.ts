// Structured logs on pino: JSON lines by default, pino-pretty on an interactive terminal. Secrets are redacted by path
// wherever they sit in the logged object, so that a stray `log.info({ config })` or `{ headers }` cannot leak a key.
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable output. Default: stdout is a TTY and CI is not set. */
  pretty?: boolean;
  /** Where lines go. Default: stdout. */
  destination?: DestinationStream;
  /** Logger name, shown in every line. */
  name?: string;
}

export const REDACTED = '[redacted]';

/** Keys whose values are secrets at any depth. */
const SECRET_KEYS = [
  'api_key',
  'apiKey',
  'private_key',
  'privateKey',
  'passphrase',
  'password',
  'secret',
  'authorization',
  'x-signature',
  'x-api-key',
];
/** pino's redaction has no "any depth" wildcard, so every depth up to this one is listed. */
const MAX_DEPTH = 5;

const segment = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);

function redactPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const prefix = Array.from({ length: depth }, () => '*').join('.');
    for (const key of SECRET_KEYS) {
      const seg = segment(key);
      paths.push(prefix === '' ? (seg.startsWith('.') ? seg.slice(1) : seg) : `${prefix}${seg}`);
    }
    // Whole subtrees: HTTP headers (signatures, keys) and the api section of a logged config.
    paths.push(prefix === '' ? 'headers.*' : `${prefix}.headers.*`);
    paths.push(prefix === '' ? 'config.api.*' : `${prefix}.config.api.*`);
  }
  return paths;
}

const REDACT_PATHS = redactPaths();

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  const pinoOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    ...(options.name !== undefined ? { name: options.name } : {}),
  };
  // pino-pretty as a synchronous stream in this thread (not a worker transport): simple to test and to flush.
  if (pretty) {
    const stream = PinoPretty({
      sync: true,
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      destination: options.destination ?? 1,
    });
    return pino(pinoOptions, stream);
  }
  // Synchronous stdout by default: the last lines before a crash are the ones that matter.
  return pino(pinoOptions, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** A logger for one component: every line carries `component`. */
export function childLogger(logger: Logger, component: string): Logger {
  return logger.child({ component });
}
