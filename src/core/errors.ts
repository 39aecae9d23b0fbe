// One error hierarchy for the whole engine. Every error has a stable `code` and structured `details`;
// messages state what was received and what was expected.

export type ErrorDetails = Record<string, unknown>;

export class SherwoodError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(message: string, code = 'SHERWOOD_ERROR', details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON(): { name: string; code: string; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Bad input at a boundary (CLI value, file row, request field). */
export class ValidationError extends SherwoodError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, 'VALIDATION_ERROR', details, options);
  }
}

export class ConfigError extends SherwoodError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, 'CONFIG_ERROR', details, options);
  }
}

/** Failure talking to the venue API. Subclasses say what kind; `status` is the HTTP status when there was one. */
export class ApiError extends SherwoodError {
  readonly status: number | undefined;
  readonly endpoint: string | undefined;
  constructor(
    message: string,
    code = 'API_ERROR',
    details: ErrorDetails & { status?: number; endpoint?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, code, details, options);
    this.status = details.status;
    this.endpoint = details.endpoint;
  }
}

export class AuthenticationError extends ApiError {
  constructor(message: string, details: ErrorDetails & { status?: number; endpoint?: string } = {}) {
    super(message, 'AUTHENTICATION_ERROR', details);
  }
}
export class PermissionError extends ApiError {
  constructor(message: string, details: ErrorDetails & { status?: number; endpoint?: string } = {}) {
    super(message, 'PERMISSION_ERROR', details);
  }
}
export class ApiValidationError extends ApiError {
  constructor(message: string, details: ErrorDetails & { status?: number; endpoint?: string } = {}) {
    super(message, 'API_VALIDATION_ERROR', details);
  }
}
export class NotFoundError extends ApiError {
  constructor(message: string, details: ErrorDetails & { status?: number; endpoint?: string } = {}) {
    super(message, 'NOT_FOUND', details);
  }
}
export class RateLimitError extends ApiError {
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    details: ErrorDetails & { status?: number; endpoint?: string; retryAfterMs?: number } = {},
  ) {
    super(message, 'RATE_LIMITED', details);
    this.retryAfterMs = details.retryAfterMs;
  }
}
export class ServerError extends ApiError {
  constructor(message: string, details: ErrorDetails & { status?: number; endpoint?: string } = {}) {
    super(message, 'SERVER_ERROR', details);
  }
}
export class NetworkError extends ApiError {
  constructor(message: string, details: ErrorDetails & { endpoint?: string } = {}, options?: { cause?: unknown }) {
    super(message, 'NETWORK_ERROR', details, options);
  }
}
export class TimeoutError extends ApiError {
  constructor(message: string, details: ErrorDetails & { endpoint?: string } = {}, options?: { cause?: unknown }) {
    super(message, 'TIMEOUT', details, options);
  }
}
/** The response arrived but did not match the schema: carries the endpoint and the offending path. */
export class ResponseValidationError extends ApiError {
  constructor(message: string, details: ErrorDetails & { endpoint?: string; path?: string } = {}) {
    super(message, 'RESPONSE_VALIDATION_ERROR', details);
  }
}
export class CircuitOpenError extends ApiError {
  constructor(message: string, details: ErrorDetails & { endpoint?: string } = {}) {
    super(message, 'CIRCUIT_OPEN', details);
  }
}

export class MarketDataError extends SherwoodError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, 'MARKET_DATA_ERROR', details, options);
  }
}

export class OrderError extends SherwoodError {
  constructor(message: string, code = 'ORDER_ERROR', details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, code, details, options);
  }
}
export class InvalidTransitionError extends OrderError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, 'INVALID_TRANSITION', details);
  }
}
export class InsufficientFundsError extends OrderError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, 'INSUFFICIENT_FUNDS', details);
  }
}

export class RiskError extends SherwoodError {
  constructor(message: string, code = 'RISK_ERROR', details: ErrorDetails = {}) {
    super(message, code, details);
  }
}

export class DataError extends SherwoodError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, 'DATA_ERROR', details, options);
  }
}

export class PersistenceError extends SherwoodError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, 'PERSISTENCE_ERROR', details, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
