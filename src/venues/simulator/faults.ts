// Fault injection from a spec string such as
// "429:0.05,5xx:0.02,slow:0.1@2000,drop:0.01,cancel-delay:5000,fail-orders:0.1,post-timeout:0.05".
// Decisions come from a seeded generator, so the same seed and the same requests give the same faults.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { Random } from '../../core/random.ts';

export interface FaultConfig {
  /** Share of requests answered 429. */
  readonly rateLimited: number;
  /** Share answered 500 or 503. */
  readonly serverError: number;
  /** Share delayed by `slowMs` before being handled. */
  readonly slow: number;
  readonly slowMs: number;
  /** Share whose connection is destroyed without an answer. */
  readonly drop: number;
  /** Cancel settle delay in ms, replacing the default. */
  readonly cancelDelayMs?: number;
  /** Share of orders that go `failed` instead of filling. */
  readonly failOrders: number;
  /** Share of order POSTs that create the order and never answer. */
  readonly postTimeout: number;
}

export const NO_FAULTS: FaultConfig = {
  rateLimited: 0,
  serverError: 0,
  slow: 0,
  slowMs: 0,
  drop: 0,
  failOrders: 0,
  postTimeout: 0,
};

const share = z.coerce.number().min(0).max(1);
const ms = z.coerce.number().int().min(0);

export function parseFaultSpec(spec: string): FaultConfig {
  const out: { -readonly [K in keyof FaultConfig]: FaultConfig[K] } = { ...NO_FAULTS };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [name, value = ''] = part.split(':', 2) as [string, string?];
    const parse = <T>(schema: z.ZodType<T>, text: string): T => {
      const r = schema.safeParse(text);
      if (!r.success) throw new ConfigError(`fault "${part}": "${text}" is not valid for ${name}`, { fault: part });
      return r.data;
    };
    switch (name) {
      case '429':
        out.rateLimited = parse(share, value);
        break;
      case '5xx':
        out.serverError = parse(share, value);
        break;
      case 'slow': {
        const [p, delay = '1000'] = value.split('@', 2) as [string, string?];
        out.slow = parse(share, p);
        out.slowMs = parse(ms, delay);
        break;
      }
      case 'drop':
        out.drop = parse(share, value);
        break;
      case 'cancel-delay':
        out.cancelDelayMs = parse(ms, value);
        break;
      case 'fail-orders':
        out.failOrders = parse(share, value);
        break;
      case 'post-timeout':
        out.postTimeout = parse(share, value);
        break;
      default:
        throw new ConfigError(
          `unknown fault "${name}" in "${part}"; expected 429, 5xx, slow, drop, cancel-delay, fail-orders or post-timeout`,
          { fault: part },
        );
    }
  }
  return out;
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'drop' }
  | { kind: '429' }
  | { kind: '5xx'; status: 500 | 503 }
  | { kind: 'post-timeout'; delayMs: number };

/** Draws the fault for one request. Always consumes the same number of draws, so decisions stay aligned. */
export function decideFault(config: FaultConfig, random: Random, isOrderPost: boolean): FaultDecision {
  const [d, r, s, s503, sl, pt] = [
    random.next(),
    random.next(),
    random.next(),
    random.next(),
    random.next(),
    random.next(),
  ];
  if (d < config.drop) return { kind: 'drop' };
  if (r < config.rateLimited) return { kind: '429' };
  if (s < config.serverError) return { kind: '5xx', status: s503 < 0.5 ? 500 : 503 };
  const delayMs = sl < config.slow ? config.slowMs : 0;
  if (isOrderPost && pt < config.postTimeout) return { kind: 'post-timeout', delayMs };
  return { kind: 'none', delayMs };
}
