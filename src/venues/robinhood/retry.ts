// Retry policy for idempotent requests: bounded attempts, exponential back-off with full jitter.
import { NetworkError, RateLimitError, ServerError, TimeoutError } from '../../core/errors.ts';

export interface RetryOptions {
  /** Total attempts including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 };

/** Errors worth another try of an idempotent request. 4xx other than 429 are answers, not accidents. */
export function isRetryable(err: unknown): boolean {
  return (
    err instanceof NetworkError ||
    err instanceof TimeoutError ||
    err instanceof RateLimitError ||
    err instanceof ServerError
  );
}

/**
 * Full jitter: a uniform draw in [0, min(max, base·2^(attempt-1))). A 429's Retry-After is a floor, since the
 * server told us when it will take requests again.
 */
export function backoffDelayMs(
  attempt: number,
  options: Required<RetryOptions>,
  random: () => number,
  err?: unknown,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const retryAfter = err instanceof RateLimitError ? (err.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}
