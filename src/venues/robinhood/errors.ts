// Robinhood-specific error handling: the error body shapes, the status → error mapping, and OrderOutcomeUnknown.
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import {
  ApiError,
  ApiValidationError,
  AuthenticationError,
  NotFoundError,
  OrderError,
  PermissionError,
  RateLimitError,
  ServerError,
} from '../../core/errors.ts';

export interface ErrorEntry {
  detail: string;
  attr: string | null;
}

export interface ErrorBody {
  /** `validation_error`, `client_error` or `server_error` when the standard shape was sent. */
  type: string | undefined;
  errors: ErrorEntry[];
}

/**
 * Reads an error body in any shape seen or documented: `{type, errors:[{detail, attr}]}`, DRF's `{detail}`,
 * `{message}`, `{field: ["msg"]}`, or plain text. Never throws.
 */
export function parseErrorBody(text: string): ErrorBody {
  let raw: unknown;
  try {
    raw = parseLossless(text);
  } catch {
    const trimmed = text.trim();
    return { type: undefined, errors: trimmed ? [{ detail: trimmed.slice(0, 500), attr: null }] : [] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { type: undefined, errors: [{ detail: stringify(raw), attr: null }] };
  }
  const body = raw as Record<string, unknown>;
  const type = typeof body.type === 'string' ? body.type : undefined;
  if (Array.isArray(body.errors)) {
    const errors = body.errors.map((e): ErrorEntry => {
      if (e !== null && typeof e === 'object') {
        const entry = e as Record<string, unknown>;
        return {
          detail: stringify(entry.detail ?? entry.message ?? e),
          attr: typeof entry.attr === 'string' ? entry.attr : null,
        };
      }
      return { detail: stringify(e), attr: null };
    });
    return { type, errors };
  }
  if (typeof body.detail === 'string') return { type, errors: [{ detail: body.detail, attr: null }] };
  if (typeof body.message === 'string') return { type, errors: [{ detail: body.message, attr: null }] };
  // DRF field errors: {"symbol": ["Malformed symbol parameter"]}
  const errors = Object.entries(body)
    .filter(([key]) => key !== 'type')
    .map(([attr, v]): ErrorEntry => ({ detail: Array.isArray(v) ? v.map(stringify).join('; ') : stringify(v), attr }));
  return { type, errors };
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isLosslessNumber(value)) return value.value;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (isLosslessNumber(v) ? v.value : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Maps a non-2xx HTTP status and its body to the error hierarchy. */
export function errorForStatus(
  status: number,
  bodyText: string,
  context: { endpoint: string; method: string; retryAfterMs?: number | undefined },
): ApiError {
  const body = parseErrorBody(bodyText);
  const summary = body.errors.map((e) => (e.attr ? `${e.attr}: ${e.detail}` : e.detail)).join('; ') || '(no detail)';
  const first = body.errors[0];
  const details = {
    status,
    endpoint: context.endpoint,
    method: context.method,
    type: body.type,
    errors: body.errors,
    detail: first?.detail,
    attr: first?.attr ?? null,
  };
  const where = `${context.method} ${context.endpoint}`;
  if (status === 400) return new ApiValidationError(`${where} rejected (400): ${summary}`, details);
  if (status === 401) return new AuthenticationError(`${where} authentication failed (401): ${summary}`, details);
  if (status === 403) return new PermissionError(`${where} not permitted for this key (403): ${summary}`, details);
  if (status === 404) return new NotFoundError(`${where} not found (404): ${summary}`, details);
  if (status === 429) {
    return new RateLimitError(`${where} rate limited (429): ${summary}`, {
      ...details,
      retryAfterMs: context.retryAfterMs,
    });
  }
  if (status >= 500) return new ServerError(`${where} server error (${status}): ${summary}`, details);
  return new ApiError(`${where} failed (${status}): ${summary}`, 'API_ERROR', details);
}

/**
 * An order POST whose outcome is not known: it may or may not have been placed (timeout, connection lost after
 * sending, 5xx, 429). Never re-send blindly: look the order up by `clientOrderId` (findOrderByClientOrderId).
 */
export class OrderOutcomeUnknown extends OrderError {
  readonly clientOrderId: string;
  /** Epoch ms just before the request was sent: use it (minus a margin) as `created_at_start` when reconciling. */
  readonly sentAtMs: number;
  constructor(
    message: string,
    details: { clientOrderId: string; sentAtMs: number; endpoint?: string },
    cause: unknown,
  ) {
    super(message, 'ORDER_OUTCOME_UNKNOWN', details, { cause });
    this.clientOrderId = details.clientOrderId;
    this.sentAtMs = details.sentAtMs;
  }
}
